// Upsert complaints. Params: $rows [{id, reviewId, filedById, filedAt, status, handledById, resolvedAt}].
UNWIND $rows AS r
MATCH (f:Account {id: r.filedById}), (v:Review {id: r.reviewId})
MERGE (c:Complaint {id: r.id})
SET c.filedAt = r.filedAt, c.status = r.status, c.resolvedAt = r.resolvedAt
MERGE (f)-[:FILED]->(c)
MERGE (c)-[:AGAINST]->(v)
WITH c, r WHERE r.handledById IS NOT NULL
MATCH (h:Account {id: r.handledById})
MERGE (c)-[:HANDLED_BY]->(h)
