//! Ring detection (placeholder until the detector lands: finds nothing).
use super::DetectError;
use crate::graph::Graph;

#[derive(Debug, Clone, Default)]
pub struct RingParams {}

pub async fn run(_graph: &Graph, _params: &RingParams) -> Result<u64, DetectError> {
    Ok(0)
}
