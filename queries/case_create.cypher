// Opens a case with its first attached item and records the opening in its history.
// Params: $id, $title, $assignee, $at (epoch ms), $by (principal), $eventId, $detail,
// $item {id, caseId, kind, ref, signature, members, runId, score, summary, snapshot,
// addedAt, addedBy} (snapshot: the finding as JSON at attach time).
CREATE (c:Case {id: $id, title: $title, status: 'open', assignee: $assignee, assigneeBy: $by,
                createdAt: $at, createdBy: $by, updatedAt: $at})
CREATE (c)-[:HAS_ITEM]->(i:CaseItem)
SET i = $item
CREATE (c)-[:HAS_EVENT]->(:CaseEvent {id: $eventId, caseId: $id, at: $at, by: $by,
                                      action: 'opened', detail: $detail})
RETURN c.id AS id
