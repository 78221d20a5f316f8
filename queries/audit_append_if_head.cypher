// Appends audit entries in one auto-commit statement when the head is still where this
// process last left it: the SET takes the head's write lock first, so the comparison after it
// reads the committed head (no lost update between processes). When another process moved the
// head, nothing is written; the caller sees the head it got back differ from the one it
// expected and appends through the locked transaction (audit_head, audit_append) instead.
// Params: $now, $prevSeq, $prevHash (the head the entries were chained on), $entries (as in
// audit_append), $seq, $hash (the new head).
MATCH (h:AuditHead {id: 'audit'})
SET h.lockedAt = $now
WITH h, h.seq = $prevSeq AND h.hash = $prevHash AS fresh
CALL {
  WITH h, fresh
  WITH h WHERE fresh
  UNWIND $entries AS e
  CREATE (a:AuditEntry)
  SET a = e
}
FOREACH (_ IN CASE WHEN fresh THEN [1] ELSE [] END | SET h.seq = $seq, h.hash = $hash)
RETURN h.seq AS seq, h.hash AS hash
