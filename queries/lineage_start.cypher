// Resolves the start of a lineage trace: an account by $accountId, or a review's author by
// $reviewId (one of the two is null). Params: $accountId, $reviewId.
// Returns: accountId, reviewId (null for an account start), shopId (the reviewed shop),
// postedAt (the review's time: the focus of the trace's caps).
OPTIONAL MATCH (a:Account {id: $accountId})
OPTIONAL MATCH (w:Account)-[:WROTE]->(v:Review {id: $reviewId})-[:ABOUT]->(s:Shop)
WITH coalesce(a, w) AS start, v, s
WHERE start IS NOT NULL
RETURN start.id AS accountId, v.id AS reviewId, s.id AS shopId, v.postedAt AS postedAt
