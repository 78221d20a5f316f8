// Takes the detection lock for $runId unless another run holds an unexpired lease. The first
// SET takes the node's write lock, so the holder is read after any concurrent taker commits:
// runs in every server process on this database exclude each other.
// Params: $runId, $now, $lease (ms). Returns: holder (== $runId when taken).
MERGE (l:DetectionLock {id: 'detect'})
SET l.touchedAt = $now
WITH l, (l.holder IS NULL OR l.until < $now) AS free
SET l.holder = CASE WHEN free THEN $runId ELSE l.holder END,
    l.until = CASE WHEN free THEN $now + $lease ELSE l.until END
RETURN l.holder AS holder
