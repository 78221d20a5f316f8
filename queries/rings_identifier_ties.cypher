// Accounts sharing a rare identifier (used by 2..$maxShare accounts) with any of $ids.
// Hubs (public IPs) above $maxShare tie nobody. Params: $ids, $maxShare.
// Returns: a (from $ids), b, kind, key, accounts (how many accounts use the identifier).
UNWIND $ids AS id
MATCH (a:Account {id: id})-[:USES]->(i:Identifier)
WITH a, i, COUNT { (i)<-[:USES]-(:Account) } AS n
WHERE n >= 2 AND n <= $maxShare
MATCH (i)<-[:USES]-(b:Account)
WHERE b <> a
RETURN a.id AS a, b.id AS b, i.kind AS kind, i.key AS key, n AS accounts
