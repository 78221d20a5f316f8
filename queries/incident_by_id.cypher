// One stored extortion incident by id (same columns as incidents_list).
// Params: $id. Only the last complete run's incidents.
MATCH (p:FindingsPointer {detector: 'extortion'})
MATCH (i:Incident {runId: p.runId, id: $id})
RETURN i.id AS id, i.runId AS runId, i.reviewId AS reviewId, i.shopId AS shopId,
       i.reviewerId AS reviewerId, i.contactId AS contactId, i.payeeId AS payeeId,
       i.paymentId AS paymentId, i.amount AS amount, i.currency AS currency,
       i.reviewedAt AS reviewedAt, i.contactedAt AS contactedAt, i.paidAt AS paidAt,
       i.retractedAt AS retractedAt, i.confidence AS confidence, i.complete AS complete,
       i.ties AS ties, i.reasons AS reasons, i.evidence AS evidence
