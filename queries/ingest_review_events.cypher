// Upsert review events. Params: $rows [{id, reviewId, action, actorId, at, newRating, complaintId, reason}].
UNWIND $rows AS r
MATCH (a:Account {id: r.actorId}), (v:Review {id: r.reviewId})
MERGE (e:ReviewEvent {id: r.id})
SET e.action = r.action, e.at = r.at, e.newRating = r.newRating, e.reason = r.reason
MERGE (a)-[:PERFORMED]->(e)
MERGE (e)-[:ON]->(v)
WITH e, r WHERE r.complaintId IS NOT NULL
MATCH (c:Complaint {id: r.complaintId})
MERGE (e)-[:UNDER]->(c)
