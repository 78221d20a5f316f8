// The same page of reviews written by each of several accounts, oldest first: what the
// `reviews` of a list's accounts ask, in one statement. Rows and order per account are those
// of account_reviews. Params: $ids, $skip, $limit. Returns: id (the author), rows (reviews).
CYPHER replan=skip
UNWIND $ids AS id
MATCH (a:Account {id: id})
CALL (a) {
  MATCH (a)-[:WROTE]->(v:Review)-[:ABOUT]->(s:Shop), (v)-[:OF_ORDER]->(o:Order)
  WITH v, s, o ORDER BY v.postedAt, v.id SKIP $skip LIMIT $limit
  RETURN collect({id: v.id, orderId: o.id, authorId: a.id, shopId: s.id, rating: v.rating,
                  text: v.text, postedAt: v.postedAt}) AS rows
}
RETURN a.id AS id, rows
