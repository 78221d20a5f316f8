// A census of relationships between dataset nodes, to compare two loads of one dataset: per
// (start label, type, end label), how many, and per property key and value type how many
// have it, its integer values summed as v % 1000003 and v / 1000003, and the total length of
// its string values. `key` is "" on the row that counts the relationships themselves.
// Params: $labels (list of label names).
MATCH (a)-[r]->(b) WHERE labels(a)[0] IN $labels AND labels(b)[0] IN $labels
WITH labels(a)[0] AS start, type(r) AS rel, labels(b)[0] AS end, r
UNWIND [''] + keys(r) AS k
WITH start, rel, end, k, CASE WHEN k = '' THEN null ELSE r[k] END AS v
RETURN start, rel AS type, end, k AS key, valueType(v) AS valueType, count(*) AS n,
       sum(CASE WHEN v IS :: INTEGER THEN v % 1000003 ELSE 0 END) AS low,
       sum(CASE WHEN v IS :: INTEGER THEN v / 1000003 ELSE 0 END) AS high,
       sum(CASE WHEN v IS :: STRING THEN size(v) ELSE 0 END) AS chars
ORDER BY start, type, end, key, valueType
