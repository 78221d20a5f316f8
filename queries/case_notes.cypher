// A page of a case's notes, oldest first. Params: $id, $skip, $limit.
// Returns: id, author, at, text.
MATCH (:Case {id: $id})-[:HAS_NOTE]->(n:CaseNote)
RETURN n.id AS id, n.author AS author, n.at AS at, n.text AS text
ORDER BY at, id SKIP $skip LIMIT $limit
