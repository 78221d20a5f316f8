// Create reviews known to be absent, with author, shop and order.
// Params: $rows [{id, orderId, authorId, shopId, rating, text, postedAt}]. Upsert: ingest_reviews.
UNWIND $rows AS r
MATCH (a:Account {id: r.authorId}), (s:Shop {id: r.shopId}), (o:Order {id: r.orderId})
CREATE (v:Review {id: r.id})
SET v.rating = r.rating, v.text = r.text, v.postedAt = r.postedAt
CREATE (a)-[:WROTE]->(v)
CREATE (v)-[:ABOUT]->(s)
CREATE (v)-[:OF_ORDER]->(o)
