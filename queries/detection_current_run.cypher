// The run whose findings readers see for detector $detector (null before any). Params: $detector.
OPTIONAL MATCH (p:FindingsPointer {detector: $detector})
RETURN p.runId AS runId, p.previousRunId AS previousRunId
