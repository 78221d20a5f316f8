// Create USES for (account, identifier) pairs known to be absent: the account was created by
// this load and the pair is its first in the dataset. Identifiers are shared, so still MERGE.
// Params: $rows, each a list [accountId, key, kind, value, firstSeen, lastSeen].
// The upsert is ingest_links.
UNWIND $rows AS r
WITH r[0] AS accountId, r[1] AS key, r[2] AS kind, r[3] AS value, r[4] AS firstSeen,
     r[5] AS lastSeen
MATCH (a:Account {id: accountId})
MERGE (i:Identifier {key: key})
  ON CREATE SET i.kind = kind, i.value = value
CREATE (a)-[u:USES]->(i)
SET u.firstSeen = firstSeen, u.lastSeen = lastSeen
