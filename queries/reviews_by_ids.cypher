// Reviews for a list of ids, in no particular order. Params: $ids. Returns: contract fields.
UNWIND $ids AS id
MATCH (a:Account)-[:WROTE]->(v:Review {id: id})-[:ABOUT]->(s:Shop), (v)-[:OF_ORDER]->(o:Order)
RETURN v.id AS id, o.id AS orderId, a.id AS authorId, s.id AS shopId, v.rating AS rating, v.text AS text, v.postedAt AS postedAt
