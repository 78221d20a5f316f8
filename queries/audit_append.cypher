// Appends audit entries (already chained by the caller under the head's lock) and moves the
// head. Entries are never updated or deleted by the application. Params: $entries (maps with
// format, seq, at, actor, tokenId, requestId, operation, clientOperationName, document,
// documentSha256, variables, entities, durationMs, outcome, unmasked, prevHash, hash), $seq,
// $hash (the new head).
UNWIND $entries AS e
CREATE (a:AuditEntry)
SET a = e
WITH count(a) AS appended
MATCH (h:AuditHead {id: 'audit'})
SET h.seq = $seq, h.hash = $hash
RETURN appended
