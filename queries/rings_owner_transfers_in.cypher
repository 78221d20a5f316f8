// rings_owner_transfers restricted to an incremental run's scope: private transfers sent by
// the owners of the shops $shops or their households, and every owner-side transfer (an
// owner's, or its household's) to the same payees, so a payee's set of paying owners is
// whole, as the payee rules need. Params: $shops, $householdKinds, $maxShare.
// Returns: paymentId, fromId, payerId, viaKind, viaKey, viaAccounts, toId, amount, currency, at.
UNWIND $shops AS sid
MATCH (o:Account)-[:OWNS]->(:Shop {id: sid})
WITH DISTINCT o
CALL (o) {
  MATCH (o)-[:TRANSFER]->(x:Account)
  RETURN x
  UNION
  MATCH (o)-[:USES]->(i:Identifier)<-[:USES]-(h:Account)-[:TRANSFER]->(x:Account)
  WHERE i.kind IN $householdKinds AND h <> o AND x <> o
    AND NOT EXISTS { (h)-[:OWNS]->(:Shop) } AND COUNT { (i)<-[:USES]-() } <= $maxShare
  RETURN x
}
WITH DISTINCT x
MATCH (p:Account)-[t:TRANSFER]->(x)
CALL (p, x) {
  WITH p
  WHERE EXISTS { (p)-[:OWNS]->(:Shop) }
  RETURN p AS o, null AS via
  UNION
  WITH p, x
  WHERE NOT EXISTS { (p)-[:OWNS]->(:Shop) }
  MATCH (p)-[:USES]->(i:Identifier)<-[:USES]-(o:Account)
  WHERE i.kind IN $householdKinds AND o <> p AND o <> x AND EXISTS { (o)-[:OWNS]->(:Shop) }
  WITH o, i, COUNT { (i)<-[:USES]-() } AS n
  WHERE n <= $maxShare
  WITH o, i, n
  ORDER BY n, i.kind, i.key
  WITH o, head(collect({kind: i.kind, key: i.key, n: n})) AS via
  RETURN o, via
}
RETURN DISTINCT t.paymentId AS paymentId, o.id AS fromId,
       CASE WHEN via IS NULL THEN null ELSE p.id END AS payerId, via.kind AS viaKind,
       via.key AS viaKey, via.n AS viaAccounts, x.id AS toId, t.amount AS amount,
       t.currency AS currency, t.at AS at
