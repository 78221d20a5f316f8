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
    /// `full`, or `incremental` (`detect(since:)`: only what records since then touched was
    /// recomputed; the rest was carried over from `basedOn`).
    fn mode(&self) -> &str {
        &self.0.mode
    }
    /// An incremental run's `since`, RFC 3339 (UTC).
    fn since(&self) -> Option<String> {
        self.0.since.map(|t| Timestamp(t).rfc3339())
    }
    /// The run an incremental run carried its untouched findings from.
    fn based_on(&self) -> Option<&str> {
        self.0.based_on.as_deref()
    }
    /// Accounts in an incremental run's scope (their rings were recomputed).
    fn scope_accounts(&self) -> Option<i32> {
        self.0.scope_accounts.map(|n| n.min(i32::MAX as i64) as i32)
    }
    /// Shops in an incremental run's scope (their rings and incidents were recomputed).
    fn scope_shops(&self) -> Option<i32> {
        self.0.scope_shops.map(|n| n.min(i32::MAX as i64) as i32)
    }
    /// Findings an incremental run carried over unchanged from `basedOn`, per detector, as
    /// JSON (`{"rings": 76, "extortion": 110}`); the rest it recomputed.
    fn carried(&self) -> Option<&str> {
        self.0.carried.as_deref()
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
