// A census of relationships between dataset nodes, to compare two loads of one dataset: per
// (start label, type, end label), how many, how many properties, the sum of integer property
// values and the total length of string ones. Params: $labels (list of label names).
MATCH (a)-[r]->(b) WHERE labels(a)[0] IN $labels AND labels(b)[0] IN $labels
WITH labels(a)[0] AS start, type(r) AS type, labels(b)[0] AS end, r,
     [k IN keys(r) | r[k]] AS vs
RETURN start, type, end, count(*) AS n, sum(size(vs)) AS properties,
       sum(reduce(s = 0, v IN vs | s + CASE WHEN v IS :: INTEGER THEN v ELSE 0 END)) AS integers,
       sum(reduce(s = 0, v IN vs | s + CASE WHEN v IS :: STRING THEN size(v) ELSE 0 END)) AS chars
ORDER BY start, type, end
