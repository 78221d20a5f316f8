// What records whose own time is at or after $since touch (the seed of `detect --since`):
// kind 'author' (reviews rated <= $maxRating and their retractions or removals, both parties
// of private transfers: their negative reviews are reloaded), 'anchor' (any party, and every
// account sharing an identifier of at most $hubMax accounts with a link seen since: findings
// naming them are recomputed) and 'shop' (reviewed, its owner paid privately or messaged).
// Each branch seeks a time index (schema/neo4j/005_since_indexes.cypher).
// Params: $since, $maxRating, $hubMax. Returns: kind, id.
MATCH (a:Account)-[:WROTE]->(v:Review)-[:ABOUT]->(s:Shop)
WHERE v.postedAt >= $since AND v.rating <= $maxRating
UNWIND [['author', a.id], ['shop', s.id]] AS k
RETURN k[0] AS kind, k[1] AS id
UNION
MATCH (x:Account)-[t:TRANSFER]->(y:Account)
WHERE t.at >= $since
UNWIND [['author', x.id], ['author', y.id]] + [(x)-[:OWNS]->(s:Shop) | ['shop', s.id]] AS k
RETURN k[0] AS kind, k[1] AS id
UNION
MATCH (x:Account)-[:MESSAGED]->(m:Message)-[:TO]->(y:Account)
WHERE m.sentAt >= $since
UNWIND [['anchor', x.id], ['anchor', y.id]] + [(y)-[:OWNS]->(s:Shop) | ['shop', s.id]] AS k
RETURN k[0] AS kind, k[1] AS id
UNION
MATCH (x:Account)-[r:REFERRED]->(y:Account)
WHERE r.at >= $since
UNWIND [x.id, y.id] AS id
RETURN 'anchor' AS kind, id
UNION
MATCH (p:Account)-[:PERFORMED]->(e:ReviewEvent)-[:ON]->(v:Review)-[:ABOUT]->(s:Shop)
WHERE e.at >= $since
MATCH (w:Account)-[:WROTE]->(v)
UNWIND [['anchor', p.id], ['author', w.id], ['shop', s.id]] AS k
RETURN k[0] AS kind, k[1] AS id
UNION
MATCH (a:Account)-[u:USES]->(i:Identifier)
WHERE u.firstSeen >= $since
WITH a, i, COUNT { (i)<-[:USES]-() } AS n
UNWIND [a.id] + CASE WHEN n <= $hubMax THEN [(i)<-[:USES]-(b:Account) | b.id] ELSE [] END AS id
RETURN 'anchor' AS kind, id
UNION
MATCH (a:Account)-[u:USES]->(i:Identifier)
WHERE u.lastSeen >= $since
WITH a, i, COUNT { (i)<-[:USES]-() } AS n
UNWIND [a.id] + CASE WHEN n <= $hubMax THEN [(i)<-[:USES]-(b:Account) | b.id] ELSE [] END AS id
RETURN 'anchor' AS kind, id
