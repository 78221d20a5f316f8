// The owners of the shops $shops, each with the accounts it or its household privately paid
// at least $minPayment (the smallest payment a chain can hold): every payee a chain of theirs
// can name, known before their chains are found. The household as in rings_owner_transfers
// (accounts owning no shop sharing a rare identifier of $householdKinds, used by at most
// $maxShare accounts, with the owner).
// Params: $shops, $minPayment, $householdKinds, $maxShare. Returns: ownerId, payees [accountId].
UNWIND $shops AS sid
MATCH (o:Account)-[:OWNS]->(:Shop {id: sid})
WITH DISTINCT o
RETURN o.id AS ownerId,
       [(o)-[t:TRANSFER]->(x:Account) WHERE t.amount >= $minPayment | x.id]
       + [(o)-[:USES]->(i:Identifier)<-[:USES]-(h:Account)-[t:TRANSFER]->(x:Account)
          WHERE i.kind IN $householdKinds AND h <> o AND x <> o AND t.amount >= $minPayment
            AND NOT EXISTS { (h)-[:OWNS]->(:Shop) } AND COUNT { (i)<-[:USES]-() } <= $maxShare
          | x.id] AS payees
