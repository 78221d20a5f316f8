// Members of stored rings scoring at least $minScore: the "same ring" tie for incidents.
// Params: $minScore. Returns: ringId, accountId.
MATCH (g:Ring)-[:HAS_MEMBER]->(a:Account)
WHERE g.score >= $minScore
RETURN g.id AS ringId, a.id AS accountId
