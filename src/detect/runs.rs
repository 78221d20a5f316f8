//! Detection runs: each `detect` gets an id, start and end times, its parameters, the program
//! version and who started it. Its findings are written under its id beside the last complete
//! run's, and become the ones readers see in one transaction when the run completes (a
//! `FindingsPointer` per detector). One run at a time per database: a lease-based lock that
//! every server process respects; a second `detect` is refused with `CONFLICT`. Findings of
//! runs older than the previous complete one are purged afterwards.

use crate::access::now_ms;
use crate::graph::{queries as q, Graph, GraphError, Params};
use serde::Deserialize;
use std::time::Duration;

/// How long a lock lives without renewal (a crashed process's run stops blocking after this).
const LEASE: Duration = Duration::from_secs(60);
const RENEW_EVERY: Duration = Duration::from_secs(15);
const LIMIT: Duration = Duration::from_secs(30);

/// A finding as stored, with the run that produced it. Dereferences to the finding.
#[derive(Debug, Clone)]
pub struct Stored<T> {
    pub run_id: String,
    pub finding: T,
}

impl<T> std::ops::Deref for Stored<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.finding
    }
}

/// A stored run.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunRecord {
    pub id: String,
    pub started_at: i64,
    pub finished_at: Option<i64>,
    /// `RUNNING`, `COMPLETE` or `FAILED`.
    pub status: String,
    pub detectors: Vec<String>,
    /// The detectors' parameters, as JSON.
    pub params: String,
    pub version: String,
    pub actor: String,
    /// `{detector: found}` as JSON, once complete.
    pub counts: Option<String>,
    pub error: Option<String>,
    /// `full`, or `incremental` (`detect --since`; see [`crate::detect::incremental`]).
    pub mode: String,
    /// An incremental run's `since` (epoch ms).
    pub since: Option<i64>,
    /// The run whose findings outside its scope an incremental run carried over.
    pub based_on: Option<String>,
    /// How many accounts and shops an incremental run's scope held.
    pub scope_accounts: Option<i64>,
    pub scope_shops: Option<i64>,
    /// `{detector: findings carried over from based_on}` as JSON (incremental runs).
    pub carried: Option<String>,
    /// Detectors whose findings readers see from this run.
    pub current: Vec<String>,
}

/// A run in progress, holding the lock.
pub struct Held {
    pub id: String,
    renew: tokio::task::JoinHandle<()>,
}

impl Drop for Held {
    fn drop(&mut self) {
        self.renew.abort();
    }
}

/// Why a run could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("detection run {0} is in progress; retry when it completes")]
    Busy(String),
    #[error(transparent)]
    Graph(#[from] GraphError),
}

/// A new run id: time-ordered, unique across processes.
pub fn new_id() -> String {
    let t = chrono::Utc::now().format("%Y%m%dT%H%M%S%3fZ");
    format!("run-{t}-{}", &crate::access::random_hex()[..6])
}

/// Takes the lock and records the run as started.
pub async fn start(
    graph: &Graph,
    detectors: &[&str],
    params: &str,
    actor: &str,
) -> Result<Held, StartError> {
    let id = new_id();
    let holder: Vec<String> = graph
        .column(
            &q::DETECTION_LOCK_ACQUIRE,
            Params::new()
                .with("runId", id.as_str())
                .with("now", now_ms())
                .with("lease", LEASE.as_millis() as i64),
            "holder",
            LIMIT,
        )
        .await?;
    match holder.first() {
        Some(h) if *h == id => {}
        Some(other) => return Err(StartError::Busy(other.clone())),
        None => return Err(StartError::Busy("unknown".into())),
    }
    let renew = {
        let graph = graph.clone();
        let id = id.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(RENEW_EVERY).await;
                let p = Params::new()
                    .with("runId", id.as_str())
                    .with("now", now_ms())
                    .with("lease", LEASE.as_millis() as i64);
                if let Err(e) = graph.run(&q::DETECTION_LOCK_RENEW, p).await {
                    tracing::warn!(error = %e, run = %id, "could not renew the detection lock");
                }
            }
        })
    };
    let held = Held { id, renew };
    let detectors: Vec<String> = detectors.iter().map(|d| d.to_string()).collect();
    graph
        .run(
            &q::DETECTION_RUN_START,
            Params::new()
                .with("id", held.id.as_str())
                .with("startedAt", now_ms())
                .with("detectors", detectors)
                .with("params", params)
                .with("version", env!("CARGO_PKG_VERSION"))
                .with("actor", actor),
        )
        .await?;
    Ok(held)
}

/// Completes the run: its findings become current for `detectors`, in one transaction. Then
/// releases the lock and purges findings older than the previous run.
pub async fn complete(
    graph: &Graph,
    held: Held,
    detectors: &[&str],
    counts: &str,
) -> Result<(), GraphError> {
    let detectors_owned: Vec<String> = detectors.iter().map(|d| d.to_string()).collect();
    graph
        .run(
            &q::DETECTION_RUN_COMPLETE,
            Params::new()
                .with("runId", held.id.as_str())
                .with("finishedAt", now_ms())
                .with("counts", counts)
                .with("detectors", detectors_owned),
        )
        .await?;
    release(graph, &held).await;
    for d in detectors {
        if let Err(e) = purge(graph, d).await {
            tracing::warn!(error = %e, detector = d, "purging old findings failed; the next run retries");
        }
    }
    Ok(())
}

/// Marks the run failed (readers keep the last complete run), releases the lock and removes
/// what it wrote.
pub async fn fail(graph: &Graph, held: Held, detectors: &[&str], error: &str) {
    let p = Params::new()
        .with("runId", held.id.as_str())
        .with("finishedAt", now_ms())
        .with("error", error);
    if let Err(e) = graph.run(&q::DETECTION_RUN_FAIL, p).await {
        tracing::warn!(error = %e, run = %held.id, "could not mark the run failed");
    }
    release(graph, &held).await;
    for d in detectors {
        let _ = purge(graph, d).await;
    }
}

async fn release(graph: &Graph, held: &Held) {
    let p = Params::new().with("runId", held.id.as_str());
    if let Err(e) = graph.run(&q::DETECTION_LOCK_RELEASE, p).await {
        tracing::warn!(error = %e, run = %held.id, "could not release the detection lock; it expires with its lease");
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Current {
    run_id: Option<String>,
    previous_run_id: Option<String>,
}

/// The run whose findings of `detector` readers see.
pub async fn current(graph: &Graph, detector: &str) -> Result<Option<String>, GraphError> {
    let c: Option<Current> = graph
        .row(
            &q::DETECTION_CURRENT_RUN,
            Params::new().with("detector", detector),
            LIMIT,
        )
        .await?;
    Ok(c.and_then(|c| c.run_id))
}

/// Deletes findings of `detector` from runs other than the current and the previous one (and,
/// for extortion, those runs' chain pairs).
async fn purge(graph: &Graph, detector: &str) -> Result<(), GraphError> {
    let c: Option<Current> = graph
        .row(
            &q::DETECTION_CURRENT_RUN,
            Params::new().with("detector", detector),
            LIMIT,
        )
        .await?;
    let keep: Vec<String> = c
        .map(|c| c.run_id.into_iter().chain(c.previous_run_id).collect())
        .unwrap_or_default();
    if detector == "extortion" {
        graph
            .run(
                &q::DETECTION_RUN_CHAIN_PAIRS_PURGE,
                Params::new().with("keep", keep.clone()),
            )
            .await?;
    }
    let query = match detector {
        "rings" => &q::RINGS_PURGE,
        "extortion" => &q::INCIDENTS_PURGE,
        "insider" => &q::INSIDER_PURGE,
        _ => return Ok(()),
    };
    loop {
        let n: Vec<i64> = graph
            .column(
                query,
                Params::new()
                    .with("keep", keep.clone())
                    .with("limit", 5_000i64),
                "deleted",
                Duration::from_secs(120),
            )
            .await?;
        if n.first().copied().unwrap_or(0) == 0 {
            return Ok(());
        }
    }
}

/// Runs, newest first.
pub async fn list(graph: &Graph, skip: i64, limit: i64) -> Result<Vec<RunRecord>, GraphError> {
    graph
        .rows(
            &q::DETECTION_RUNS_LIST,
            Params::new().with("skip", skip).with("limit", limit),
            LIMIT,
        )
        .await
}
