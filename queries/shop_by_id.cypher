// One shop with its owner. Params: $id. Returns: the shop's contract fields.
MATCH (o:Account)-[:OWNS]->(s:Shop {id: $id})
RETURN s.id AS id, o.id AS ownerId, s.name AS name, s.category AS category, s.openedAt AS openedAt
