// Upsert identifier nodes (one per distinct kind+value) and account usage.
// Params: $rows [{accountId, key, kind, value, firstSeen, lastSeen}].
UNWIND $rows AS r
MATCH (a:Account {id: r.accountId})
MERGE (i:Identifier {key: r.key})
  ON CREATE SET i.kind = r.kind, i.value = r.value
MERGE (a)-[u:USES]->(i)
SET u.firstSeen = r.firstSeen, u.lastSeen = r.lastSeen
