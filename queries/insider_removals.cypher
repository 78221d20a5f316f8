// Every review removal performed by a staff account, with what its legitimacy verdict needs:
// the order's status and whether it was paid, whether the author is a detected ring member
// in rings run $ringsRunId (null: the last complete one), and the complaints against the review.
// Params: $ringsRunId. Returns: employeeId, eventId, at, reason, reviewId, rating, text, postedAt,
// shopId, ownerId, authorId, orderStatus, orderPaid, authorInRing, complaints [{id, status, handledBy}].
OPTIONAL MATCH (p:FindingsPointer {detector: 'rings'})
WITH coalesce($ringsRunId, p.runId) AS ringsRun
MATCH (e:ReviewEvent {action: 'removed'})<-[:PERFORMED]-(st:Account {role: 'staff'})
MATCH (e)-[:ON]->(r:Review)-[:ABOUT]->(s:Shop)<-[:OWNS]-(o:Account)
MATCH (w:Account)-[:WROTE]->(r)
OPTIONAL MATCH (r)-[:OF_ORDER]->(ord:Order)
RETURN st.id AS employeeId, e.id AS eventId, e.at AS at, e.reason AS reason,
       r.id AS reviewId, r.rating AS rating, r.text AS text, r.postedAt AS postedAt,
       s.id AS shopId, o.id AS ownerId, w.id AS authorId, ord.status AS orderStatus,
       (ord IS NOT NULL AND EXISTS { (:Payment)-[:SETTLES]->(ord) }) AS orderPaid,
       EXISTS { MATCH (g:Ring)-[:HAS_MEMBER]->(w) WHERE g.runId = ringsRun } AS authorInRing,
       [(c:Complaint)-[:AGAINST]->(r) |
         {id: c.id, status: c.status, handledBy: [(c)-[:HANDLED_BY]->(h:Account) | h.id][0]}] AS complaints
