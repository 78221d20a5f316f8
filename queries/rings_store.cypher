// Stores rings with their members and victim shops.
// Params: $rows [{id, kind, score, firstAt, lastAt, moneyIn, moneyOut, reasons, evidence,
// runId, members [{id, role, contribution}], shops [id]}] (reasons/evidence are JSON strings).
UNWIND $rows AS r
CREATE (g:Ring {id: r.id, kind: r.kind, score: r.score, firstAt: r.firstAt, lastAt: r.lastAt,
                moneyIn: r.moneyIn, moneyOut: r.moneyOut, reasons: r.reasons,
                evidence: r.evidence, runId: r.runId})
WITH g, r
CALL (g, r) {
  UNWIND r.members AS m
  MATCH (a:Account {id: m.id})
  CREATE (g)-[:HAS_MEMBER {role: m.role, contribution: m.contribution}]->(a)
}
CALL (g, r) {
  UNWIND r.shops AS sid
  MATCH (s:Shop {id: sid})
  CREATE (g)-[:TARGETED]->(s)
}
