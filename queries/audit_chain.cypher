// The whole audit chain in order, for verification, and the head. Params: none.
MATCH (a:AuditEntry)
RETURN a {.*} AS entry
ORDER BY a.seq
