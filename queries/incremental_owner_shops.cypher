// Shops whose owner privately paid, or was messaged by, one of the accounts $ids (an
// extortion incident there may name them as payee or contact), plus the shops they reviewed
// with a rating <= $maxRating (as reviewer). Params: $ids, $maxRating. Returns: shopId.
UNWIND $ids AS id
MATCH (a:Account {id: id})
CALL (a) {
  MATCH (o:Account)-[:TRANSFER]->(a)
  MATCH (o)-[:OWNS]->(s:Shop)
  RETURN s
  UNION
  MATCH (a)-[:MESSAGED]->(:Message)-[:TO]->(o:Account)-[:OWNS]->(s:Shop)
  RETURN s
  UNION
  MATCH (a)-[:WROTE]->(v:Review)-[:ABOUT]->(s:Shop)
  WHERE v.rating <= $maxRating
  RETURN s
}
RETURN DISTINCT s.id AS shopId
