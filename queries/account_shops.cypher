// Shops the account owns. Params: $id. Returns: shop contract fields.
MATCH (o:Account {id: $id})-[:OWNS]->(s:Shop)
RETURN s.id AS id, o.id AS ownerId, s.name AS name, s.category AS category, s.openedAt AS openedAt
ORDER BY id
