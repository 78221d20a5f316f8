// Adds a note to a case and records it in the history.
// Params: $caseId, $noteId, $eventId, $at, $by, $text. Returns the note (no row: no case).
MATCH (c:Case {id: $caseId})
CREATE (c)-[:HAS_NOTE]->(n:CaseNote {id: $noteId, caseId: $caseId, author: $by, at: $at,
                                     text: $text})
CREATE (c)-[:HAS_EVENT]->(:CaseEvent {id: $eventId, caseId: $caseId, at: $at, by: $by,
                                      action: 'noted', detail: $noteId})
SET c.updatedAt = $at
RETURN n.id AS id, n.author AS author, n.at AS at, n.text AS text
