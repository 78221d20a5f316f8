// Deletes up to $limit stored insider suspects of runs other than $keep. Run until it
// returns 0. Params: $keep [runId], $limit. Returns: deleted.
MATCH (s:InsiderSuspect) WHERE NOT s.runId IN $keep
WITH s LIMIT $limit
DETACH DELETE s
RETURN count(*) AS deleted
