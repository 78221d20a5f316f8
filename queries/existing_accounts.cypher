// Which of the given ids already exist as Account nodes. Params: $ids [string]. Returns: id.
UNWIND $ids AS id
MATCH (n:Account {id: id})
RETURN n.id AS id
