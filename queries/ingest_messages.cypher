// Upsert messages. Params: $rows [{id, fromId, toId, sentAt, channel, text}].
UNWIND $rows AS r
MATCH (f:Account {id: r.fromId}), (t:Account {id: r.toId})
MERGE (m:Message {id: r.id})
SET m.sentAt = r.sentAt, m.channel = r.channel, m.text = r.text
MERGE (f)-[:MESSAGED]->(m)
MERGE (m)-[:TO]->(t)
