// One account. Params: $id. Returns: the account's contract fields.
MATCH (a:Account {id: $id})
RETURN a.id AS id, a.role AS role, a.name AS name, a.registeredAt AS registeredAt, a.region AS region
