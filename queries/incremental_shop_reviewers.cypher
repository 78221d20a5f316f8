// The accounts that reviewed the shops $shops with a rating <= $maxRating: a new negative
// review changes a shop's reviewer count, and so the weight of that shop in the lockstep
// peeling of every group whose members panned it. Params: $shops, $maxRating. Returns: id.
UNWIND $shops AS sid
MATCH (:Shop {id: sid})<-[:ABOUT]-(v:Review)<-[:WROTE]-(a:Account)
WHERE v.rating <= $maxRating
RETURN DISTINCT a.id AS id
