// One stored ring by id, with members and victim shops (same columns as rings_list).
// Params: $id. Only the last complete run's rings.
MATCH (p:FindingsPointer {detector: 'rings'})
MATCH (g:Ring {runId: p.runId, id: $id})
RETURN g.id AS id, g.runId AS runId, g.kind AS kind, g.score AS score, g.firstAt AS firstAt, g.lastAt AS lastAt,
       g.moneyIn AS moneyIn, g.moneyOut AS moneyOut, g.reasons AS reasons, g.evidence AS evidence,
       COLLECT { MATCH (g)-[m:HAS_MEMBER]->(a:Account)
                 RETURN {accountId: a.id, role: m.role, contribution: m.contribution} AS x
                 ORDER BY m.contribution DESC, a.id } AS members,
       COLLECT { MATCH (g)-[:TARGETED]->(s:Shop) RETURN s.id AS sid ORDER BY sid } AS shops
