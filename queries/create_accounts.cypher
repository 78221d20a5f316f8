// Create accounts known to be absent (the loader checked; the id constraint guards races).
// Params: $rows, each a list [id, role, name, registeredAt, region].
// The upsert is ingest_accounts.
UNWIND $rows AS r
WITH r[0] AS id, r[1] AS role, r[2] AS name, r[3] AS registeredAt, r[4] AS region
CREATE (a:Account {id: id})
SET a.role = role, a.name = name, a.registeredAt = registeredAt, a.region = region
