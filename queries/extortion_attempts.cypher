// Extortion attempts of known extortioners: a (reviewer, contact) pair of a stored incident of
// the last run (the same account when the reviewer talked itself) pans another shop, the
// contact messages that shop's owner after the review, and the owner pays neither of them
// privately: a refusal, so no incident. Shops that already paid the pair are left out (a review
// a payment did not buy is no new attempt). Follow-ups: the pair's later negative reviews of
// the same shop ("pay, or more bad reviews come").
// Params: $minConfidence (of the incidents that make the pair known), $shopId, $accountId
// (reviewer or contact; null = any), $contactWindowMs, $payWindowMs, $skip, $limit.
MATCH (p:FindingsPointer {detector: 'extortion'})
MATCH (i:Incident {runId: p.runId})
WHERE i.contactId IS NOT NULL AND i.confidence >= $minConfidence
  AND ($accountId IS NULL OR $accountId IN [i.reviewerId, i.contactId])
WITH p, i.reviewerId AS reviewerId, i.contactId AS contactId,
     collect(DISTINCT i.id) AS incidents, collect(DISTINCT i.shopId) AS paidShops
MATCH (a:Account {id: reviewerId})-[:WROTE]->(r:Review)-[:ABOUT]->(s:Shop)<-[:OWNS]-(o:Account)
WHERE r.rating <= 2 AND NOT s.id IN paidShops
  AND ($shopId IS NULL OR s.id = $shopId)
  AND NOT EXISTS { MATCH (:Incident {runId: p.runId, reviewId: r.id}) }
MATCH (c:Account {id: contactId})-[:MESSAGED]->(m:Message)-[:TO]->(o)
WHERE m.sentAt > r.postedAt AND m.sentAt <= r.postedAt + $contactWindowMs
WITH p, reviewerId, contactId, incidents, r, s, o, m ORDER BY m.sentAt, m.id
WITH p, reviewerId, contactId, incidents, r, s, o,
     collect({id: m.id, at: m.sentAt}) AS messages, min(m.sentAt) AS contactedAt
WHERE NOT EXISTS {
  MATCH (o)-[t:TRANSFER]->(x:Account)
  WHERE x.id IN [reviewerId, contactId]
    AND t.at > contactedAt AND t.at <= contactedAt + $payWindowMs
}
RETURN r.id AS reviewId, s.id AS shopId, o.id AS ownerId, reviewerId, contactId,
       r.rating AS rating, r.postedAt AS reviewedAt, contactedAt, messages, incidents,
       COLLECT { MATCH (f:Account)-[:WROTE]->(later:Review)-[:ABOUT]->(s)
                 WHERE f.id IN [reviewerId, contactId] AND later.rating <= 2
                   AND later.postedAt > contactedAt
                 RETURN {id: later.id, authorId: f.id, at: later.postedAt, rating: later.rating}
                 ORDER BY later.postedAt, later.id } AS followUps
ORDER BY reviewedAt DESC, reviewId SKIP $skip LIMIT $limit
