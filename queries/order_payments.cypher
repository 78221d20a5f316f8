// Payments that settle an order. Params: $id.
MATCH (f:Account)-[:PAID]->(p:Payment)-[:SETTLES]->(:Order {id: $id}), (p)-[:TO]->(t:Account)
RETURN p.id AS id, f.id AS fromId, t.id AS toId, {minor: p.amount, currency: p.currency} AS amount, p.paidAt AS paidAt, p.channel AS channel, [(p)-[:SETTLES]->(o:Order) | o.id][0] AS orderId, p.memo AS memo
ORDER BY paidAt, id
