// Orders for a list of ids, in no particular order. Params: $ids. Returns: contract fields.
UNWIND $ids AS id
MATCH (b:Account)-[:PLACED]->(o:Order {id: id})-[:AT]->(s:Shop)
RETURN o.id AS id, b.id AS buyerId, s.id AS shopId, {minor: o.amount, currency: o.currency} AS amount, o.placedAt AS placedAt, o.status AS status
