// Marks a run failed; readers keep the last complete run. Params: $runId, $finishedAt, $error.
MATCH (r:DetectionRun {id: $runId})
SET r.status = 'FAILED', r.finishedAt = $finishedAt, r.error = $error
