// A page of a shop's reviews, newest first, optionally only ratings <= $maxRating.
// Params: $id, $maxRating, $skip, $limit.
MATCH (a:Account)-[:WROTE]->(v:Review)-[:ABOUT]->(s:Shop {id: $id}), (v)-[:OF_ORDER]->(o:Order)
WHERE v.rating <= $maxRating
RETURN v.id AS id, o.id AS orderId, a.id AS authorId, s.id AS shopId, v.rating AS rating, v.text AS text, v.postedAt AS postedAt
ORDER BY postedAt DESC, id SKIP $skip LIMIT $limit
