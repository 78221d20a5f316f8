// The owners of the shops $shops, each with the accounts it privately paid at least
// $minPayment: every payee a chain of theirs can name, known before their chains are found.
// Params: $shops, $minPayment. Returns: ownerId, payees [accountId].
UNWIND $shops AS sid
MATCH (o:Account)-[:OWNS]->(:Shop {id: sid})
WITH DISTINCT o
RETURN o.id AS ownerId,
       [(o)-[t:TRANSFER]->(x:Account) WHERE t.amount >= $minPayment | x.id] AS payees
