// Shops for a list of ids, with their owners, in no particular order. Params: $ids.
// Returns: the shops' contract fields.
UNWIND $ids AS id
MATCH (o:Account)-[:OWNS]->(s:Shop {id: id})
RETURN s.id AS id, o.id AS ownerId, s.name AS name, s.category AS category, s.openedAt AS openedAt
