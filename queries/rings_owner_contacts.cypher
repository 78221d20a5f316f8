// Messages sent to shop owners: candidate contacts after negative reviews.
// Params: none. Returns: messageId, fromId, toId, at.
// Owners are collected first and messages scanned once: expanding each owner's incoming TO
// would also walk every payment the owner received, and asking every account whether it owns
// a shop walks every account's relationships.
MATCH (:Shop)<-[:OWNS]-(owner:Account)
WITH collect(DISTINCT owner) AS owners
MATCH (y:Account)-[:MESSAGED]->(m:Message)-[:TO]->(o:Account)
USING SCAN m:Message
WHERE o IN owners AND y <> o
RETURN m.id AS messageId, y.id AS fromId, o.id AS toId, m.sentAt AS at
