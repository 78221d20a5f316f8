// Private transfers touching any of $ids, in either direction (at most $perAccount each).
// Params: $ids, $perAccount. Returns: a (from $ids), b, fromId, paymentId, amount, currency, at.
UNWIND $ids AS id
MATCH (a:Account {id: id})
CALL (a) {
  MATCH (a)-[t:TRANSFER]-(b:Account)
  RETURN b, t ORDER BY t.at LIMIT $perAccount
}
RETURN a.id AS a, b.id AS b, startNode(t).id AS fromId, t.paymentId AS paymentId,
       t.amount AS amount, t.currency AS currency, t.at AS at
