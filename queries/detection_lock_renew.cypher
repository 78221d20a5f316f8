// Extends the lease of the detection lock while $runId holds it. Params: $runId, $now, $lease.
MATCH (l:DetectionLock {id: 'detect', holder: $runId})
SET l.until = $now + $lease
