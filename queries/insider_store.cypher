// Stores scored insider suspects, each linked to the employee's account.
// Params: $rows [{id, employeeId, score, removalsTotal, removalsLegitimate, moneyTraced,
// currency, shops (JSON), reasons, evidence (JSON), runAt, runId}].
UNWIND $rows AS r
MATCH (a:Account {id: r.employeeId})
MERGE (s:InsiderSuspect {runId: r.runId, id: r.id})
SET s.employeeId = r.employeeId, s.score = r.score, s.removalsTotal = r.removalsTotal,
    s.removalsLegitimate = r.removalsLegitimate, s.moneyTraced = r.moneyTraced,
    s.currency = r.currency, s.shops = r.shops, s.reasons = r.reasons,
    s.evidence = r.evidence, s.runAt = r.runAt
MERGE (s)-[:SUSPECTS]->(a)
