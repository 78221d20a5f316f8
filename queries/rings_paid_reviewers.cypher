// Private transfers above $floor received by authors of negative or neutral reviews (rating
// <= $maxRating) from $window ms before to $after ms after the review, from anyone but the
// reviewed shop's owner: the pay of hired reviewers (per review after the screenshot, or up front). An owner
// paying the reviewer of its own shop is hush money or goodwill and is left to the extortion
// signals. Params: $maxRating, $floor, $window, $after
// (how long after the review: the per-review window, or longer for a payroll, which the
// caller checks). Returns: payerId, authorId, reviewId, shopId,
// rating, postedAt, paymentId, amount, currency, at.
MATCH (a:Account)-[:WROTE]->(v:Review)-[:ABOUT]->(s:Shop)<-[:OWNS]-(o:Account)
WHERE v.rating <= $maxRating
MATCH (x:Account)-[t:TRANSFER]->(a)
WHERE x <> o AND t.amount > $floor AND t.at >= v.postedAt - $window
  AND t.at <= v.postedAt + $after
RETURN x.id AS payerId, a.id AS authorId, v.id AS reviewId, s.id AS shopId,
       v.rating AS rating, v.postedAt AS postedAt, t.paymentId AS paymentId,
       t.amount AS amount, t.currency AS currency, t.at AS at
