// Create review events known to be absent, with actor, review and complaint.
// Params: $rows, each a list [id, reviewId, action, actorId, at, newRating, complaintId, reason].
// The upsert is ingest_review_events.
UNWIND $rows AS r
WITH r[0] AS id, r[1] AS reviewId, r[2] AS action, r[3] AS actorId, r[4] AS at, r[5] AS newRating,
     r[6] AS complaintId, r[7] AS reason
MATCH (a:Account {id: actorId}), (v:Review {id: reviewId})
CREATE (e:ReviewEvent {id: id})
SET e.action = action, e.at = at, e.newRating = newRating, e.reason = reason
CREATE (a)-[:PERFORMED]->(e)
CREATE (e)-[:ON]->(v)
WITH e, complaintId WHERE complaintId IS NOT NULL
MATCH (c:Complaint {id: complaintId})
CREATE (e)-[:UNDER]->(c)
