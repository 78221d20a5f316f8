// Create payments known to be absent; a private transfer also gets its TRANSFER shortcut.
// Params: $rows, each a list [id, fromId, toId, amount, currency, paidAt, channel, orderId, memo].
// The upsert is ingest_payments.
UNWIND $rows AS r
WITH r[0] AS id, r[1] AS fromId, r[2] AS toId, r[3] AS amount, r[4] AS currency, r[5] AS paidAt,
     r[6] AS channel, r[7] AS orderId, r[8] AS memo
MATCH (f:Account {id: fromId}), (t:Account {id: toId})
CREATE (p:Payment {id: id})
SET p.amount = amount, p.currency = currency, p.paidAt = paidAt, p.channel = channel,
    p.memo = memo, p.private = orderId IS NULL
CREATE (f)-[:PAID]->(p)
CREATE (p)-[:TO]->(t)
FOREACH (_ IN CASE WHEN orderId IS NULL THEN [1] ELSE [] END |
  CREATE (f)-[x:TRANSFER {paymentId: id}]->(t)
  SET x.amount = amount, x.currency = currency, x.at = paidAt)
WITH p, orderId WHERE orderId IS NOT NULL
MATCH (o:Order {id: orderId})
CREATE (p)-[:SETTLES]->(o)
