// A page of payments an account received, oldest first. Params: $id, $skip, $limit, $privateOnly.
MATCH (f:Account)-[:PAID]->(p:Payment)-[:TO]->(t:Account {id: $id})
WHERE NOT $privateOnly OR p.private
RETURN p.id AS id, f.id AS fromId, t.id AS toId, {minor: p.amount, currency: p.currency} AS amount, p.paidAt AS paidAt, p.channel AS channel, [(p)-[:SETTLES]->(o:Order) | o.id][0] AS orderId, p.memo AS memo
ORDER BY paidAt, id SKIP $skip LIMIT $limit
