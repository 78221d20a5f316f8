// Which of the given ids already exist as Review nodes. Params: $ids [string]. Returns: id.
UNWIND $ids AS id
MATCH (n:Review {id: id})
RETURN n.id AS id
