// What the database holds, before `load --bulk` replaces the whole store: all nodes, and of
// them the access-control and audit nodes `investigator wipe` keeps (tokens, the audit log,
// the pseudonym key), which the importer would erase. Label counts come from the count
// store (constant time). Params: none. Returns one row: nodes, kept.
CALL { MATCH (n) RETURN count(n) AS nodes }
CALL { MATCH (n:ApiToken) RETURN count(n) AS tokens }
CALL { MATCH (n:AuditEntry) RETURN count(n) AS entries }
CALL { MATCH (n:AuditHead) RETURN count(n) AS heads }
CALL { MATCH (n:ServerSecret) RETURN count(n) AS secrets }
RETURN nodes, tokens + entries + heads + secrets AS kept
