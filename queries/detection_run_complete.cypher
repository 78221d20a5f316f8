// Completes a run and, in the same transaction, makes its findings the ones readers see: each
// of its detectors' pointer moves to it (the run before stays until the next purge, for
// readers still on it). Params: $runId, $finishedAt, $counts (JSON), $detectors.
MATCH (r:DetectionRun {id: $runId})
SET r.status = 'COMPLETE', r.finishedAt = $finishedAt, r.counts = $counts
WITH r
UNWIND $detectors AS d
MERGE (p:FindingsPointer {detector: d})
SET p.previousRunId = p.runId, p.runId = r.id
RETURN count(p) AS moved
