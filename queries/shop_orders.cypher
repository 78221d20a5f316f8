// A page of a shop's orders, newest first. Params: $id, $skip, $limit.
MATCH (b:Account)-[:PLACED]->(o:Order)-[:AT]->(s:Shop {id: $id})
RETURN o.id AS id, b.id AS buyerId, s.id AS shopId, {minor: o.amount, currency: o.currency} AS amount, o.placedAt AS placedAt, o.status AS status
ORDER BY placedAt DESC, id SKIP $skip LIMIT $limit
