// Which of the given ids already exist as ReviewEvent nodes. Params: $ids [string]. Returns: id.
UNWIND $ids AS id
MATCH (n:ReviewEvent {id: id})
RETURN n.id AS id
