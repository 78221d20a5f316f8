// Extortion attempts of known extortioners (pairs from extortion_attempt_pairs): the reviewer
// pans a shop that never paid the pair, the contact messages its owner after the review, and
// the owner pays neither of them privately: a refusal, so no incident. Follow-ups: the pair's
// later negative reviews of the same shop ("pay, or more bad reviews come").
// Params: $pairs [{reviewerId, contactId, incidents, paidShops, ring}], $shopId (null = any),
// $contactWindowMs, $payWindowMs, $runId (the extortion run), $skip, $limit.
UNWIND $pairs AS pair
WITH pair, pair.reviewerId AS reviewerId, pair.contactId AS contactId
MATCH (a:Account {id: reviewerId})-[:WROTE]->(r:Review)-[:ABOUT]->(s:Shop)<-[:OWNS]-(o:Account)
WHERE r.rating <= 2 AND NOT s.id IN pair.paidShops AND o.id <> contactId
  AND ($shopId IS NULL OR s.id = $shopId)
  AND NOT EXISTS { MATCH (:Incident {runId: $runId, reviewId: r.id}) }
MATCH (c:Account {id: contactId})-[:MESSAGED]->(m:Message)-[:TO]->(o)
WHERE m.sentAt > r.postedAt AND m.sentAt <= r.postedAt + $contactWindowMs
WITH pair, reviewerId, contactId, r, s, o, m ORDER BY m.sentAt, m.id
WITH pair, reviewerId, contactId, r, s, o,
     collect({id: m.id, at: m.sentAt}) AS messages, min(m.sentAt) AS contactedAt
WHERE NOT EXISTS {
  MATCH (o)-[t:TRANSFER]->(x:Account)
  WHERE x.id IN [reviewerId, contactId]
    AND t.at > contactedAt AND t.at <= contactedAt + $payWindowMs
}
RETURN r.id AS reviewId, s.id AS shopId, o.id AS ownerId, reviewerId, contactId,
       r.rating AS rating, r.postedAt AS reviewedAt, contactedAt, messages,
       pair.incidents AS incidents, pair.ring AS ring,
       COLLECT { MATCH (f:Account)-[:WROTE]->(later:Review)-[:ABOUT]->(s)
                 WHERE f.id IN [reviewerId, contactId] AND later.rating <= 2
                   AND later.postedAt > contactedAt
                 RETURN {id: later.id, authorId: f.id, at: later.postedAt, rating: later.rating}
                 ORDER BY later.postedAt, later.id } AS followUps
ORDER BY reviewedAt DESC, reviewId, contactId SKIP $skip LIMIT $limit
