// Stores extortion incidents, each CONCERNS its negative review.
// Params: $rows [{id, reviewId, shopId, reviewerId, contactId, payeeId, paymentId, amount,
// currency, reviewedAt, contactedAt, paidAt, retractedAt, confidence, complete, ties,
// reasons, evidence, runId}] (ties/reasons/evidence are JSON strings).
UNWIND $rows AS r
MATCH (v:Review {id: r.reviewId})
CREATE (i:Incident {id: r.id, reviewId: r.reviewId, shopId: r.shopId, reviewerId: r.reviewerId,
                    contactId: r.contactId, payeeId: r.payeeId, paymentId: r.paymentId,
                    amount: r.amount, currency: r.currency, reviewedAt: r.reviewedAt,
                    contactedAt: r.contactedAt, paidAt: r.paidAt, retractedAt: r.retractedAt,
                    confidence: r.confidence, complete: r.complete, ties: r.ties,
                    reasons: r.reasons, evidence: r.evidence, runId: r.runId})
CREATE (i)-[:CONCERNS]->(v)
