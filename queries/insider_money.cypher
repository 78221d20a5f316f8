// Private transfers from the given shop owners that reached a receiver (an employee or a
// proxy): directly, or through one middle account whose onward transfer came after the
// owner's, within $window ms. Middle accounts are capped at $cap per receiver.
// Params: $rows [{receiver, employee, owners}], $window, $cap.
// Returns: employeeId, receiverId, ownerId, viaId, paymentId, amount, currency, at,
// onwardPaymentId, onwardAmount, onwardAt.
UNWIND $rows AS row
MATCH (p:Account {id: row.receiver})
CALL (p, row) {
  MATCH (o:Account)-[t:TRANSFER]->(p)
  WHERE o.id IN row.owners
  RETURN o.id AS ownerId, null AS viaId, t.paymentId AS paymentId, t.amount AS amount,
         t.currency AS currency, t.at AS at, null AS onwardPaymentId, null AS onwardAmount,
         null AS onwardAt
  UNION ALL
  MATCH (x:Account)-[t2:TRANSFER]->(p)
  WHERE NOT x.id IN row.owners AND x.id <> row.employee
  WITH row, x, t2 LIMIT $cap
  MATCH (o:Account)-[t1:TRANSFER]->(x)
  WHERE o.id IN row.owners AND t1.at <= t2.at AND t2.at - t1.at <= $window
  RETURN o.id AS ownerId, x.id AS viaId, t1.paymentId AS paymentId, t1.amount AS amount,
         t1.currency AS currency, t1.at AS at, t2.paymentId AS onwardPaymentId,
         t2.amount AS onwardAmount, t2.at AS onwardAt
}
RETURN row.employee AS employeeId, p.id AS receiverId, ownerId, viaId, paymentId, amount,
       currency, at, onwardPaymentId, onwardAmount, onwardAt
