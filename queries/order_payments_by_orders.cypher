// The payments that settle each of several orders: what the `payments` of a list's orders
// ask, in one statement instead of one per order. Rows and order per order are those of
// order_payments. Params: $ids. Returns: id (the order), rows (payments).
CYPHER replan=skip
UNWIND $ids AS id
MATCH (o:Order {id: id})
CALL (o) {
  MATCH (f:Account)-[:PAID]->(p:Payment)-[:SETTLES]->(o), (p)-[:TO]->(t:Account)
  WITH p, f, t ORDER BY p.paidAt, p.id
  RETURN collect({id: p.id, fromId: f.id, toId: t.id, amount: {minor: p.amount, currency: p.currency},
                  paidAt: p.paidAt, channel: p.channel, orderId: o.id, memo: p.memo}) AS rows
}
RETURN o.id AS id, rows
