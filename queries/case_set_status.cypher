// Sets a case's status ('open', 'confirmed', 'dismissed' with $reason) and records it. The
// case's dismissals are rebuilt: one per attached finding while dismissed, none otherwise.
// Params: $caseId, $status, $reason (null unless dismissed), $at, $by, $eventId, $detail.
// Returns the case id (no row: no case).
MATCH (c:Case {id: $caseId})
SET c.status = $status, c.reason = $reason, c.reasonBy = $by, c.updatedAt = $at
CREATE (c)-[:HAS_EVENT]->(:CaseEvent {id: $eventId, caseId: $caseId, at: $at, by: $by,
                                      action: 'status', detail: $detail})
WITH c
CALL (c) {
  MATCH (d:Dismissal {caseId: c.id})
  DELETE d
}
CALL (c) {
  WITH c WHERE c.status = 'dismissed'
  MATCH (c)-[:HAS_ITEM]->(i:CaseItem) WHERE i.signature IS NOT NULL
  CREATE (:Dismissal {signature: i.signature, caseId: c.id, kind: i.kind, findingId: i.ref,
                      members: i.members, reason: c.reason, at: $at, by: $by})
}
RETURN c.id AS id
