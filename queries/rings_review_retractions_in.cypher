// rings_review_retractions restricted to an incremental run's scope: withdrawals and upward
// revisions, by their authors, of reviews rated <= $maxRating of the shops $shops.
// Params: $maxRating, $minNewRating, $shops. Returns: eventId, reviewId, action, at, newRating.
UNWIND $shops AS sid
MATCH (:Shop {id: sid})<-[:ABOUT]-(v:Review)<-[:WROTE]-(a:Account)
WHERE v.rating <= $maxRating
MATCH (v)<-[:ON]-(e:ReviewEvent)<-[:PERFORMED]-(a)
WHERE e.action = 'withdrawn' OR (e.action = 'revised' AND e.newRating >= $minNewRating)
RETURN e.id AS eventId, v.id AS reviewId, e.action AS action, e.at AS at, e.newRating AS newRating
