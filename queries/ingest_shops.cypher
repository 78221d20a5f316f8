// Upsert shops and their owner. Params: $rows [{id, ownerId, name, category, openedAt}].
// A known id is the record's new version: references it no longer makes are removed first.
UNWIND $rows AS r
MATCH (o:Account {id: r.ownerId})
MERGE (s:Shop {id: r.id})
SET s.name = r.name, s.category = r.category, s.openedAt = r.openedAt
WITH o, s
CALL (s, o) { MATCH (x)-[old:OWNS]->(s) WHERE x <> o DELETE old }
MERGE (o)-[:OWNS]->(s)
