// The extortion chain pairs recorded on run $runId (null for a run that recorded none).
// Params: $runId. Returns: payees, owners (parallel lists).
MATCH (r:DetectionRun {id: $runId})
RETURN r.chainPayees AS payees, r.chainOwners AS owners
