// Which of the given ids already exist as Order nodes. Params: $ids [string]. Returns: id.
UNWIND $ids AS id
MATCH (n:Order {id: id})
RETURN n.id AS id
