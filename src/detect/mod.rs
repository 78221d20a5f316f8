//! Detectors: one module per investigative capability. A detector takes a graph handle and
//! validated parameters and returns domain values with their [`Evidence`]; it knows nothing
//! of HTTP or GraphQL. Batch detectors (`rings`, `extortion`, `insider`) store their findings
//! in the graph through [`run`]; `lineage` answers on demand.

pub mod evidence;
pub mod extortion;
pub mod insider;
pub mod lineage;
pub mod money;
pub mod rings;
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
        }
    }
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
    pub detector: &'static str,
    pub found: u64,
    pub seconds: f64,
}

/// Recomputes the given detectors' stored findings, in dependency order.
#[tracing::instrument(skip(graph))]
pub async fn run(graph: &Graph, which: &[Detector]) -> Result<Vec<RunSummary>, DetectError> {
    let mut out = Vec::new();
    for d in Detector::ALL.into_iter().filter(|d| which.contains(d)) {
        let started = Instant::now();
        let found = match d {
            Detector::Rings => rings::run(graph, &rings::RingParams::default()).await?,
            Detector::Extortion => {
                extortion::run(graph, &extortion::IncidentParams::default()).await?
            }
            Detector::Insider => insider::run(graph, &insider::InsiderParams::default()).await?,
        };
        let summary = RunSummary {
            detector: d.name(),
            found,
            seconds: started.elapsed().as_secs_f64(),
        };
        tracing::info!(
            detector = summary.detector,
            found,
            seconds = summary.seconds,
            "detector finished"
        );
        out.push(summary);
    }
    Ok(out)
}
