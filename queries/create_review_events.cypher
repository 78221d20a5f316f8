// Create review events known to be absent, with actor, review and complaint.
// Params: $rows [{id, reviewId, action, actorId, at, newRating, complaintId, reason}].
// The upsert is ingest_review_events.
UNWIND $rows AS r
MATCH (a:Account {id: r.actorId}), (v:Review {id: r.reviewId})
CREATE (e:ReviewEvent {id: r.id})
SET e.action = r.action, e.at = r.at, e.newRating = r.newRating, e.reason = r.reason
CREATE (a)-[:PERFORMED]->(e)
CREATE (e)-[:ON]->(v)
WITH e, r WHERE r.complaintId IS NOT NULL
MATCH (c:Complaint {id: r.complaintId})
CREATE (e)-[:UNDER]->(c)
