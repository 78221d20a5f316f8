// Negative reviews (rating <= $maxRating): the account x shop projection for lockstep and
// FRAUDAR peeling, and the first step of extortion chains.
// Params: $maxRating. Returns: reviewId, authorId, shopId, rating, postedAt.
MATCH (a:Account)-[:WROTE]->(v:Review)-[:ABOUT]->(s:Shop)
WHERE v.rating <= $maxRating
RETURN v.id AS reviewId, a.id AS authorId, s.id AS shopId, v.rating AS rating, v.postedAt AS postedAt
