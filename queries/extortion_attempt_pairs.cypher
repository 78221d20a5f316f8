// The known extortioners behind attempts: each incident of the last run with a recorded
// contact, with the stored rings of the last rings run its reviewer and its contact belong to
// (a reviewer and a contact of different incidents in one ring are a pair too).
// Params: $minConfidence.
MATCH (p:FindingsPointer {detector: 'extortion'})
MATCH (i:Incident {runId: p.runId})
WHERE i.contactId IS NOT NULL AND i.confidence >= $minConfidence
OPTIONAL MATCH (rp:FindingsPointer {detector: 'rings'})
RETURN p.runId AS runId, i.id AS id, i.shopId AS shopId, i.reviewerId AS reviewerId, i.contactId AS contactId,
       COLLECT { MATCH (g:Ring {runId: rp.runId})-[:HAS_MEMBER]->(:Account {id: i.reviewerId})
                 RETURN g.id } AS reviewerRings,
       COLLECT { MATCH (g:Ring {runId: rp.runId})-[:HAS_MEMBER]->(:Account {id: i.contactId})
                 RETURN g.id } AS contactRings
ORDER BY id
