// Complaints filed against each of several reviews: what the `complaints` of a list's
// reviews ask, in one statement. Rows and order per review are those of review_complaints.
// Params: $ids. Returns: id (the review), rows (complaints).
CYPHER replan=skip
UNWIND $ids AS id
MATCH (v:Review {id: id})
CALL (v) {
  MATCH (f:Account)-[:FILED]->(c:Complaint)-[:AGAINST]->(v)
  WITH c, f ORDER BY c.filedAt, c.id
  RETURN collect({id: c.id, reviewId: v.id, filedById: f.id, filedAt: c.filedAt, status: c.status,
                  handledById: [(c)-[:HANDLED_BY]->(h:Account) | h.id][0],
                  resolvedAt: c.resolvedAt}) AS rows
}
RETURN v.id AS id, rows
