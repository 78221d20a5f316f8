// Deletes up to $limit stored incidents of runs other than $keep. Run until it returns 0.
// Params: $keep [runId], $limit. Returns: deleted.
MATCH (i:Incident) WHERE NOT i.runId IN $keep
WITH i LIMIT $limit
DETACH DELETE i
RETURN count(*) AS deleted
