// Messages between any of $ids and other accounts, either direction (at most $perAccount each).
// Params: $ids, $perAccount. Returns: a (from $ids), b, fromId, messageId, at.
UNWIND $ids AS id
MATCH (a:Account {id: id})
CALL (a) {
  MATCH (a)-[:MESSAGED]->(m:Message)-[:TO]->(b:Account)
  RETURN b, m, a AS sender
  UNION
  MATCH (a)<-[:TO]-(m:Message)<-[:MESSAGED]-(b:Account)
  RETURN b, m, b AS sender
}
WITH a, b, m, sender ORDER BY m.sentAt
WITH a, collect({b: b.id, fromId: sender.id, messageId: m.id, at: m.sentAt})[..$perAccount] AS ms
UNWIND ms AS x
RETURN a.id AS a, x.b AS b, x.fromId AS fromId, x.messageId AS messageId, x.at AS at
