// Create complaints known to be absent, with filer, review and handler.
// Params: $rows [{id, reviewId, filedById, filedAt, status, handledById, resolvedAt}].
// The upsert is ingest_complaints.
UNWIND $rows AS r
MATCH (f:Account {id: r.filedById}), (v:Review {id: r.reviewId})
CREATE (c:Complaint {id: r.id})
SET c.filedAt = r.filedAt, c.status = r.status, c.resolvedAt = r.resolvedAt
CREATE (f)-[:FILED]->(c)
CREATE (c)-[:AGAINST]->(v)
WITH c, r WHERE r.handledById IS NOT NULL
MATCH (h:Account {id: r.handledById})
CREATE (c)-[:HANDLED_BY]->(h)
