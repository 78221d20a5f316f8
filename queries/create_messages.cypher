// Create messages known to be absent, with sender and recipient.
// Params: $rows, each a list [id, fromId, toId, sentAt, channel, text].
// The upsert is ingest_messages.
UNWIND $rows AS r
WITH r[0] AS id, r[1] AS fromId, r[2] AS toId, r[3] AS sentAt, r[4] AS channel, r[5] AS text
MATCH (f:Account {id: fromId}), (t:Account {id: toId})
CREATE (m:Message {id: id})
SET m.sentAt = sentAt, m.channel = channel, m.text = text
CREATE (f)-[:MESSAGED]->(m)
CREATE (m)-[:TO]->(t)
