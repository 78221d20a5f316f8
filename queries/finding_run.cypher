// The detection run that stored a finding: its run id and, where recorded, when it ran.
// Params: $label ('Ring', 'Incident' or 'InsiderSuspect'), $id (the finding node's id).
// Returns: runId, runAt (epoch ms, the run's end when known), startedAt.
CALL () {
  MATCH (g:Ring {id: $id}) WHERE $label = 'Ring' RETURN g
  UNION
  MATCH (g:Incident {id: $id}) WHERE $label = 'Incident' RETURN g
  UNION
  MATCH (g:InsiderSuspect {id: $id}) WHERE $label = 'InsiderSuspect' RETURN g
}
OPTIONAL MATCH (r:DetectionRun {id: g.runId})
RETURN g.runId AS runId, coalesce(r.finishedAt, g.runAt) AS runAt, r.startedAt AS startedAt
