// Upsert reviews with author, shop and order. Params: $rows [{id, orderId, authorId, shopId, rating, text, postedAt}].
// A known id is the record's new version: references it no longer makes are removed first.
UNWIND $rows AS r
MATCH (a:Account {id: r.authorId}), (s:Shop {id: r.shopId}), (o:Order {id: r.orderId})
MERGE (v:Review {id: r.id})
SET v.rating = r.rating, v.text = r.text, v.postedAt = r.postedAt
WITH a, s, o, v
CALL (v, a) { MATCH (x)-[old:WROTE]->(v) WHERE x <> a DELETE old }
CALL (v, s) { MATCH (v)-[old:ABOUT]->(x) WHERE x <> s DELETE old }
CALL (v, o) { MATCH (v)-[old:OF_ORDER]->(x) WHERE x <> o DELETE old }
MERGE (a)-[:WROTE]->(v)
MERGE (v)-[:ABOUT]->(s)
MERGE (v)-[:OF_ORDER]->(o)
