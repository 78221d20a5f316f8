// Deletes up to $limit stored insider suspects (before a new run). Run until it returns 0.
// Params: $limit. Returns: deleted.
MATCH (s:InsiderSuspect) WITH s LIMIT $limit
DETACH DELETE s
RETURN count(*) AS deleted
