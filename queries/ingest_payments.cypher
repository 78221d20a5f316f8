// Upsert payments; a private transfer (no order) also gets the derived TRANSFER shortcut.
// Params: $rows [{id, fromId, toId, amount, currency, paidAt, channel, orderId, memo}].
UNWIND $rows AS r
MATCH (f:Account {id: r.fromId}), (t:Account {id: r.toId})
MERGE (p:Payment {id: r.id})
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
