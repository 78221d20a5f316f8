//! Extortion incidents (placeholder until the detector lands: finds nothing).
use super::DetectError;
use crate::graph::Graph;

#[derive(Debug, Clone, Default)]
pub struct IncidentParams {}

pub async fn run(_graph: &Graph, _params: &IncidentParams) -> Result<u64, DetectError> {
    Ok(0)
}
