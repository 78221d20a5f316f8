// A case's history: who changed what and when, oldest first. Params: $id.
// Returns: id, at, by, action, detail.
MATCH (:Case {id: $id})-[:HAS_EVENT]->(e:CaseEvent)
RETURN e.id AS id, e.at AS at, e.by AS by, e.action AS action, e.detail AS detail
ORDER BY at, id
