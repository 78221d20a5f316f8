// Which of the given ids already exist as Payment nodes. Params: $ids [string]. Returns: id.
UNWIND $ids AS id
MATCH (n:Payment {id: id})
RETURN n.id AS id
