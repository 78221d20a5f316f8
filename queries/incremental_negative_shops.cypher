// Shops the accounts $ids reviewed with a rating <= $maxRating, and (for paid panning) the
// shops reviewed so by accounts they paid privately more than $floor. Params: $ids,
// $maxRating, $floor. Returns: shopId.
UNWIND $ids AS id
MATCH (a:Account {id: id})
CALL (a) {
  MATCH (a)-[:WROTE]->(v:Review)-[:ABOUT]->(s:Shop)
  WHERE v.rating <= $maxRating
  RETURN s
  UNION
  MATCH (a)-[t:TRANSFER]->(:Account)-[:WROTE]->(v:Review)-[:ABOUT]->(s:Shop)
  WHERE t.amount > $floor AND v.rating <= $maxRating
  RETURN s
}
RETURN DISTINCT s.id AS shopId
