// The review written for each of several orders, if any: what the `review` of a list's
// orders asks, in one statement. Params: $ids. Returns: contract fields (orderId names the
// order).
UNWIND $ids AS id
MATCH (a:Account)-[:WROTE]->(v:Review)-[:OF_ORDER]->(o:Order {id: id}), (v)-[:ABOUT]->(s:Shop)
RETURN v.id AS id, o.id AS orderId, a.id AS authorId, s.id AS shopId, v.rating AS rating, v.text AS text, v.postedAt AS postedAt
