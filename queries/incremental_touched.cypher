// What records whose own time is at or after $since touch (the seed of `detect --since`):
// kind 'author' (reviews rated <= $maxRating and their retractions or removals, both parties
// of private transfers: their negative reviews are reloaded), 'anchor' (any party, and every
// account sharing an identifier of at most $hubMax accounts with a link seen since: findings
// naming them are recomputed) and 'shop' (reviewed, its owner or the owner's household paid
// privately, its owner messaged, or the owner's household identifiers changed: households
// are rare identifiers of $householdKinds shared with an account owning no shop, as in
// rings_owner_transfers). Each branch seeks a time index
// (schema/neo4j/005_since_indexes.cypher).
// Params: $since, $maxRating, $hubMax, $householdKinds, $maxShare. Returns: kind, id.
MATCH (a:Account)-[:WROTE]->(v:Review)-[:ABOUT]->(s:Shop)
WHERE v.postedAt >= $since AND v.rating <= $maxRating
UNWIND [['author', a.id], ['shop', s.id]] AS k
RETURN k[0] AS kind, k[1] AS id
UNION
MATCH (x:Account)-[t:TRANSFER]->(y:Account)
WHERE t.at >= $since
UNWIND [['author', x.id], ['author', y.id]] + [(x)-[:OWNS]->(s:Shop) | ['shop', s.id]]
       + CASE WHEN EXISTS { (x)-[:OWNS]->(:Shop) } THEN []
         ELSE [(x)-[:USES]->(i:Identifier)<-[:USES]-(o:Account)-[:OWNS]->(s:Shop)
               WHERE i.kind IN $householdKinds AND o <> x
                 AND COUNT { (i)<-[:USES]-() } <= $maxShare | ['shop', s.id]] END AS k
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
UNWIND [['anchor', a.id]]
       + CASE WHEN n <= $hubMax THEN [(i)<-[:USES]-(b:Account) | ['anchor', b.id]] ELSE [] END
       + CASE WHEN n <= $hubMax AND i.kind IN $householdKinds
         THEN [(i)<-[:USES]-(:Account)-[:OWNS]->(s:Shop) | ['shop', s.id]] ELSE [] END AS k
RETURN k[0] AS kind, k[1] AS id
UNION
MATCH (a:Account)-[u:USES]->(i:Identifier)
WHERE u.lastSeen >= $since
WITH a, i, COUNT { (i)<-[:USES]-() } AS n
UNWIND [['anchor', a.id]]
       + CASE WHEN n <= $hubMax THEN [(i)<-[:USES]-(b:Account) | ['anchor', b.id]] ELSE [] END
       + CASE WHEN n <= $hubMax AND i.kind IN $householdKinds
         THEN [(i)<-[:USES]-(:Account)-[:OWNS]->(s:Shop) | ['shop', s.id]] ELSE [] END AS k
RETURN k[0] AS kind, k[1] AS id
