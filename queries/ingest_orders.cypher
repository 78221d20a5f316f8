// Upsert orders with buyer and shop. Params: $rows [{id, buyerId, shopId, amount, currency, placedAt, status}].
UNWIND $rows AS r
MATCH (b:Account {id: r.buyerId}), (s:Shop {id: r.shopId})
MERGE (o:Order {id: r.id})
SET o.amount = r.amount, o.currency = r.currency, o.placedAt = r.placedAt, o.status = r.status
MERGE (b)-[:PLACED]->(o)
MERGE (o)-[:AT]->(s)
