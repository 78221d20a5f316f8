// Shops where an extortion chain could name one of the accounts $ids: as payee (the owner
// privately paid it at least $minPayment), as contact (it messaged the owner, and the owner
// ever privately paid anyone that much) or as reviewer (it reviewed the shop with a rating
// <= $maxRating and the owner privately paid someone that much within $payReach ms after).
// Every chain needs the owner's payment, so a shop whose owner never paid after the review
// cannot hold one. Params: $ids, $maxRating, $minPayment, $payReach. Returns: shopId.
UNWIND $ids AS id
MATCH (a:Account {id: id})
CALL (a) {
  MATCH (o:Account)-[t:TRANSFER]->(a)
  WHERE t.amount >= $minPayment
  MATCH (o)-[:OWNS]->(s:Shop)
  RETURN s
  UNION
  MATCH (a)-[:MESSAGED]->(:Message)-[:TO]->(o:Account)-[:OWNS]->(s:Shop)
  WHERE EXISTS { (o)-[t:TRANSFER]->() WHERE t.amount >= $minPayment }
  RETURN s
  UNION
  MATCH (a)-[:WROTE]->(v:Review)-[:ABOUT]->(s:Shop)<-[:OWNS]-(o:Account)
  WHERE v.rating <= $maxRating
    AND EXISTS {
      (o)-[t:TRANSFER]->()
      WHERE t.amount >= $minPayment AND t.at >= v.postedAt AND t.at <= v.postedAt + $payReach
    }
  RETURN s
}
RETURN DISTINCT s.id AS shopId
