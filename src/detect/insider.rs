//! Insider rating-removal tracing (placeholder until the detector lands: finds nothing).
use super::DetectError;
use crate::graph::Graph;

#[derive(Debug, Clone, Default)]
pub struct InsiderParams {}

pub async fn run(_graph: &Graph, _params: &InsiderParams) -> Result<u64, DetectError> {
    Ok(0)
}
