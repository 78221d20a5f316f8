// Upsert messages. Params: $rows [{id, fromId, toId, sentAt, channel, text}].
// A known id is the record's new version: references it no longer makes are removed first.
UNWIND $rows AS r
MATCH (f:Account {id: r.fromId}), (t:Account {id: r.toId})
MERGE (m:Message {id: r.id})
SET m.sentAt = r.sentAt, m.channel = r.channel, m.text = r.text
WITH f, t, m
CALL (m, f) { MATCH (x)-[old:MESSAGED]->(m) WHERE x <> f DELETE old }
CALL (m, t) { MATCH (m)-[old:TO]->(x) WHERE x <> t DELETE old }
MERGE (f)-[:MESSAGED]->(m)
MERGE (m)-[:TO]->(t)
