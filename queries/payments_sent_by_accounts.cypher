// The same page of payments sent by each of several accounts, oldest first, with each
// payment's recipient: what the `paymentsSent` of a list's accounts ask, in one statement
// instead of one per account. Rows and order per account are those of account_payments_sent.
// Params: $ids, $skip, $limit, $privateOnly.
// Returns: id (the sender), payments (rows), recipients (the recipients' contract fields).
// replan=skip: the statement starts from a unique-id seek, so a plan made on any statistics
// is the right one, and a replan forced by new data must not spend a request's budget.
CYPHER replan=skip
UNWIND $ids AS id
MATCH (f:Account {id: id})
CALL (f) {
  MATCH (f)-[:PAID]->(p:Payment)-[:TO]->(t:Account)
  WHERE NOT $privateOnly OR p.private
  WITH p, t ORDER BY p.paidAt, p.id SKIP $skip LIMIT $limit
  RETURN collect({id: p.id, fromId: f.id, toId: t.id, amount: {minor: p.amount, currency: p.currency},
                  paidAt: p.paidAt, channel: p.channel, orderId: [(p)-[:SETTLES]->(o:Order) | o.id][0],
                  memo: p.memo}) AS payments,
         collect({id: t.id, role: t.role, name: t.name, registeredAt: t.registeredAt,
                  region: t.region}) AS recipients
}
RETURN f.id AS id, payments, recipients
