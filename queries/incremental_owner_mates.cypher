// Every shop of the owners of the shops $shops: a scope holds an owner's shops together, since
// whether a message sender is a fellow critic of the owner depends on all of them.
// Params: $shops. Returns: shopId.
UNWIND $shops AS sid
MATCH (:Shop {id: sid})<-[:OWNS]-(o:Account)
WITH DISTINCT o
MATCH (o)-[:OWNS]->(s:Shop)
RETURN DISTINCT s.id AS shopId
