// A census of node properties, to compare two loads of one dataset (bulk vs. transactional):
// per label and property key, how many nodes have it, the sum of its integer values, the
// total length of its string values and how many are true. Labels of the dataset only.
// Params: $labels (list of label names).
MATCH (n) WHERE labels(n)[0] IN $labels
UNWIND keys(n) AS k
WITH labels(n)[0] AS label, k, n[k] AS v
RETURN label, k AS key, count(*) AS n,
       sum(CASE WHEN v IS :: INTEGER THEN v ELSE 0 END) AS integers,
       sum(CASE WHEN v IS :: STRING THEN size(v) ELSE 0 END) AS chars,
       sum(CASE WHEN v = true THEN 1 ELSE 0 END) AS trues
ORDER BY label, key
