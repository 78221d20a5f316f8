// Records on run $runId the (payee, owner) pairs of every extortion chain before the payee
// rule, as two parallel lists: an incremental run based on this one counts the pairs of the
// owners it does not recompute. Params: $runId, $payees, $owners.
MATCH (r:DetectionRun {id: $runId})
SET r.chainPayees = $payees, r.chainOwners = $owners
