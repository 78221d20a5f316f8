// Accounts tied to each employee by a rarely shared phone, address or device (a relative or
// a second account that may receive money for them). Identifiers used by more than
// $maxShare accounts are hubs and tie nobody. Params: $ids, $kinds, $maxShare.
// Returns: employeeId, proxyId, kind, key.
UNWIND $ids AS id
MATCH (e:Account {id: id})-[:USES]->(i:Identifier)
WHERE i.kind IN $kinds AND COUNT { (i)<-[:USES]-() } <= $maxShare
MATCH (i)<-[:USES]-(p:Account)
WHERE p <> e
RETURN e.id AS employeeId, p.id AS proxyId, i.kind AS kind, i.key AS key
