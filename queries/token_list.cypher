// Every token, oldest first, without hashes. Params: none.
MATCH (t:ApiToken)
RETURN t.id AS id, t.name AS name, t.roles AS roles, t.unmask AS unmask,
       t.createdAt AS createdAt, t.revokedAt AS revokedAt
ORDER BY t.createdAt, t.id
