// Shops owned by the given accounts (to find a rival seller among them). Params: $ids.
// Returns: ownerId, shopId, category.
UNWIND $ids AS id
MATCH (a:Account {id: id})-[:OWNS]->(s:Shop)
RETURN a.id AS ownerId, s.id AS shopId, s.category AS category
