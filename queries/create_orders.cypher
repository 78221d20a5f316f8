// Create orders known to be absent, with buyer and shop (a new order has no relationships).
// Params: $rows [{id, buyerId, shopId, amount, currency, placedAt, status}]. Upsert: ingest_orders.
UNWIND $rows AS r
MATCH (b:Account {id: r.buyerId}), (s:Shop {id: r.shopId})
CREATE (o:Order {id: r.id})
SET o.amount = r.amount, o.currency = r.currency, o.placedAt = r.placedAt, o.status = r.status
CREATE (b)-[:PLACED]->(o)
CREATE (o)-[:AT]->(s)
