// Upsert orders with buyer and shop. Params: $rows [{id, buyerId, shopId, amount, currency, placedAt, status}].
// A known id is the record's new version: references it no longer makes are removed first.
UNWIND $rows AS r
MATCH (b:Account {id: r.buyerId}), (s:Shop {id: r.shopId})
MERGE (o:Order {id: r.id})
SET o.amount = r.amount, o.currency = r.currency, o.placedAt = r.placedAt, o.status = r.status
WITH b, s, o
CALL (o, b) { MATCH (x)-[old:PLACED]->(o) WHERE x <> b DELETE old }
CALL (o, s) { MATCH (o)-[old:AT]->(x) WHERE x <> s DELETE old }
MERGE (b)-[:PLACED]->(o)
MERGE (o)-[:AT]->(s)
