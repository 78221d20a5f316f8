// Messages sent to shop owners: candidate contacts after negative reviews.
// Params: none. Returns: messageId, fromId, toId, at.
MATCH (o:Account) WHERE EXISTS { (o)-[:OWNS]->(:Shop) }
MATCH (y:Account)-[:MESSAGED]->(m:Message)-[:TO]->(o)
WHERE y <> o
RETURN m.id AS messageId, y.id AS fromId, o.id AS toId, m.sentAt AS at
