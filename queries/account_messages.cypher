// A page of messages an account sent or received, oldest first. Params: $id, $skip, $limit.
MATCH (x:Account {id: $id})
CALL (x) {
  MATCH (x)-[:MESSAGED]->(m:Message)-[:TO]->(t:Account) RETURN m, x AS f, t
  UNION ALL
  MATCH (f:Account)-[:MESSAGED]->(m:Message)-[:TO]->(x) RETURN m, f, x AS t
}
RETURN m.id AS id, f.id AS fromId, t.id AS toId, m.sentAt AS sentAt, m.channel AS channel, m.text AS text
ORDER BY sentAt, id SKIP $skip LIMIT $limit
