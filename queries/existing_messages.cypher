// Which of the given ids already exist as Message nodes. Params: $ids [string]. Returns: id.
UNWIND $ids AS id
MATCH (n:Message {id: id})
RETURN n.id AS id
