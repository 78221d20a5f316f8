// Deletes up to $limit stored rings of runs other than $keep (the current and the previous
// run). Run until it returns 0. Params: $keep [runId], $limit. Returns: deleted.
MATCH (g:Ring) WHERE NOT g.runId IN $keep
WITH g LIMIT $limit
DETACH DELETE g
RETURN count(*) AS deleted
