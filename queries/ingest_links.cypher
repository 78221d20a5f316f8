// Upsert identifier nodes (one per distinct kind+value) and account usage. A pair seen again
// widens its window: firstSeen is the earliest and lastSeen the latest of the known times.
// Params: $rows [{accountId, key, kind, value, firstSeen, lastSeen}].
UNWIND $rows AS r
MATCH (a:Account {id: r.accountId})
MERGE (i:Identifier {key: r.key})
  ON CREATE SET i.kind = r.kind, i.value = r.value
MERGE (a)-[u:USES]->(i)
SET u.firstSeen = CASE WHEN u.firstSeen IS NULL OR r.firstSeen < u.firstSeen
                       THEN coalesce(r.firstSeen, u.firstSeen) ELSE u.firstSeen END,
    u.lastSeen = CASE WHEN u.lastSeen IS NULL OR r.lastSeen > u.lastSeen
                      THEN coalesce(r.lastSeen, u.lastSeen) ELSE u.lastSeen END
