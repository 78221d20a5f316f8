// The identifiers an account used, with how many accounts share each. Params: $id.
// Returns: key, kind, value, firstSeen, lastSeen, accounts (number of accounts using it).
MATCH (:Account {id: $id})-[u:USES]->(i:Identifier)
RETURN i.key AS key, i.kind AS kind, i.value AS value, u.firstSeen AS firstSeen, u.lastSeen AS lastSeen,
       COUNT { (i)<-[:USES]-(:Account) } AS accounts
ORDER BY kind, key
