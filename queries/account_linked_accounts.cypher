// Accounts sharing at least one identifier with the account, the rarest ties first.
// Identifiers used by more than $maxShare accounts (public IPs) are skipped as hubs.
// Params: $id, $maxShare, $skip, $limit. Returns: account fields + via [{key, kind, value, accounts}].
MATCH (:Account {id: $id})-[:USES]->(i:Identifier)
WITH i, COUNT { (i)<-[:USES]-(:Account) } AS n
WHERE n > 1 AND n <= $maxShare
MATCH (i)<-[:USES]-(a:Account) WHERE a.id <> $id
WITH a, collect({key: i.key, kind: i.kind, value: i.value, accounts: n}) AS via,
     sum(1.0 / (n - 1)) AS strength
RETURN {id: a.id, role: a.role, name: a.name, registeredAt: a.registeredAt, region: a.region} AS account,
       via, strength
ORDER BY strength DESC, account.id SKIP $skip LIMIT $limit
