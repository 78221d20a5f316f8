// Referrals touching any of $ids, in either direction. Params: $ids.
// Returns: a (from $ids), b, inviterId, at.
UNWIND $ids AS id
MATCH (a:Account {id: id})-[r:REFERRED]-(b:Account)
RETURN a.id AS a, b.id AS b, startNode(r).id AS inviterId, r.at AS at
