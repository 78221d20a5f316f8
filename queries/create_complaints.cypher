// Create complaints known to be absent, with filer, review and handler.
// Params: $rows, each a list [id, reviewId, filedById, filedAt, status, handledById, resolvedAt].
// The upsert is ingest_complaints.
UNWIND $rows AS r
WITH r[0] AS id, r[1] AS reviewId, r[2] AS filedById, r[3] AS filedAt, r[4] AS status,
     r[5] AS handledById, r[6] AS resolvedAt
MATCH (f:Account {id: filedById}), (v:Review {id: reviewId})
CREATE (c:Complaint {id: id})
SET c.filedAt = filedAt, c.status = status, c.resolvedAt = resolvedAt
CREATE (f)-[:FILED]->(c)
CREATE (c)-[:AGAINST]->(v)
WITH c, handledById WHERE handledById IS NOT NULL
MATCH (h:Account {id: handledById})
CREATE (c)-[:HANDLED_BY]->(h)
