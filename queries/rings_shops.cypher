// Every shop with its owner and category (the victim side of ring and incident detection).
// Params: none. Returns: shopId, ownerId, category.
MATCH (o:Account)-[:OWNS]->(s:Shop)
RETURN s.id AS shopId, o.id AS ownerId, s.category AS category
