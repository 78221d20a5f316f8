// Upsert review events. Params: $rows [{id, reviewId, action, actorId, at, newRating, complaintId, reason}].
// A known id is the record's new version: references it no longer makes are removed first.
UNWIND $rows AS r
MATCH (a:Account {id: r.actorId}), (v:Review {id: r.reviewId})
MERGE (e:ReviewEvent {id: r.id})
SET e.action = r.action, e.at = r.at, e.newRating = r.newRating, e.reason = r.reason
WITH r, a, v, e
CALL (e, a) { MATCH (x)-[old:PERFORMED]->(e) WHERE x <> a DELETE old }
CALL (e, v) { MATCH (e)-[old:ON]->(x) WHERE x <> v DELETE old }
CALL (e, r) {
  MATCH (e)-[old:UNDER]->(x)
  WHERE r.complaintId IS NULL OR x.id <> r.complaintId
  DELETE old
}
MERGE (a)-[:PERFORMED]->(e)
MERGE (e)-[:ON]->(v)
WITH e, r WHERE r.complaintId IS NOT NULL
MATCH (c:Complaint {id: r.complaintId})
MERGE (e)-[:UNDER]->(c)
