// The records behind evidence nodes, for evidence bundles, in one round trip.
// Params: $accounts, $shops, $reviews, $payments, $messages, $events (ids; unknown ids
// are skipped). Returns: id, label, name, role, at, amount, currency, rating, kind, text,
// detail (Account: region; Shop: owner id; Review: author id; Payment: "from>to";
// Message: "from>to"; ReviewEvent: actor id), ordered by label and id.
CALL () {
  UNWIND $accounts AS x MATCH (n:Account {id: x})
  RETURN n.id AS id, 'Account' AS label, n.name AS name, n.role AS role,
         n.registeredAt AS at, null AS amount, null AS currency, null AS rating,
         null AS kind, null AS text, n.region AS detail
  UNION ALL
  UNWIND $shops AS x MATCH (n:Shop {id: x}) OPTIONAL MATCH (o:Account)-[:OWNS]->(n)
  RETURN n.id AS id, 'Shop' AS label, n.name AS name, null AS role, n.openedAt AS at,
         null AS amount, null AS currency, null AS rating, n.category AS kind,
         null AS text, o.id AS detail
  UNION ALL
  UNWIND $reviews AS x MATCH (n:Review {id: x}) OPTIONAL MATCH (a:Account)-[:WROTE]->(n)
  RETURN n.id AS id, 'Review' AS label, null AS name, null AS role, n.postedAt AS at,
         null AS amount, null AS currency, n.rating AS rating, null AS kind,
         n.text AS text, a.id AS detail
  UNION ALL
  UNWIND $payments AS x MATCH (f:Account)-[:PAID]->(n:Payment {id: x})-[:TO]->(t:Account)
  RETURN n.id AS id, 'Payment' AS label, null AS name, null AS role, n.paidAt AS at,
         n.amount AS amount, n.currency AS currency, null AS rating, n.channel AS kind,
         n.memo AS text, f.id + '>' + t.id AS detail
  UNION ALL
  UNWIND $messages AS x MATCH (f:Account)-[:MESSAGED]->(n:Message {id: x})-[:TO]->(t:Account)
  RETURN n.id AS id, 'Message' AS label, null AS name, null AS role, n.sentAt AS at,
         null AS amount, null AS currency, null AS rating, n.channel AS kind,
         n.text AS text, f.id + '>' + t.id AS detail
  UNION ALL
  UNWIND $events AS x MATCH (a:Account)-[:PERFORMED]->(n:ReviewEvent {id: x})
  RETURN n.id AS id, 'ReviewEvent' AS label, null AS name, null AS role, n.at AS at,
         null AS amount, null AS currency, n.newRating AS rating, n.action AS kind,
         n.reason AS text, a.id AS detail
}
RETURN id, label, name, role, at, amount, currency, rating, kind, text, detail
ORDER BY label, id
