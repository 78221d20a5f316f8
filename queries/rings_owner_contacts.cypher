// Messages sent to shop owners: candidate contacts after negative reviews.
// Params: none. Returns: messageId, fromId, toId, at.
// Owners are collected first and messages scanned once: expanding each owner's incoming TO
// would also walk every payment the owner received, and asking every account whether it owns
// a shop walks every account's relationships. OWNS only joins an Account to a Shop, and
// MESSAGED an Account to a Message (docs/GRAPH_MODEL.md), so both are read from their type
// index without labels (1M accounts: 11.9M db hits -> 7.1M, 4.0 s -> 3.5 s of Neo4j CPU);
// TO is followed from the message, so a payment's TO is never read here.
MATCH (owner)-[:OWNS]->()
WITH collect(DISTINCT owner) AS owners
MATCH (y)-[:MESSAGED]->(m)-[:TO]->(o)
WHERE o IN owners AND y <> o
RETURN m.id AS messageId, y.id AS fromId, o.id AS toId, m.sentAt AS at
