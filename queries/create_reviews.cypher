// Create reviews known to be absent, with author, shop and order.
// Params: $rows, each a list [id, orderId, authorId, shopId, rating, text, postedAt].
// The upsert is ingest_reviews.
UNWIND $rows AS r
WITH r[0] AS id, r[1] AS orderId, r[2] AS authorId, r[3] AS shopId, r[4] AS rating, r[5] AS text,
     r[6] AS postedAt
MATCH (a:Account {id: authorId}), (s:Shop {id: shopId}), (o:Order {id: orderId})
CREATE (v:Review {id: id})
SET v.rating = rating, v.text = text, v.postedAt = postedAt
CREATE (a)-[:WROTE]->(v)
CREATE (v)-[:ABOUT]->(s)
CREATE (v)-[:OF_ORDER]->(o)
