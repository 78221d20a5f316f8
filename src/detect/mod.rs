//! Detectors: one module per investigative capability. A detector takes a graph handle and
//! validated parameters and returns domain values with their [`Evidence`]; it knows nothing
//! of HTTP or GraphQL. Batch detectors (`rings`, `extortion`, `insider`) store their findings
//! in the graph through [`run`]; `lineage` answers on demand.

pub mod evidence;
pub mod extortion;
pub mod incremental;
pub mod insider;
pub mod lineage;
pub mod money;
pub mod rings;
pub mod runs;
pub mod thresholds;
pub mod ties;
pub mod victim;

pub use evidence::{Evidence, EvidenceEdge, EvidenceNode};

use crate::graph::{Graph, GraphError};
use std::time::Instant;

#[derive(Debug, thiserror::Error)]
pub enum DetectError {
    #[error(transparent)]
    Graph(#[from] GraphError),
    #[error("{field}: {reason}")]
    BadParams { field: String, reason: String },
    /// Another detection run holds the lock.
    #[error("detection run {0} is in progress; retry when it completes (see detectionRuns)")]
    Conflict(String),
}

impl DetectError {
    pub fn bad(field: impl Into<String>, reason: impl Into<String>) -> Self {
        DetectError::BadParams {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

impl From<DetectError> for crate::error::AppError {
    fn from(e: DetectError) -> Self {
        match e {
            DetectError::Graph(g) => g.into(),
            DetectError::BadParams { field, reason } => {
                crate::error::AppError::BadInput { field, reason }
            }
            DetectError::Conflict(run) => crate::error::AppError::Conflict(format!(
                "detection run {run} is in progress; retry when it completes (see detectionRuns)"
            )),
        }
    }
}

/// The most resident memory this process has held so far, in MiB (Linux's VmHWM; 0
/// elsewhere): logged after each detection phase, it shows which phase sets the peak.
pub fn peak_rss_mib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
            line.split_whitespace().nth(1)?.parse::<u64>().ok()
        })
        .map_or(0, |kib| kib / 1024)
}

/// The batch detectors `detect` runs, in order (extortion and insider use ring membership).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Detector {
    Rings,
    Extortion,
    Insider,
}

impl Detector {
    pub const ALL: [Detector; 3] = [Detector::Rings, Detector::Extortion, Detector::Insider];

    pub fn name(self) -> &'static str {
        match self {
            Detector::Rings => "rings",
            Detector::Extortion => "extortion",
            Detector::Insider => "insider",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.name() == s)
    }
}

/// What one detector run found.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RunSummary {
    pub run_id: String,
    pub detector: &'static str,
    pub found: u64,
    pub seconds: f64,
}

/// Recomputes the given detectors' findings as one detection run (see [`runs`]): refused with
/// [`DetectError::Conflict`] while another runs; readers see the previous complete run until
/// this one completes; on failure nothing it wrote becomes visible. `actor` is who asked.
#[tracing::instrument(skip(graph))]
pub async fn run(
    graph: &Graph,
    which: &[Detector],
    actor: &str,
) -> Result<Vec<RunSummary>, DetectError> {
    let detectors: Vec<Detector> = Detector::ALL
        .into_iter()
        .filter(|d| which.contains(d))
        .collect();
    let names: Vec<&str> = detectors.iter().map(|d| d.name()).collect();
    let params = serde_json::json!({
        "rings": format!("{:?}", rings::RingParams::default()),
        "extortion": format!("{:?}", extortion::IncidentParams::default()),
        "insider": format!("{:?}", insider::InsiderParams::default()),
    })
    .to_string();
    let held = start_run(graph, &names, &params, actor).await?;
    let run_id = held.id.clone();
    tracing::info!(run = %run_id, detectors = ?names, "detection run started");
    let outcome = run_detectors(graph, &detectors, &run_id).await;
    finish_run(graph, held, &names, outcome).await
}

/// Takes the detection lock and records a run in progress (`CONFLICT` while another runs).
pub(crate) async fn start_run(
    graph: &Graph,
    names: &[&str],
    params: &str,
    actor: &str,
) -> Result<runs::Held, DetectError> {
    runs::start(graph, names, params, actor)
        .await
        .map_err(|e| match e {
            runs::StartError::Busy(id) => DetectError::Conflict(id),
            runs::StartError::Graph(g) => DetectError::Graph(g),
        })
}

/// Completes the run with what its detectors found (readers switch to it), or marks it
/// failed (readers keep the previous findings).
pub(crate) async fn finish_run(
    graph: &Graph,
    held: runs::Held,
    names: &[&str],
    outcome: Result<Vec<RunSummary>, DetectError>,
) -> Result<Vec<RunSummary>, DetectError> {
    let run_id = held.id.clone();
    match outcome {
        Ok(out) => {
            let counts: serde_json::Map<String, serde_json::Value> = out
                .iter()
                .map(|s| (s.detector.to_string(), s.found.into()))
                .collect();
            let counts = serde_json::Value::Object(counts).to_string();
            runs::complete(graph, held, names, &counts).await?;
            tracing::info!(run = %run_id, "detection run complete");
            Ok(out)
        }
        Err(e) => {
            tracing::error!(run = %run_id, error = %e, "detection run failed; the previous findings stay");
            runs::fail(graph, held, names, &e.to_string()).await;
            Err(e)
        }
    }
}

/// The shared victim-side projection, loaded on first use.
async fn victim_side<'a>(
    graph: &Graph,
    side: &'a mut Option<victim::VictimSide>,
) -> Result<&'a mut victim::VictimSide, DetectError> {
    if side.is_none() {
        *side = Some(victim::VictimSide::load(graph).await?);
    }
    Ok(side.as_mut().expect("loaded above"))
}

pub(crate) async fn run_detectors(
    graph: &Graph,
    detectors: &[Detector],
    run_id: &str,
) -> Result<Vec<RunSummary>, DetectError> {
    // Later detectors read this run's rings when it recomputes them, else the current ones.
    let rings_run = detectors.contains(&Detector::Rings).then_some(run_id);
    // rings and extortion share one victim-side projection, loaded by the first that runs
    // (its time counts to that detector) and dropped after the last
    let mut side: Option<victim::VictimSide> = None;
    let mut out = Vec::new();
    for &d in detectors {
        let started = Instant::now();
        let found = match d {
            Detector::Rings => {
                let v = victim_side(graph, &mut side).await?;
                let n = rings::run(graph, &rings::RingParams::default(), run_id, v).await?;
                if !detectors.contains(&Detector::Extortion) {
                    side = None;
                }
                n
            }
            Detector::Extortion => {
                let p = extortion::IncidentParams::default();
                let v = victim_side(graph, &mut side).await?;
                let n = extortion::run(graph, &p, run_id, rings_run, v).await?;
                side = None;
                n
            }
            Detector::Insider => {
                let p = insider::InsiderParams::default();
                insider::run(graph, &p, run_id, rings_run).await?
            }
        };
        let summary = RunSummary {
            run_id: run_id.to_string(),
            detector: d.name(),
            found,
            seconds: started.elapsed().as_secs_f64(),
        };
        tracing::info!(
            detector = summary.detector,
            found,
            seconds = summary.seconds,
            peak_rss_mib = peak_rss_mib(),
            "detector finished"
        );
        out.push(summary);
    }
    Ok(out)
}
