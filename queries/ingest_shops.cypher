// Upsert shops and their owner. Params: $rows [{id, ownerId, name, category, openedAt}].
UNWIND $rows AS r
MATCH (o:Account {id: r.ownerId})
MERGE (s:Shop {id: r.id})
SET s.name = r.name, s.category = r.category, s.openedAt = r.openedAt
MERGE (o)-[:OWNS]->(s)
