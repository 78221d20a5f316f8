// Create shops known to be absent, with their owner: a new shop has no OWNS yet, so CREATE.
// Params: $rows, each a list [id, ownerId, name, category, openedAt].
// The upsert is ingest_shops.
UNWIND $rows AS r
WITH r[0] AS id, r[1] AS ownerId, r[2] AS name, r[3] AS category, r[4] AS openedAt
MATCH (o:Account {id: ownerId})
CREATE (s:Shop {id: id})
SET s.name = name, s.category = category, s.openedAt = openedAt
CREATE (o)-[:OWNS]->(s)
