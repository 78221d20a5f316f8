// Copies the rings of run $prev, except the ids $drop, into run $runId with their members
// and targets (an incremental run keeps what its scope did not touch).
// Params: $prev, $runId, $drop. Returns: carried.
MATCH (g:Ring {runId: $prev})
WHERE NOT g.id IN $drop
CREATE (n:Ring)
SET n = g {.*, runId: $runId}
WITH g, n
CALL (g, n) {
  MATCH (g)-[h:HAS_MEMBER]->(a:Account)
  CREATE (n)-[m:HAS_MEMBER]->(a)
  SET m = properties(h)
}
CALL (g, n) {
  MATCH (g)-[:TARGETED]->(s:Shop)
  CREATE (n)-[:TARGETED]->(s)
}
RETURN count(n) AS carried
