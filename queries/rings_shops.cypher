// Every shop with its owner and category (the victim side of ring and incident detection).
// Params: none. Returns: shopId, ownerId, category.
// OWNS only ever joins an Account to a Shop (docs/GRAPH_MODEL.md), so the pattern names no
// labels: with them the planner scans the shops and walks each one's whole relationship chain
// (every review and order) to find its owner; without them it reads the OWNS relationships
// from their type index (1M accounts: 2.1M db hits -> 0.57M, 1.26 s -> 0.50 s of Neo4j CPU).
MATCH (o)-[:OWNS]->(s)
RETURN s.id AS shopId, o.id AS ownerId, s.category AS category
