// Upsert referrals inviter -> invitee. Params: $rows [{inviterId, inviteeId, at}].
UNWIND $rows AS r
MATCH (a:Account {id: r.inviterId}), (b:Account {id: r.inviteeId})
MERGE (a)-[x:REFERRED]->(b)
SET x.at = r.at
