// rings_owner_transfers restricted to an incremental run's scope: private transfers sent by the
// owners of the shops $shops, and every owner's private transfer to the same payees (so a
// payee's set of paying owners is whole, as the payee rules need). Params: $shops.
// Returns: paymentId, fromId, toId, amount, currency, at.
UNWIND $shops AS sid
MATCH (o:Account)-[:OWNS]->(:Shop {id: sid})
WITH DISTINCT o
MATCH (o)-[:TRANSFER]->(x:Account)
WITH DISTINCT x
MATCH (p:Account)-[t:TRANSFER]->(x)
WHERE EXISTS { (p)-[:OWNS]->(:Shop) }
RETURN DISTINCT t.paymentId AS paymentId, p.id AS fromId, x.id AS toId, t.amount AS amount,
       t.currency AS currency, t.at AS at
