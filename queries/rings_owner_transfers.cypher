// Private transfers (no order) sent by shop owners, or on an owner's behalf by its household:
// candidate hush money after negative reviews. A household member is an account owning no
// shop that shares a rare identifier of a household kind ($householdKinds, used by at most
// $maxShare accounts) with the owner: a relative at the same address, the shop's second
// seller account on the owner's device. Each household payment names the identifier that
// ties its payer to the owner (the rarest, then kind and key), and is attributed to every
// owner it ties (a transfer to the owner itself is none).
// Params: $householdKinds, $maxShare. Returns: paymentId, fromId (the owner), payerId (null:
// the owner), viaKind, viaKey, viaAccounts, toId, amount, currency, at.
// OWNS only joins an Account to a Shop and TRANSFER an Account to an Account
// (docs/GRAPH_MODEL.md): both are read from their type index, owners first, instead of asking
// every transfer's sender whether it owns a shop by walking its relationship chain
// (1M accounts: 3.7M db hits -> 0.81M, 1.02 s -> 0.70 s of Neo4j CPU).
MATCH (o)-[:OWNS]->()
WITH collect(DISTINCT o) AS owners
MATCH (o)-[t:TRANSFER]->(x)
WHERE o IN owners
RETURN t.paymentId AS paymentId, o.id AS fromId, null AS payerId, null AS viaKind,
       null AS viaKey, null AS viaAccounts, x.id AS toId, t.amount AS amount,
       t.currency AS currency, t.at AS at
UNION ALL
MATCH (o)-[:OWNS]->()
WITH collect(DISTINCT o) AS owners
UNWIND owners AS o
MATCH (o)-[:USES]->(i:Identifier)<-[:USES]-(h:Account)
WHERE i.kind IN $householdKinds AND h <> o AND NOT h IN owners
WITH o, h, i, COUNT { (i)<-[:USES]-() } AS n
WHERE n <= $maxShare
WITH o, h, i, n
ORDER BY n, i.kind, i.key
WITH o, h, head(collect({kind: i.kind, key: i.key, n: n})) AS via
MATCH (h)-[t:TRANSFER]->(x)
WHERE x <> o
RETURN t.paymentId AS paymentId, o.id AS fromId, h.id AS payerId, via.kind AS viaKind,
       via.key AS viaKey, via.n AS viaAccounts, x.id AS toId, t.amount AS amount,
       t.currency AS currency, t.at AS at
