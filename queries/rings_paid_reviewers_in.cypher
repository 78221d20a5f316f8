// rings_paid_reviewers restricted to an incremental run's scope: the reviews of the shops
// $shops only. Params: $maxRating, $floor, $window, $after, $shops. Returns: payerId, authorId,
// reviewId, shopId, rating, postedAt, paymentId, amount, currency, at.
UNWIND $shops AS sid
MATCH (a:Account)-[:WROTE]->(v:Review)-[:ABOUT]->(s:Shop {id: sid})<-[:OWNS]-(o:Account)
WHERE v.rating <= $maxRating
MATCH (x:Account)-[t:TRANSFER]->(a)
WHERE x <> o AND t.amount > $floor AND t.at >= v.postedAt - $window
  AND t.at <= v.postedAt + $after
RETURN x.id AS payerId, a.id AS authorId, v.id AS reviewId, s.id AS shopId,
       v.rating AS rating, v.postedAt AS postedAt, t.paymentId AS paymentId,
       t.amount AS amount, t.currency AS currency, t.at AS at
