// Create orders known to be absent, with buyer and shop (a new order has no relationships).
// Params: $rows, each a list [id, buyerId, shopId, amount, currency, placedAt, status].
// The upsert is ingest_orders.
UNWIND $rows AS r
WITH r[0] AS id, r[1] AS buyerId, r[2] AS shopId, r[3] AS amount, r[4] AS currency,
     r[5] AS placedAt, r[6] AS status
MATCH (b:Account {id: buyerId}), (s:Shop {id: shopId})
CREATE (o:Order {id: id})
SET o.amount = amount, o.currency = currency, o.placedAt = placedAt, o.status = status
CREATE (b)-[:PLACED]->(o)
CREATE (o)-[:AT]->(s)
