// Shops where an extortion chain could name one of the accounts $ids: as payee (the owner,
// or its household, privately paid it at least $minPayment), as contact (it messaged the
// owner, and the owner's side ever privately paid anyone that much) or as reviewer (it
// reviewed the shop with a rating <= $maxRating and the owner's side privately paid someone
// that much within $payReach ms after, or at any time before the author withdrew or revised
// the review: stockpiled reviews sold off weeks later). Every chain needs the owner's payment,
// so a shop whose owner never paid after the review cannot hold one. $minPayment is the
// smallest payment a chain can hold (above the commerce floor: a crew's small takings). The
// owner's side: the owner and its household (accounts owning no shop sharing a rare
// identifier of $householdKinds with it, used by at most $maxShare accounts, as in
// rings_owner_transfers).
// Params: $ids, $maxRating, $minPayment, $payReach, $householdKinds, $maxShare.
// Returns: shopId.
UNWIND $ids AS id
MATCH (a:Account {id: id})
CALL (a) {
  MATCH (o:Account)-[t:TRANSFER]->(a)
  WHERE t.amount >= $minPayment
  MATCH (o)-[:OWNS]->(s:Shop)
  RETURN s
  UNION
  MATCH (h:Account)-[t:TRANSFER]->(a)
  WHERE t.amount >= $minPayment AND NOT EXISTS { (h)-[:OWNS]->(:Shop) }
  MATCH (h)-[:USES]->(i:Identifier)<-[:USES]-(o:Account)-[:OWNS]->(s:Shop)
  WHERE i.kind IN $householdKinds AND o <> h AND o <> a
    AND COUNT { (i)<-[:USES]-() } <= $maxShare
  RETURN s
  UNION
  MATCH (a)-[:MESSAGED]->(:Message)-[:TO]->(o:Account)-[:OWNS]->(s:Shop)
  WHERE EXISTS { (o)-[t:TRANSFER]->() WHERE t.amount >= $minPayment }
     OR EXISTS {
       (o)-[:USES]->(i:Identifier)<-[:USES]-(h:Account)-[t:TRANSFER]->()
       WHERE t.amount >= $minPayment AND i.kind IN $householdKinds AND h <> o
         AND NOT EXISTS { (h)-[:OWNS]->(:Shop) } AND COUNT { (i)<-[:USES]-() } <= $maxShare
     }
  RETURN s
  UNION
  MATCH (a)-[:WROTE]->(v:Review)-[:ABOUT]->(s:Shop)<-[:OWNS]-(o:Account)
  WHERE v.rating <= $maxRating
  // a payment past $payReach still counts before the author's own later change of the review
  WITH v, s, o,
       reduce(m = v.postedAt + $payReach,
              x IN [(v)<-[:ON]-(e:ReviewEvent)<-[:PERFORMED]-(a) | e.at]
              | CASE WHEN x > m THEN x ELSE m END) AS reach
  WHERE EXISTS {
      (o)-[t:TRANSFER]->()
      WHERE t.amount >= $minPayment AND t.at >= v.postedAt AND t.at <= reach
    } OR EXISTS {
      (o)-[:USES]->(i:Identifier)<-[:USES]-(h:Account)-[t:TRANSFER]->()
      WHERE i.kind IN $householdKinds AND h <> o
        AND NOT EXISTS { (h)-[:OWNS]->(:Shop) } AND COUNT { (i)<-[:USES]-() } <= $maxShare
        AND t.amount >= $minPayment AND t.at >= v.postedAt AND t.at <= reach
    }
  RETURN s
}
RETURN DISTINCT s.id AS shopId
