// A page of the reviews an account wrote, oldest first. Params: $id, $skip, $limit.
MATCH (a:Account {id: $id})-[:WROTE]->(v:Review)-[:ABOUT]->(s:Shop), (v)-[:OF_ORDER]->(o:Order)
RETURN v.id AS id, o.id AS orderId, a.id AS authorId, s.id AS shopId, v.rating AS rating, v.text AS text, v.postedAt AS postedAt
ORDER BY postedAt, id SKIP $skip LIMIT $limit
