// A page of stored extortion incidents, most confident first, then newest review.
// Filters (null = any): $minConfidence, $shopId, $accountId (reviewer, contact or payee),
// $from/$to (epoch ms, on the review time). Params also $skip, $limit. Returns: incident fields.
// Only the last complete run's incidents.
MATCH (p:FindingsPointer {detector: 'extortion'})
MATCH (i:Incident {runId: p.runId})
WHERE i.confidence >= $minConfidence
  AND ($shopId IS NULL OR i.shopId = $shopId)
  AND ($accountId IS NULL OR $accountId IN [i.reviewerId, i.contactId, i.payeeId])
  AND ($from IS NULL OR i.reviewedAt >= $from)
  AND ($to IS NULL OR i.reviewedAt <= $to)
RETURN i.id AS id, i.runId AS runId, i.reviewId AS reviewId, i.shopId AS shopId, i.reviewerId AS reviewerId,
       i.contactId AS contactId, i.payeeId AS payeeId, i.paymentId AS paymentId,
       i.amount AS amount, i.currency AS currency, i.reviewedAt AS reviewedAt,
       i.contactedAt AS contactedAt, i.paidAt AS paidAt, i.retractedAt AS retractedAt,
       i.confidence AS confidence, i.complete AS complete, i.ties AS ties,
       i.reasons AS reasons, i.evidence AS evidence
ORDER BY confidence DESC, reviewedAt DESC, id SKIP $skip LIMIT $limit
