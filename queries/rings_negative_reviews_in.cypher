// rings_negative_reviews restricted to an incremental run's scope: every negative review
// (rating <= $maxRating) of the shops $shops. Params: $maxRating, $shops.
// Returns: reviewId, authorId, shopId, rating, postedAt.
UNWIND $shops AS sid
MATCH (s:Shop {id: sid})<-[:ABOUT]-(v:Review)<-[:WROTE]-(a:Account)
WHERE v.rating <= $maxRating
RETURN v.id AS reviewId, a.id AS authorId, s.id AS shopId, v.rating AS rating, v.postedAt AS postedAt
