// Members of the rings of run $runId scoring at least $minScore: the "same ring" tie for
// incidents. $runId null means the last complete rings run. Params: $runId, $minScore.
// Returns: ringId, accountId.
OPTIONAL MATCH (p:FindingsPointer {detector: 'rings'})
WITH coalesce($runId, p.runId) AS run
MATCH (g:Ring {runId: run})-[:HAS_MEMBER]->(a:Account)
WHERE g.score >= $minScore
RETURN g.id AS ringId, a.id AS accountId
