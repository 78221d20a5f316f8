// Stores a new API token: only the SHA-256 of its secret, never the secret. With $replace,
// live tokens of the same name are revoked in the same transaction (`tools/dev up` re-creates
// its development token this way). Params: $id, $name, $hash, $roles, $unmask, $now, $replace.
OPTIONAL MATCH (old:ApiToken {name: $name})
WHERE $replace AND old.revokedAt IS NULL
SET old.revokedAt = $now
WITH count(old) AS replaced
CREATE (:ApiToken {id: $id, name: $name, hash: $hash, roles: $roles, unmask: $unmask, createdAt: $now})
RETURN replaced
