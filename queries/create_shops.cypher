// Create shops known to be absent, with their owner: a new shop has no OWNS yet, so CREATE.
// Params: $rows [{id, ownerId, name, category, openedAt}]. The upsert is ingest_shops.
UNWIND $rows AS r
MATCH (o:Account {id: r.ownerId})
CREATE (s:Shop {id: r.id})
SET s.name = r.name, s.category = r.category, s.openedAt = r.openedAt
CREATE (o)-[:OWNS]->(s)
