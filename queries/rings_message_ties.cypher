// Messages between each account of $rows and other accounts, either direction: at most
// $perAccount per account, the ones nearest the account's focus time.
// Params: $rows [{id, at}], $perAccount. Returns: a (the row's id), b, fromId, messageId, at,
// total (the account's messages before the cap).
UNWIND $rows AS row
MATCH (a:Account {id: row.id})
WITH a, row, COUNT { (a)-[:MESSAGED]->(:Message) } + COUNT { (a)<-[:TO]-(:Message) } AS total
CALL (a, row) {
  MATCH (a)-[:MESSAGED]->(m:Message)-[:TO]->(b:Account)
  RETURN b, m, a AS sender
  UNION
  MATCH (a)<-[:TO]-(m:Message)<-[:MESSAGED]-(b:Account)
  RETURN b, m, b AS sender
}
WITH a, row, b, m, sender, total ORDER BY abs(m.sentAt - row.at), m.id
WITH a, total, collect({b: b.id, fromId: sender.id, messageId: m.id, at: m.sentAt})[..$perAccount] AS ms
UNWIND ms AS x
RETURN a.id AS a, x.b AS b, x.fromId AS fromId, x.messageId AS messageId, x.at AS at, total
