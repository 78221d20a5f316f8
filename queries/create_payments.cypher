// Create payments known to be absent; a private transfer also gets its TRANSFER shortcut.
// Params: $rows [{id, fromId, toId, amount, currency, paidAt, channel, orderId, memo}].
// The upsert is ingest_payments.
UNWIND $rows AS r
MATCH (f:Account {id: r.fromId}), (t:Account {id: r.toId})
CREATE (p:Payment {id: r.id})
SET p.amount = r.amount, p.currency = r.currency, p.paidAt = r.paidAt, p.channel = r.channel,
    p.memo = r.memo, p.private = r.orderId IS NULL
CREATE (f)-[:PAID]->(p)
CREATE (p)-[:TO]->(t)
FOREACH (_ IN CASE WHEN r.orderId IS NULL THEN [1] ELSE [] END |
  CREATE (f)-[x:TRANSFER {paymentId: r.id}]->(t)
  SET x.amount = r.amount, x.currency = r.currency, x.at = r.paidAt)
WITH p, r WHERE r.orderId IS NOT NULL
MATCH (o:Order {id: r.orderId})
CREATE (p)-[:SETTLES]->(o)
