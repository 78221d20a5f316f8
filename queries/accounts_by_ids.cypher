// Accounts for a list of ids, in no particular order. Params: $ids. Returns: contract fields.
UNWIND $ids AS id
MATCH (a:Account {id: id})
RETURN a.id AS id, a.role AS role, a.name AS name, a.registeredAt AS registeredAt, a.region AS region
