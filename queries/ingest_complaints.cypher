// Upsert complaints. Params: $rows [{id, reviewId, filedById, filedAt, status, handledById, resolvedAt}].
// A known id is the record's new version: references it no longer makes are removed first.
UNWIND $rows AS r
MATCH (f:Account {id: r.filedById}), (v:Review {id: r.reviewId})
MERGE (c:Complaint {id: r.id})
SET c.filedAt = r.filedAt, c.status = r.status, c.resolvedAt = r.resolvedAt
WITH r, f, v, c
CALL (c, f) { MATCH (x)-[old:FILED]->(c) WHERE x <> f DELETE old }
CALL (c, v) { MATCH (c)-[old:AGAINST]->(x) WHERE x <> v DELETE old }
CALL (c, r) {
  MATCH (c)-[old:HANDLED_BY]->(x)
  WHERE r.handledById IS NULL OR x.id <> r.handledById
  DELETE old
}
MERGE (f)-[:FILED]->(c)
MERGE (c)-[:AGAINST]->(v)
WITH c, r WHERE r.handledById IS NOT NULL
MATCH (h:Account {id: r.handledById})
MERGE (c)-[:HANDLED_BY]->(h)
