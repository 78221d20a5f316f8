// What loading the shops $shops costs, roughly: their reviews and the messages their owners
// received (degrees, not rows read). Params: $shops. Returns: weight.
UNWIND $shops AS sid
MATCH (o:Account)-[:OWNS]->(s:Shop {id: sid})
WITH sum(COUNT { (s)<-[:ABOUT]-() }) AS reviews, collect(DISTINCT o) AS owners
CALL (owners) {
  UNWIND owners AS o
  RETURN sum(COUNT { (o)<-[:TO]-() }) AS messages
}
RETURN reviews + messages AS weight
