//! Detection runs as the API shows them (`detectionRuns`).

use super::Context;
use crate::connection;
use crate::detect::runs::{self, RunRecord};
use crate::error::AppResult;
use crate::model::Timestamp;
use juniper::graphql_object;

pub struct DetectionRun(pub RunRecord);

connection!(DetectionRunConnection, DetectionRunEdge, DetectionRun);

#[graphql_object(context = Context)]
impl DetectionRun {
    fn id(&self) -> &str {
        &self.0.id
    }
    /// RFC 3339, UTC.
    fn started_at(&self) -> String {
        Timestamp(self.0.started_at).rfc3339()
    }
    fn finished_at(&self) -> Option<String> {
        self.0.finished_at.map(|t| Timestamp(t).rfc3339())
    }
    /// `RUNNING`, `COMPLETE` or `FAILED`.
    fn status(&self) -> &str {
        &self.0.status
    }
    fn detectors(&self) -> &[String] {
        &self.0.detectors
    }
    /// The detectors' parameters, as JSON.
    fn params(&self) -> &str {
        &self.0.params
    }
    /// The investigator version that ran it.
    fn version(&self) -> &str {
        &self.0.version
    }
    /// Who started it (token name, or `cli`).
    fn actor(&self) -> &str {
        &self.0.actor
    }
    /// Findings stored per detector, as JSON (`{"rings": 2, …}`), once complete.
    fn counts(&self) -> Option<&str> {
        self.0.counts.as_deref()
    }
    fn error(&self) -> Option<&str> {
        self.0.error.as_deref()
    }
    /// Detectors whose findings readers currently see from this run.
    fn current_for(&self) -> &[String] {
        &self.0.current
    }
}

pub async fn list(
    ctx: &Context,
    first: Option<i32>,
    after: Option<String>,
) -> AppResult<DetectionRunConnection> {
    let page = ctx.page(first, after.as_deref())?;
    let s = page.slice();
    let rows = runs::list(&ctx.graph, s.skip, s.limit).await?;
    Ok(DetectionRunConnection::from_rows(&page, rows, DetectionRun))
}
