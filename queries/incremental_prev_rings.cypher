// The rings of run $runId with their members and target shops: what an incremental run
// carries over or recomputes. Params: $runId. Returns: id, members [accountId], shops [shopId].
MATCH (g:Ring {runId: $runId})
RETURN g.id AS id, [(g)-[:HAS_MEMBER]->(a:Account) | a.id] AS members,
       [(g)-[:TARGETED]->(s:Shop) | s.id] AS shops
