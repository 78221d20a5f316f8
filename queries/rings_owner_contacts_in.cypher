// rings_owner_contacts restricted to an incremental run's scope: messages sent to the owners
// of the shops $shops. Params: $shops. Returns: messageId, fromId, toId, at.
UNWIND $shops AS sid
MATCH (o:Account)-[:OWNS]->(:Shop {id: sid})
WITH DISTINCT o
MATCH (y:Account)-[:MESSAGED]->(m:Message)-[:TO]->(o)
WHERE y <> o
RETURN m.id AS messageId, y.id AS fromId, o.id AS toId, m.sentAt AS at
