// Every dataset node with its properties, and every relationship between dataset nodes with
// its ends' keys and its properties, in a fixed order: the exact comparison of two small
// loads of one dataset (tests only; a full scan). Params: $labels (list of label names).
MATCH (n) WHERE labels(n)[0] IN $labels
WITH n ORDER BY labels(n)[0], coalesce(n.id, n.key)
WITH collect([labels(n)[0], properties(n)]) AS nodes
CALL {
  MATCH (a)-[r]->(b) WHERE labels(a)[0] IN $labels AND labels(b)[0] IN $labels
  WITH [labels(a)[0], coalesce(a.id, a.key), type(r), labels(b)[0], coalesce(b.id, b.key),
        properties(r)] AS row, coalesce(r.paymentId, '') AS payment
  ORDER BY row[0], row[1], row[2], row[3], row[4], payment
  RETURN collect(row) AS relationships
}
RETURN nodes, relationships
