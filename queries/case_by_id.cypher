// One case by id with its attached items (without their snapshots), oldest item first.
// Params: $id. Returns: id, title, status, reason, assignee, createdAt, createdBy, updatedAt,
// notes (count), items [{id, kind, ref, signature, members, runId, score, summary, addedAt,
// addedBy}].
MATCH (c:Case {id: $id})
RETURN c.id AS id, c.title AS title, c.status AS status, c.reason AS reason,
       c.assignee AS assignee, c.reasonBy AS reasonBy, c.assigneeBy AS assigneeBy,
       c.createdAt AS createdAt, c.createdBy AS createdBy,
       c.updatedAt AS updatedAt,
       COUNT { (c)-[:HAS_NOTE]->(:CaseNote) } AS notes,
       COLLECT { MATCH (c)-[:HAS_ITEM]->(i:CaseItem)
                 RETURN {id: i.id, kind: i.kind, ref: i.ref, signature: i.signature,
                         members: i.members, runId: i.runId, score: i.score,
                         summary: i.summary, addedAt: i.addedAt, addedBy: i.addedBy} AS x
                 ORDER BY i.addedAt, i.id } AS items
