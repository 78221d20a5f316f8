// Revokes the live tokens with id or name $key; returns their ids. Params: $key, $now.
MATCH (t:ApiToken)
WHERE (t.id = $key OR t.name = $key) AND t.revokedAt IS NULL
SET t.revokedAt = $now
RETURN collect(t.id) AS revoked
