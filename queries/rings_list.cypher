// A page of stored rings, highest score first, with members and victim shops.
// Filters (null = any): $minScore, $kind, $from/$to (epoch ms; the ring's span overlaps),
// $shopId (targeted), $memberId. Params also $skip, $limit.
// Returns: id, kind, score, firstAt, lastAt, moneyIn, moneyOut, reasons, evidence,
// members [{accountId, role, contribution}], shops [id], runId. Only the findings of the
// last complete run (the rings pointer): a run in progress is never seen half-written.
MATCH (p:FindingsPointer {detector: 'rings'})
MATCH (g:Ring {runId: p.runId})
WHERE g.score >= $minScore
  AND ($kind IS NULL OR g.kind = $kind)
  AND ($from IS NULL OR g.lastAt >= $from)
  AND ($to IS NULL OR g.firstAt <= $to)
  AND ($shopId IS NULL OR EXISTS { (g)-[:TARGETED]->(:Shop {id: $shopId}) })
  AND ($memberId IS NULL OR EXISTS { (g)-[:HAS_MEMBER]->(:Account {id: $memberId}) })
WITH g ORDER BY g.score DESC, g.id SKIP $skip LIMIT $limit
RETURN g.id AS id, g.runId AS runId, g.kind AS kind, g.score AS score, g.firstAt AS firstAt, g.lastAt AS lastAt,
       g.moneyIn AS moneyIn, g.moneyOut AS moneyOut, g.reasons AS reasons, g.evidence AS evidence,
       COLLECT { MATCH (g)-[m:HAS_MEMBER]->(a:Account)
                 RETURN {accountId: a.id, role: m.role, contribution: m.contribution} AS x
                 ORDER BY m.contribution DESC, a.id } AS members,
       COLLECT { MATCH (g)-[:TARGETED]->(s:Shop) RETURN s.id AS sid ORDER BY sid } AS shops
ORDER BY score DESC, id
