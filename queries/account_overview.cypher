// An account with the first pages of its orders and reviews and its identifiers, in one
// statement (what `account(id) { orders reviews identifiers }` would otherwise ask in four).
// A list the document does not select is skipped: $ordersLimit or $reviewsLimit 0,
// $identifiers false. Each list's rows, order and paging are those of account_orders,
// account_reviews and account_identifiers.
// Params: $id, $ordersSkip, $ordersLimit, $reviewsSkip, $reviewsLimit, $identifiers.
// Returns: account (its contract fields), orders, reviews, identifiers (lists of rows).
// replan=skip: the statement starts from a unique-id seek, so a plan made on any statistics
// is the right one, and a replan forced by new data must not spend a request's budget.
CYPHER replan=skip
MATCH (a:Account {id: $id})
CALL (a) {
  WITH a WHERE $ordersLimit > 0
  MATCH (a)-[:PLACED]->(o:Order)-[:AT]->(s:Shop)
  WITH o, s ORDER BY o.placedAt, o.id SKIP $ordersSkip LIMIT $ordersLimit
  RETURN collect({id: o.id, buyerId: a.id, shopId: s.id, amount: {minor: o.amount, currency: o.currency},
                  placedAt: o.placedAt, status: o.status}) AS orders
}
CALL (a) {
  WITH a WHERE $reviewsLimit > 0
  MATCH (a)-[:WROTE]->(v:Review)-[:ABOUT]->(s:Shop), (v)-[:OF_ORDER]->(o:Order)
  WITH v, s, o ORDER BY v.postedAt, v.id SKIP $reviewsSkip LIMIT $reviewsLimit
  RETURN collect({id: v.id, orderId: o.id, authorId: a.id, shopId: s.id, rating: v.rating, text: v.text,
                  postedAt: v.postedAt}) AS reviews
}
CALL (a) {
  WITH a WHERE $identifiers
  MATCH (a)-[u:USES]->(i:Identifier)
  WITH i, u ORDER BY i.kind, i.key
  RETURN collect({key: i.key, kind: i.kind, value: i.value, firstSeen: u.firstSeen, lastSeen: u.lastSeen,
                  accounts: COUNT { (i)<-[:USES]-(:Account) }}) AS identifiers
}
RETURN {id: a.id, role: a.role, name: a.name, registeredAt: a.registeredAt, region: a.region} AS account,
       orders, reviews, identifiers
