// A census of node properties, to compare two loads of one dataset (bulk vs. transactional):
// per label, property key and value type, how many nodes have it, its integer values summed
// as v % 1000003 and v / 1000003 (two sums that cannot overflow where v itself would), the
// total length of its string values and how many are true. Labels of the dataset only.
// Params: $labels (list of label names).
MATCH (n) WHERE labels(n)[0] IN $labels
UNWIND keys(n) AS k
WITH labels(n)[0] AS label, k, n[k] AS v
RETURN label, k AS key, valueType(v) AS type, count(*) AS n,
       sum(CASE WHEN v IS :: INTEGER THEN v % 1000003 ELSE 0 END) AS low,
       sum(CASE WHEN v IS :: INTEGER THEN v / 1000003 ELSE 0 END) AS high,
       sum(CASE WHEN v IS :: STRING THEN size(v) ELSE 0 END) AS chars,
       sum(CASE WHEN v = true THEN 1 ELSE 0 END) AS trues
ORDER BY label, key, type
