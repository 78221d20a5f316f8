// The review removals one staff account performed, with the same columns as
// insider_removals, oldest first. Params: $id.
MATCH (st:Account {id: $id})-[:PERFORMED]->(e:ReviewEvent {action: 'removed'})
MATCH (e)-[:ON]->(r:Review)-[:ABOUT]->(s:Shop)<-[:OWNS]-(o:Account)
MATCH (w:Account)-[:WROTE]->(r)
OPTIONAL MATCH (r)-[:OF_ORDER]->(ord:Order)
RETURN st.id AS employeeId, e.id AS eventId, e.at AS at, e.reason AS reason,
       r.id AS reviewId, r.rating AS rating, r.text AS text, r.postedAt AS postedAt,
       s.id AS shopId, o.id AS ownerId, w.id AS authorId, ord.status AS orderStatus,
       (ord IS NOT NULL AND EXISTS { (:Payment)-[:SETTLES]->(ord) }) AS orderPaid,
       EXISTS { (:Ring)-[:HAS_MEMBER]->(w) } AS authorInRing,
       [(c:Complaint)-[:AGAINST]->(r) |
         {id: c.id, status: c.status, handledBy: [(c)-[:HANDLED_BY]->(h:Account) | h.id][0]}] AS complaints
ORDER BY at, eventId
