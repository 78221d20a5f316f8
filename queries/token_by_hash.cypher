// The live token whose secret hashes to $hash, if any. Params: $hash.
MATCH (t:ApiToken {hash: $hash})
WHERE t.revokedAt IS NULL
RETURN t.id AS id, t.name AS name, t.roles AS roles, t.unmask AS unmask
