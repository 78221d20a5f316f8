// Create accounts known to be absent (the loader checked; the id constraint guards races).
// Params: $rows [{id, role, name, registeredAt, region}]. The upsert is ingest_accounts.
UNWIND $rows AS r
CREATE (a:Account {id: r.id})
SET a.role = r.role, a.name = r.name, a.registeredAt = r.registeredAt, a.region = r.region
