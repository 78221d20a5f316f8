// Assigns a case to an analyst (null: nobody) and records it.
// Params: $caseId, $assignee, $at, $by, $eventId. Returns the case id (no row: no case).
MATCH (c:Case {id: $caseId})
SET c.assignee = $assignee, c.assigneeBy = $by, c.updatedAt = $at
CREATE (c)-[:HAS_EVENT]->(:CaseEvent {id: $eventId, caseId: $caseId, at: $at, by: $by,
                                      action: 'assigned', detail: $assignee})
RETURN c.id AS id
