// What happened to a review after posting, in time order. Params: $id.
MATCH (x:Account)-[:PERFORMED]->(e:ReviewEvent)-[:ON]->(v:Review {id: $id})
RETURN e.id AS id, v.id AS reviewId, e.action AS action, x.id AS actorId, e.at AS at,
       e.newRating AS newRating, [(e)-[:UNDER]->(c:Complaint) | c.id][0] AS complaintId, e.reason AS reason
ORDER BY at, id
