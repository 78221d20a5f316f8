// Locks the audit chain's head for this transaction (the SET takes its write lock, so appends
// from every server process queue here) and returns the last sequence number and hash.
// Params: $now.
MERGE (h:AuditHead {id: 'audit'})
  ON CREATE SET h.seq = 0, h.hash = ''
SET h.lockedAt = $now
RETURN h.seq AS seq, h.hash AS hash
