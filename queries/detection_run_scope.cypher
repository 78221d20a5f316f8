// Records how a run was computed: $mode ('full' or 'incremental'), $since (epoch ms, or
// null), $basedOn (the run whose findings outside the scope it carried), and the scope's
// size, and the findings it carried over per detector (JSON). Params: $runId, $mode, $since,
// $basedOn, $scopeAccounts, $scopeShops, $carried.
MATCH (r:DetectionRun {id: $runId})
SET r.mode = $mode, r.since = $since, r.basedOn = $basedOn,
    r.scopeAccounts = $scopeAccounts, r.scopeShops = $scopeShops, r.carried = $carried
