// The same page of orders placed at each of several shops, newest first: what the `orders`
// of a list's shops ask, in one statement. Rows and order per shop are those of shop_orders.
// Params: $ids, $skip, $limit. Returns: id (the shop), rows (orders).
CYPHER replan=skip
UNWIND $ids AS id
MATCH (s:Shop {id: id})
CALL (s) {
  MATCH (b:Account)-[:PLACED]->(o:Order)-[:AT]->(s)
  WITH o, b ORDER BY o.placedAt DESC, o.id SKIP $skip LIMIT $limit
  RETURN collect({id: o.id, buyerId: b.id, shopId: s.id, amount: {minor: o.amount, currency: o.currency},
                  placedAt: o.placedAt, status: o.status}) AS rows
}
RETURN s.id AS id, rows
