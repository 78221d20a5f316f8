// Stores a new API token: only the SHA-256 of its secret, never the secret. A name belongs to
// one live token at a time (the audit log's "who"): while one is live nothing is created
// (`created` false), unless $replace, which revokes it in the same transaction (`tools/dev up`
// re-creates its development token this way). The lock node serialises concurrent creates, so
// two cannot both find the name free. Params: $id, $name, $hash, $roles, $unmask, $now, $replace.
MERGE (lock:ApiTokenLock {id: 'tokens'})
SET lock.lockedAt = $now
WITH lock
OPTIONAL MATCH (old:ApiToken {name: $name})
WHERE old.revokedAt IS NULL
WITH collect(old) AS live
WITH live, $replace OR size(live) = 0 AS ok
FOREACH (old IN CASE WHEN ok THEN live ELSE [] END | SET old.revokedAt = $now)
FOREACH (_ IN CASE WHEN ok THEN [1] ELSE [] END |
  CREATE (:ApiToken {id: $id, name: $name, hash: $hash, roles: $roles, unmask: $unmask, createdAt: $now}))
RETURN ok AS created, [t IN live | t.id] AS live
