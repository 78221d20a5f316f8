// A shop with the first page of its reviews (ratings <= $maxRating) and, when $authors, each
// review's author, in one statement (what `shop(id) { reviews { author } }` would otherwise ask
// in three). $reviewsLimit 0 skips the reviews. The reviews' rows, order and paging are those of
// shop_reviews; the authors' rows those of accounts_by_ids.
// Params: $id, $maxRating, $reviewsSkip, $reviewsLimit, $authors.
// Returns: shop (its contract fields), reviews, authors (lists of rows).
// replan=skip: the statement starts from a unique-id seek, so a plan made on any statistics
// is the right one, and a replan forced by new data must not spend a request's budget.
CYPHER replan=skip
MATCH (owner:Account)-[:OWNS]->(s:Shop {id: $id})
CALL (s) {
  WITH s WHERE $reviewsLimit > 0
  MATCH (a:Account)-[:WROTE]->(v:Review)-[:ABOUT]->(s), (v)-[:OF_ORDER]->(o:Order)
  WHERE v.rating <= $maxRating
  WITH a, v, o ORDER BY v.postedAt DESC, v.id SKIP $reviewsSkip LIMIT $reviewsLimit
  RETURN collect({id: v.id, orderId: o.id, authorId: a.id, shopId: s.id, rating: v.rating, text: v.text,
                  postedAt: v.postedAt}) AS reviews,
         collect(CASE WHEN $authors THEN {id: a.id, role: a.role, name: a.name,
                 registeredAt: a.registeredAt, region: a.region} END) AS authors
}
RETURN {id: s.id, ownerId: owner.id, name: s.name, category: s.category, openedAt: s.openedAt} AS shop,
       reviews, authors
