// Create USES for (account, identifier) pairs known to be absent: the account was created by
// this load and the pair is its first in the dataset. Identifiers are shared, so still MERGE.
// Params: $rows [{accountId, key, kind, value, firstSeen, lastSeen}]. The upsert is ingest_links.
UNWIND $rows AS r
MATCH (a:Account {id: r.accountId})
MERGE (i:Identifier {key: r.key})
  ON CREATE SET i.kind = r.kind, i.value = r.value
CREATE (a)-[u:USES]->(i)
SET u.firstSeen = r.firstSeen, u.lastSeen = r.lastSeen
