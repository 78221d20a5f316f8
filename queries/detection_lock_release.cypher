// Releases the detection lock if $runId holds it. Params: $runId.
MATCH (l:DetectionLock {id: 'detect', holder: $runId})
REMOVE l.holder, l.until
