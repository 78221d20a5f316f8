// The review written for an order, if any. Params: $id.
MATCH (a:Account)-[:WROTE]->(v:Review)-[:OF_ORDER]->(o:Order {id: $id}), (v)-[:ABOUT]->(s:Shop)
RETURN v.id AS id, o.id AS orderId, a.id AS authorId, s.id AS shopId, v.rating AS rating, v.text AS text, v.postedAt AS postedAt
