// One level of a lineage expansion: every tie of each frontier account, capped per account
// and kind. Private transfers only (TRANSFER, never purchase payments); an incoming transfer
// is kept only if it happened within $window ms before the frontier row's `until` (the time
// of the downstream transfer it would fund; null = no bound). Messages between a buyer and
// the owner of a shop the buyer ordered from are ordinary commerce and skipped. Identifiers
// tie accounts only when rare: kind in $kinds and used by at most $maxShare accounts.
// Params: $frontier [{id, until}], $cap, $messageScan, $window, $kinds, $maxShare.
// Returns: src, other, kind (TRANSFER_OUT|TRANSFER_IN|REFERRED_OUT|REFERRED_IN|MESSAGED_OUT|
// MESSAGED_IN|SHARES), record, amount, currency, at, via (identifier kind).
// Messages are capped without ordering so a seller's thousands of chats stop at the cap, and at
// most $messageScan of them are examined for the commerce test (its subqueries dominate the
// cost of busy sellers; coordinators and operatives have far fewer messages).
UNWIND $frontier AS f
MATCH (a:Account {id: f.id})
CALL (a, f) {
  MATCH (a)-[t:TRANSFER]->(b:Account)
  WITH b, t ORDER BY t.at LIMIT $cap
  RETURN 'TRANSFER_OUT' AS kind, b.id AS other, t.paymentId AS record, t.amount AS amount,
         t.currency AS currency, t.at AS at, null AS via
  UNION ALL
  MATCH (b:Account)-[t:TRANSFER]->(a)
  WHERE f.until IS NULL OR (t.at <= f.until AND t.at >= f.until - $window)
  WITH b, t ORDER BY t.at DESC LIMIT $cap
  RETURN 'TRANSFER_IN' AS kind, b.id AS other, t.paymentId AS record, t.amount AS amount,
         t.currency AS currency, t.at AS at, null AS via
  UNION ALL
  MATCH (a)-[r:REFERRED]->(b:Account)
  WITH b, r ORDER BY r.at LIMIT $cap
  RETURN 'REFERRED_OUT' AS kind, b.id AS other, null AS record, null AS amount,
         null AS currency, r.at AS at, null AS via
  UNION ALL
  MATCH (b:Account)-[r:REFERRED]->(a)
  WITH b, r LIMIT $cap
  RETURN 'REFERRED_IN' AS kind, b.id AS other, null AS record, null AS amount,
         null AS currency, r.at AS at, null AS via
  UNION ALL
  MATCH (a)-[:MESSAGED]->(m:Message)-[:TO]->(b:Account)
  WITH a, b, m LIMIT $messageScan
  WHERE NOT EXISTS { (a)-[:PLACED]->(:Order)-[:AT]->(:Shop)<-[:OWNS]-(b) }
    AND NOT EXISTS { (b)-[:PLACED]->(:Order)-[:AT]->(:Shop)<-[:OWNS]-(a) }
  WITH b, m LIMIT $cap
  RETURN 'MESSAGED_OUT' AS kind, b.id AS other, m.id AS record, null AS amount,
         null AS currency, m.sentAt AS at, null AS via
  UNION ALL
  MATCH (b:Account)-[:MESSAGED]->(m:Message)-[:TO]->(a)
  WITH a, b, m LIMIT $messageScan
  WHERE NOT EXISTS { (a)-[:PLACED]->(:Order)-[:AT]->(:Shop)<-[:OWNS]-(b) }
    AND NOT EXISTS { (b)-[:PLACED]->(:Order)-[:AT]->(:Shop)<-[:OWNS]-(a) }
  WITH b, m LIMIT $cap
  RETURN 'MESSAGED_IN' AS kind, b.id AS other, m.id AS record, null AS amount,
         null AS currency, m.sentAt AS at, null AS via
  UNION ALL
  MATCH (a)-[:USES]->(i:Identifier)
  WHERE i.kind IN $kinds AND COUNT { (i)<-[:USES]-() } <= $maxShare
  MATCH (i)<-[:USES]-(b:Account) WHERE b <> a
  WITH b, i LIMIT $cap
  RETURN 'SHARES' AS kind, b.id AS other, i.key AS record, null AS amount,
         null AS currency, null AS at, i.kind AS via
}
RETURN a.id AS src, other, kind, record, amount, currency, at, via
