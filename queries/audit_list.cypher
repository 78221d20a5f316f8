// Audit entries, newest first, filtered by time window and actor/operation (null = any).
// Params: $from, $to (epoch ms or null), $actor, $operation, $skip, $limit.
MATCH (a:AuditEntry)
WHERE ($from IS NULL OR a.at >= $from) AND ($to IS NULL OR a.at < $to)
  AND ($actor IS NULL OR a.actor = $actor)
  AND ($operation IS NULL OR a.operation = $operation)
RETURN a {.*} AS entry
ORDER BY a.seq DESC
SKIP $skip LIMIT $limit
