// Attaches a finding or entity to a case (once: attaching it again changes nothing). On a
// dismissed case an attached finding is dismissed at once. Records the change in history.
// Params: $caseId, $at, $by, $eventId, $detail, $item (as in case_create).
// Returns: found (the case exists), created (the item is new).
OPTIONAL MATCH (c:Case {id: $caseId})
OPTIONAL MATCH (c)-[:HAS_ITEM]->(old:CaseItem {id: $item.id})
CALL (c, old) {
  WITH c, old WHERE c IS NOT NULL AND old IS NULL
  CREATE (c)-[:HAS_ITEM]->(i:CaseItem)
  SET i = $item, c.updatedAt = $at
  CREATE (c)-[:HAS_EVENT]->(:CaseEvent {id: $eventId, caseId: $caseId, at: $at, by: $by,
                                        action: 'attached', detail: $detail})
  WITH c, i WHERE c.status = 'dismissed' AND i.signature IS NOT NULL
  CREATE (:Dismissal {signature: i.signature, caseId: c.id, kind: i.kind, findingId: i.ref,
                      members: i.members, reason: c.reason, at: $at, by: $by})
}
RETURN c IS NOT NULL AS found, c IS NOT NULL AND old IS NULL AS created
