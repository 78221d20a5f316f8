// Negative and neutral reviews (rating <= $maxRating) written by the given accounts, with the
// reviewed shop, its category and owner; at most $cap per account, newest first.
// Params: $ids, $maxRating, $cap. Returns: authorId, reviewId, rating, postedAt, shopId,
// category, ownerId.
UNWIND $ids AS id
MATCH (a:Account {id: id})
CALL (a) {
  MATCH (a)-[:WROTE]->(r:Review)-[:ABOUT]->(s:Shop)<-[:OWNS]-(o:Account)
  WHERE r.rating <= $maxRating
  WITH r, s, o ORDER BY r.postedAt DESC LIMIT $cap
  RETURN r, s, o
}
RETURN a.id AS authorId, r.id AS reviewId, r.rating AS rating, r.postedAt AS postedAt,
       s.id AS shopId, s.category AS category, o.id AS ownerId
