// A page of an account's orders, oldest first. Params: $id, $skip, $limit.
MATCH (b:Account {id: $id})-[:PLACED]->(o:Order)-[:AT]->(s:Shop)
RETURN o.id AS id, b.id AS buyerId, s.id AS shopId, {minor: o.amount, currency: o.currency} AS amount, o.placedAt AS placedAt, o.status AS status
ORDER BY placedAt, id SKIP $skip LIMIT $limit
