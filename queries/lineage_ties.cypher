// One level of a lineage expansion: every tie of each frontier account, capped per account
// and kind, keeping the rows nearest the account's focus time (the `until` of its frontier
// row, else $focus — the start review's time — else the newest). Private transfers only
// (TRANSFER, never purchase payments) above $floor (smaller ones are ordinary commerce:
// cashback, red packets); an incoming transfer is kept only if it happened within $window ms
// before the frontier row's `until` (the time of the downstream transfer it would fund; null
// = no bound). Messages between a buyer and the owner of a shop the buyer ordered from are
// ordinary commerce and skipped; at most $messageScan messages, nearest the focus, are
// examined for that test (its subqueries dominate the cost of busy sellers). Identifiers tie
// accounts only when rare: kind in $kinds and used by at most $maxShare accounts.
// Params: $frontier [{id, until}], $focus, $cap, $messageScan, $window, $floor, $kinds,
// $maxShare.
// Returns: src, other, kind (TRANSFER_OUT|TRANSFER_IN|REFERRED_OUT|REFERRED_IN|MESSAGED_OUT|
// MESSAGED_IN|SHARES), record, amount, currency, at, via (identifier kind), total (rows of
// that kind the account has before the cap).
UNWIND $frontier AS f
MATCH (a:Account {id: f.id})
WITH a, f, coalesce(f.until, $focus) AS focus
CALL (a, f, focus) {
  MATCH (a)-[t:TRANSFER]->(b:Account)
  WHERE t.amount > $floor
  WITH b, t ORDER BY CASE WHEN focus IS NULL THEN -t.at ELSE abs(t.at - focus) END, t.paymentId
  LIMIT $cap
  RETURN 'TRANSFER_OUT' AS kind, b.id AS other, t.paymentId AS record, t.amount AS amount,
         t.currency AS currency, t.at AS at, null AS via,
         COUNT { (a)-[x:TRANSFER]->(:Account) WHERE x.amount > $floor } AS total
  UNION ALL
  MATCH (b:Account)-[t:TRANSFER]->(a)
  WHERE t.amount > $floor
    AND (f.until IS NULL OR (t.at <= f.until AND t.at >= f.until - $window))
  WITH b, t ORDER BY CASE WHEN focus IS NULL THEN -t.at ELSE abs(t.at - focus) END, t.paymentId
  LIMIT $cap
  RETURN 'TRANSFER_IN' AS kind, b.id AS other, t.paymentId AS record, t.amount AS amount,
         t.currency AS currency, t.at AS at, null AS via,
         COUNT { (:Account)-[x:TRANSFER]->(a) WHERE x.amount > $floor } AS total
  UNION ALL
  MATCH (a)-[r:REFERRED]->(b:Account)
  WITH b, r ORDER BY CASE WHEN focus IS NULL THEN -r.at ELSE abs(r.at - focus) END LIMIT $cap
  RETURN 'REFERRED_OUT' AS kind, b.id AS other, null AS record, null AS amount,
         null AS currency, r.at AS at, null AS via,
         COUNT { (a)-[:REFERRED]->(:Account) } AS total
  UNION ALL
  MATCH (b:Account)-[r:REFERRED]->(a)
  WITH b, r LIMIT $cap
  RETURN 'REFERRED_IN' AS kind, b.id AS other, null AS record, null AS amount,
         null AS currency, r.at AS at, null AS via, 0 AS total
  UNION ALL
  MATCH (a)-[:MESSAGED]->(m:Message)-[:TO]->(b:Account)
  WITH a, b, m ORDER BY CASE WHEN focus IS NULL THEN -m.sentAt ELSE abs(m.sentAt - focus) END
  LIMIT $messageScan
  WHERE NOT EXISTS { (a)-[:PLACED]->(:Order)-[:AT]->(:Shop)<-[:OWNS]-(b) }
    AND NOT EXISTS { (b)-[:PLACED]->(:Order)-[:AT]->(:Shop)<-[:OWNS]-(a) }
  WITH b, m LIMIT $cap
  RETURN 'MESSAGED_OUT' AS kind, b.id AS other, m.id AS record, null AS amount,
         null AS currency, m.sentAt AS at, null AS via,
         COUNT { (a)-[:MESSAGED]->(:Message) } AS total
  UNION ALL
  MATCH (b:Account)-[:MESSAGED]->(m:Message)-[:TO]->(a)
  WITH a, b, m ORDER BY CASE WHEN focus IS NULL THEN -m.sentAt ELSE abs(m.sentAt - focus) END
  LIMIT $messageScan
  WHERE NOT EXISTS { (a)-[:PLACED]->(:Order)-[:AT]->(:Shop)<-[:OWNS]-(b) }
    AND NOT EXISTS { (b)-[:PLACED]->(:Order)-[:AT]->(:Shop)<-[:OWNS]-(a) }
  WITH b, m LIMIT $cap
  RETURN 'MESSAGED_IN' AS kind, b.id AS other, m.id AS record, null AS amount,
         null AS currency, m.sentAt AS at, null AS via,
         COUNT { (a)<-[:TO]-(:Message) } AS total
  UNION ALL
  MATCH (a)-[:USES]->(i:Identifier)
  WHERE i.kind IN $kinds AND COUNT { (i)<-[:USES]-() } <= $maxShare
  MATCH (i)<-[:USES]-(b:Account) WHERE b <> a
  WITH b, i LIMIT $cap
  RETURN 'SHARES' AS kind, b.id AS other, i.key AS record, null AS amount,
         null AS currency, null AS at, i.kind AS via, 0 AS total
}
RETURN a.id AS src, other, kind, record, amount, currency, at, via, total
