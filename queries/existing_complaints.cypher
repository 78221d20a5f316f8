// Which of the given ids already exist as Complaint nodes. Params: $ids [string]. Returns: id.
UNWIND $ids AS id
MATCH (n:Complaint {id: id})
RETURN n.id AS id
