// Upsert payments; a private transfer (no order) also gets the derived TRANSFER shortcut.
// Params: $rows [{id, fromId, toId, amount, currency, paidAt, channel, orderId, memo}].
// A known id is the record's new version: references it no longer makes are removed first.
UNWIND $rows AS r
MATCH (f:Account {id: r.fromId}), (t:Account {id: r.toId})
MERGE (p:Payment {id: r.id})
WITH r, f, t, p
// the TRANSFER shortcut of an earlier version runs between its parties: removed while they
// are still known, when the parties changed or the payment now settles an order
CALL (p, f, t, r) {
  MATCH (x)-[:PAID]->(p)-[:TO]->(y)
  MATCH (x)-[old:TRANSFER {paymentId: r.id}]->(y)
  WHERE x <> f OR y <> t OR r.orderId IS NOT NULL
  DELETE old
}
CALL (p, f) { MATCH (x)-[old:PAID]->(p) WHERE x <> f DELETE old }
CALL (p, t) { MATCH (p)-[old:TO]->(x) WHERE x <> t DELETE old }
CALL (p, r) {
  MATCH (p)-[old:SETTLES]->(x)
  WHERE r.orderId IS NULL OR x.id <> r.orderId
  DELETE old
}
SET p.amount = r.amount, p.currency = r.currency, p.paidAt = r.paidAt, p.channel = r.channel,
    p.memo = r.memo, p.private = r.orderId IS NULL
MERGE (f)-[:PAID]->(p)
MERGE (p)-[:TO]->(t)
FOREACH (_ IN CASE WHEN r.orderId IS NULL THEN [1] ELSE [] END |
  MERGE (f)-[x:TRANSFER {paymentId: r.id}]->(t)
  SET x.amount = r.amount, x.currency = r.currency, x.at = r.paidAt)
WITH p, r WHERE r.orderId IS NOT NULL
MATCH (o:Order {id: r.orderId})
MERGE (p)-[:SETTLES]->(o)
