// Stored insider suspects scoring at least $minScore, highest first.
// Params: $minScore, $skip, $limit. Returns: the stored suspect's properties. Only the last
// complete run's suspects.
MATCH (p:FindingsPointer {detector: 'insider'})
MATCH (s:InsiderSuspect {runId: p.runId})-[:SUSPECTS]->(:Account)
WHERE s.score >= $minScore
RETURN s.employeeId AS employeeId, s.runId AS runId, s.score AS score, s.removalsTotal AS removalsTotal,
       s.removalsLegitimate AS removalsLegitimate, s.moneyTraced AS moneyTraced,
       s.currency AS currency, s.shops AS shops, s.reasons AS reasons, s.evidence AS evidence
ORDER BY score DESC, employeeId SKIP $skip LIMIT $limit
