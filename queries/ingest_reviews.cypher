// Upsert reviews with author, shop and order. Params: $rows [{id, orderId, authorId, shopId, rating, text, postedAt}].
UNWIND $rows AS r
MATCH (a:Account {id: r.authorId}), (s:Shop {id: r.shopId}), (o:Order {id: r.orderId})
MERGE (v:Review {id: r.id})
SET v.rating = r.rating, v.text = r.text, v.postedAt = r.postedAt
MERGE (a)-[:WROTE]->(v)
MERGE (v)-[:ABOUT]->(s)
MERGE (v)-[:OF_ORDER]->(o)
