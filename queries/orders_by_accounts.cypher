// The same page of orders placed by each of several accounts, oldest first: what the
// `orders` of a list's accounts ask, in one statement instead of one per account. Rows and
// order per account are those of account_orders. Params: $ids, $skip, $limit.
// Returns: id (the buyer), rows (orders).
CYPHER replan=skip
UNWIND $ids AS id
MATCH (b:Account {id: id})
CALL (b) {
  MATCH (b)-[:PLACED]->(o:Order)-[:AT]->(s:Shop)
  WITH o, s ORDER BY o.placedAt, o.id SKIP $skip LIMIT $limit
  RETURN collect({id: o.id, buyerId: b.id, shopId: s.id, amount: {minor: o.amount, currency: o.currency},
                  placedAt: o.placedAt, status: o.status}) AS rows
}
RETURN b.id AS id, rows
