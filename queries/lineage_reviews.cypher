// Negative and neutral reviews (rating <= $maxRating) written by the given accounts, with the
// reviewed shop, its category and owner, and when the author withdrew it or revised it to
// $minNewRating or more; at most $cap per account, newest first.
// Params: $ids, $maxRating, $cap, $minNewRating. Returns: authorId, reviewId, rating,
// postedAt, shopId, category, ownerId, retractedAt (a list).
UNWIND $ids AS id
MATCH (a:Account {id: id})
CALL (a) {
  MATCH (a)-[:WROTE]->(r:Review)-[:ABOUT]->(s:Shop)<-[:OWNS]-(o:Account)
  WHERE r.rating <= $maxRating
  WITH r, s, o ORDER BY r.postedAt DESC LIMIT $cap
  RETURN r, s, o
}
RETURN a.id AS authorId, r.id AS reviewId, r.rating AS rating, r.postedAt AS postedAt,
       s.id AS shopId, s.category AS category, o.id AS ownerId,
       [(r)<-[:ON]-(e:ReviewEvent)<-[:PERFORMED]-(a)
        WHERE e.action = 'withdrawn' OR (e.action = 'revised' AND e.newRating >= $minNewRating)
        | e.at] AS retractedAt
