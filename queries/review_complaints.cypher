// Complaints filed against a review. Params: $id.
MATCH (f:Account)-[:FILED]->(c:Complaint)-[:AGAINST]->(v:Review {id: $id})
RETURN c.id AS id, v.id AS reviewId, f.id AS filedById, c.filedAt AS filedAt, c.status AS status,
       [(c)-[:HANDLED_BY]->(h:Account) | h.id][0] AS handledById, c.resolvedAt AS resolvedAt
ORDER BY filedAt, id
