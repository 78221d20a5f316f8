// The same page of reviews of each of several shops, newest first, optionally only ratings
// <= $maxRating: what the `reviews` of a list's shops ask, in one statement. Rows and order
// per shop are those of shop_reviews. Params: $ids, $maxRating, $skip, $limit.
// Returns: id (the shop), rows (reviews).
CYPHER replan=skip
UNWIND $ids AS id
MATCH (s:Shop {id: id})
CALL (s) {
  MATCH (a:Account)-[:WROTE]->(v:Review)-[:ABOUT]->(s), (v)-[:OF_ORDER]->(o:Order)
  WHERE v.rating <= $maxRating
  WITH v, a, o ORDER BY v.postedAt DESC, v.id SKIP $skip LIMIT $limit
  RETURN collect({id: v.id, orderId: o.id, authorId: a.id, shopId: s.id, rating: v.rating,
                  text: v.text, postedAt: v.postedAt}) AS rows
}
RETURN s.id AS id, rows
