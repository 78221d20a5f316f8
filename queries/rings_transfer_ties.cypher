// Private transfers touching each account of $rows, in either direction: at most $perAccount
// per account, the ones nearest the account's focus time (the review or payment being
// examined), so a busy account's cap never drops the transfers of the incident window.
// Params: $rows [{id, at}], $perAccount. Returns: a (the row's id), b, fromId, paymentId,
// amount, currency, at, total (the account's transfers before the cap).
UNWIND $rows AS row
MATCH (a:Account {id: row.id})
WITH a, row, COUNT { (a)-[:TRANSFER]-(:Account) } AS total
CALL (a, row) {
  MATCH (a)-[t:TRANSFER]-(b:Account)
  RETURN b, t ORDER BY abs(t.at - row.at), t.paymentId LIMIT $perAccount
}
RETURN a.id AS a, b.id AS b, startNode(t).id AS fromId, t.paymentId AS paymentId,
       t.amount AS amount, t.currency AS currency, t.at AS at, total
