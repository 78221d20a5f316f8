// When a detection run started and finished (a finding's "when", for evidence bundles).
// Params: $runId. Returns: startedAt, finishedAt (epoch ms; finishedAt null while running).
MATCH (r:DetectionRun {id: $runId})
RETURN r.startedAt AS startedAt, r.finishedAt AS finishedAt
