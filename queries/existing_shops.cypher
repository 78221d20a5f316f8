// Which of the given ids already exist as Shop nodes. Params: $ids [string]. Returns: id.
UNWIND $ids AS id
MATCH (n:Shop {id: id})
RETURN n.id AS id
