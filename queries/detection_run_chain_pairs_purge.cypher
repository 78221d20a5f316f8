// Clears the extortion chain pairs of runs other than $keep (the current and previous run):
// only a run an incremental one can be based on needs them, and they are the largest
// property of a run. Params: $keep [runId]. Returns: cleared.
MATCH (r:DetectionRun)
WHERE r.chainPayees IS NOT NULL AND NOT r.id IN $keep
REMOVE r.chainPayees, r.chainOwners
RETURN count(r) AS cleared
