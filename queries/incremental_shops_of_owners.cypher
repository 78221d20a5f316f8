// Every shop of the accounts $ids (as owners). Params: $ids. Returns: shopId.
UNWIND $ids AS id
MATCH (:Account {id: id})-[:OWNS]->(s:Shop)
RETURN DISTINCT s.id AS shopId
