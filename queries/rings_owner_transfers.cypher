// Private transfers (no order) sent by shop owners: candidate hush money after negative reviews.
// Params: none. Returns: paymentId, fromId, toId, amount, currency, at.
MATCH (o:Account) WHERE EXISTS { (o)-[:OWNS]->(:Shop) }
MATCH (o)-[t:TRANSFER]->(x:Account)
RETURN t.paymentId AS paymentId, o.id AS fromId, x.id AS toId, t.amount AS amount,
       t.currency AS currency, t.at AS at
