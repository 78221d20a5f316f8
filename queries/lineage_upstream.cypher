// One level of following a lineage organizer's money upstream: each frontier account's
// incoming private transfers above $floor (no purchase payments; smaller ones are commerce)
// within $window ms before its `until` (the time of the transfer it would fund; null = no
// bound), the $cap latest first, and the accounts sharing a rare identifier (kind in $kinds,
// used by at most $maxShare accounts) with it: a seller paying through its household.
// Lighter than lineage_ties (no outgoing money, referrals or messages).
// Params: $frontier [{id, until}], $cap, $window, $floor, $kinds, $maxShare.
// Returns: src, other, kind (TRANSFER_IN|SHARES), record, amount, currency, at, via (identifier
// kind), total (rows of that kind the account has before the cap).
UNWIND $frontier AS f
MATCH (a:Account {id: f.id})
CALL (a, f) {
  MATCH (b:Account)-[t:TRANSFER]->(a)
  WHERE t.amount > $floor
    AND (f.until IS NULL OR (t.at <= f.until AND t.at >= f.until - $window))
  WITH b, t ORDER BY t.at DESC, t.paymentId
  LIMIT $cap
  RETURN 'TRANSFER_IN' AS kind, b.id AS other, t.paymentId AS record, t.amount AS amount,
         t.currency AS currency, t.at AS at, null AS via,
         COUNT { (:Account)-[x:TRANSFER]->(a) WHERE x.amount > $floor } AS total
  UNION ALL
  MATCH (a)-[:USES]->(i:Identifier)
  WHERE i.kind IN $kinds AND COUNT { (i)<-[:USES]-() } <= $maxShare
  MATCH (i)<-[:USES]-(b:Account) WHERE b <> a
  WITH b, i LIMIT $cap
  RETURN 'SHARES' AS kind, b.id AS other, i.key AS record, null AS amount,
         null AS currency, null AS at, i.kind AS via, 0 AS total
}
RETURN a.id AS src, other, kind, record, amount, currency, at, via, total
