// Withdrawals and upward revisions of reviews rated <= $maxRating, by the review's author.
// Params: $maxRating, $minNewRating. Returns: eventId, reviewId, action, at, newRating.
MATCH (a:Account)-[:WROTE]->(v:Review)<-[:ON]-(e:ReviewEvent)<-[:PERFORMED]-(a)
WHERE v.rating <= $maxRating
  AND (e.action = 'withdrawn' OR (e.action = 'revised' AND e.newRating >= $minNewRating))
RETURN e.id AS eventId, v.id AS reviewId, e.action AS action, e.at AS at, e.newRating AS newRating
