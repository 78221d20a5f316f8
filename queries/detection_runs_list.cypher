// Detection runs, newest first, with whether each detector's findings currently come from it.
// Params: $skip, $limit. Returns: run fields (mode, since, basedOn, scope sizes of incremental
// runs, the findings they carried) and current [detector].
MATCH (r:DetectionRun)
WITH r ORDER BY r.startedAt DESC, r.id DESC SKIP $skip LIMIT $limit
RETURN r.id AS id, r.startedAt AS startedAt, r.finishedAt AS finishedAt, r.status AS status,
       r.detectors AS detectors, r.params AS params, r.version AS version, r.actor AS actor,
       r.counts AS counts, r.error AS error, coalesce(r.mode, 'full') AS mode, r.since AS since,
       r.basedOn AS basedOn, r.scopeAccounts AS scopeAccounts, r.scopeShops AS scopeShops,
       r.carried AS carried,
       COLLECT { MATCH (p:FindingsPointer {runId: r.id}) RETURN p.detector AS d ORDER BY d } AS current
ORDER BY startedAt DESC, id DESC
