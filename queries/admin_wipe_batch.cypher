// Deletes up to $limit relationships, or once none are left up to $limit nodes. Run until it
// returns 0. Relationships go first so that no transaction has to detach a dense node (a shop
// with 100k orders, a public IP) and all its relationships at once. Access control and the
// audit trail (tokens, audit entries, the pseudonym key) are kept: wiping the data must not
// erase who looked at it. Params: $limit.
CALL {
  MATCH ()-[r]->() WITH r LIMIT $limit
  DELETE r
  RETURN count(*) AS rels
}
CALL {
  WITH rels
  MATCH (n) WHERE rels = 0
    AND NOT (n:ApiToken OR n:AuditEntry OR n:AuditHead OR n:ServerSecret)
  WITH n LIMIT $limit
  DELETE n
  RETURN count(*) AS nodes
}
RETURN rels + nodes AS deleted
