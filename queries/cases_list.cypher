// A page of cases, most recently changed first. Filters (null = any): $status, $assignee,
// $ref (an attached finding or entity id). Params also $skip, $limit.
// Returns the columns of case_by_id.
MATCH (c:Case)
WHERE ($status IS NULL OR c.status = $status)
  AND ($assignee IS NULL OR c.assignee = $assignee)
  AND ($ref IS NULL OR EXISTS { (c)-[:HAS_ITEM]->(:CaseItem {ref: $ref}) })
WITH c ORDER BY c.updatedAt DESC, c.id SKIP $skip LIMIT $limit
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
ORDER BY updatedAt DESC, id
