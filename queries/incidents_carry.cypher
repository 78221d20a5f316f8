// Copies the incidents of run $prev on shops not in $shops into run $runId (an incremental
// run keeps what its scope did not touch). Params: $prev, $runId, $shops. Returns: carried.
MATCH (i:Incident {runId: $prev})
WHERE NOT i.shopId IN $shops
CREATE (n:Incident)
SET n = i {.*, runId: $runId}
WITH i, n
MATCH (i)-[:CONCERNS]->(v:Review)
CREATE (n)-[:CONCERNS]->(v)
RETURN count(n) AS carried
