// Upsert accounts. Params: $rows [{id, role, name, registeredAt, region}].
UNWIND $rows AS r
MERGE (a:Account {id: r.id})
SET a.role = r.role, a.name = r.name, a.registeredAt = r.registeredAt, a.region = r.region
