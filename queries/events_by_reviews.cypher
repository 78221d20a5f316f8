// What happened to each of several reviews after posting, in time order: what the `events`
// of a list's reviews ask, in one statement. Rows and order per review are those of
// review_events. Params: $ids. Returns: id (the review), rows (events).
CYPHER replan=skip
UNWIND $ids AS id
MATCH (v:Review {id: id})
CALL (v) {
  MATCH (x:Account)-[:PERFORMED]->(e:ReviewEvent)-[:ON]->(v)
  WITH e, x ORDER BY e.at, e.id
  RETURN collect({id: e.id, reviewId: v.id, action: e.action, actorId: x.id, at: e.at,
                  newRating: e.newRating, complaintId: [(e)-[:UNDER]->(c:Complaint) | c.id][0],
                  reason: e.reason}) AS rows
}
RETURN v.id AS id, rows
