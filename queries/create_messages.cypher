// Create messages known to be absent, with sender and recipient.
// Params: $rows [{id, fromId, toId, sentAt, channel, text}]. The upsert is ingest_messages.
UNWIND $rows AS r
MATCH (f:Account {id: r.fromId}), (t:Account {id: r.toId})
CREATE (m:Message {id: r.id})
SET m.sentAt = r.sentAt, m.channel = r.channel, m.text = r.text
CREATE (f)-[:MESSAGED]->(m)
CREATE (m)-[:TO]->(t)
