// Records a detection run as it starts. Params: $id, $startedAt, $detectors, $params (JSON),
// $version, $actor.
CREATE (:DetectionRun {id: $id, startedAt: $startedAt, status: 'RUNNING', detectors: $detectors,
                       params: $params, version: $version, actor: $actor})
