// Shops of every owner who privately paid an account that an owner of the shops $shops paid
// privately: incidents sharing a payee depend on each other (a payee must be explained for
// enough of its paying owners), so an incremental scope is closed under this.
// Params: $shops. Returns: shopId.
UNWIND $shops AS sid
MATCH (:Shop {id: sid})<-[:OWNS]-(o:Account)
WITH DISTINCT o
MATCH (o)-[:TRANSFER]->(x:Account)
WITH DISTINCT x
MATCH (p:Account)-[:TRANSFER]->(x)
MATCH (p)-[:OWNS]->(s:Shop)
RETURN DISTINCT s.id AS shopId
