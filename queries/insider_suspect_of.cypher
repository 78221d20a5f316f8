// The stored insider suspect record of one employee, if any. Params: $id.
// Returns: the same columns as insider_list. Only the last complete run's suspects.
MATCH (p:FindingsPointer {detector: 'insider'})
MATCH (s:InsiderSuspect {runId: p.runId})-[:SUSPECTS]->(:Account {id: $id})
RETURN s.employeeId AS employeeId, s.runId AS runId, s.score AS score, s.removalsTotal AS removalsTotal,
       s.removalsLegitimate AS removalsLegitimate, s.moneyTraced AS moneyTraced,
       s.currency AS currency, s.shops AS shops, s.reasons AS reasons, s.evidence AS evidence
