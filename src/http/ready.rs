//! Ready means ready: `/readyz` answers 200 only once the schema's indexes are online, every
//! detector has a complete run to read (or the graph is empty), and the heavy on-demand
//! queries — lineage and insider traces, the findings lists — have run once, so Neo4j has
//! planned them and paged in what they touch. No analyst's first query pays for a cold start.

use crate::detect::{insider, lineage, rings, runs, Detector};
use crate::graph::read::{Reader, Slice};
use crate::graph::{queries as q, Graph, Params};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Where start-up stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Stage {
    Schema = 0,
    Findings = 1,
    WarmUp = 2,
    Ready = 3,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Schema => "waiting for the schema's indexes",
            Stage::Findings => "waiting for a complete detection run (investigator detect)",
            Stage::WarmUp => "warming up lineage and trace queries",
            Stage::Ready => "ready",
        }
    }
}

#[derive(Default)]
pub struct Readiness(AtomicU8);

impl Readiness {
    pub fn stage(&self) -> Stage {
        match self.0.load(Ordering::Acquire) {
            0 => Stage::Schema,
            1 => Stage::Findings,
            2 => Stage::WarmUp,
            _ => Stage::Ready,
        }
    }

    fn set(&self, s: Stage) {
        self.0.store(s as u8, Ordering::Release);
    }
}

/// Brings the server to ready, in the background; retries while Neo4j is unreachable.
pub fn start(graph: Graph, ready: Arc<Readiness>, query_limit: Duration) {
    tokio::spawn(async move {
        let started = Instant::now();
        loop {
            match bring_up(&graph, &ready, query_limit).await {
                Ok(()) => break,
                Err(e) => {
                    tracing::warn!(error = %e, stage = ready.stage().as_str(), "not ready yet");
                    tokio::time::sleep(Duration::from_secs(2)).await;
                }
            }
        }
        tracing::info!(
            seconds = format!("{:.1}", started.elapsed().as_secs_f64()),
            "ready: schema online, findings stored, queries warm"
        );
    });
}

async fn bring_up(
    graph: &Graph,
    ready: &Readiness,
    limit: Duration,
) -> Result<(), crate::detect::DetectError> {
    ready.set(Stage::Schema);
    graph.run(&q::ADMIN_AWAIT_INDEXES, Params::new()).await?;
    ready.set(Stage::Findings);
    let reader = Reader::new(graph.clone(), limit);
    let mut told = false;
    loop {
        let mut missing = Vec::new();
        for d in Detector::ALL {
            if runs::current(graph, d.name()).await?.is_none() {
                missing.push(d.name());
            }
        }
        if missing.is_empty() || reader.counts().await?.accounts == 0 {
            break;
        }
        if !told {
            tracing::info!(
                ?missing,
                "waiting for a complete detection run before reporting ready"
            );
            told = true;
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    ready.set(Stage::WarmUp);
    warm_up(graph, &reader, limit).await;
    ready.set(Stage::Ready);
    Ok(())
}

/// Plans the one-statement lookups, then runs what analysts open first: the findings lists, lineage from the top rings' members,
/// the top insider suspect's trace, those accounts' neighbourhoods. Failures are logged, not
/// fatal (a slow first trace is better than never being ready).
async fn warm_up(graph: &Graph, reader: &Reader, limit: Duration) {
    let started = Instant::now();
    // Planning is not what a statement's budget is for: a generous limit here.
    let generous = Reader::new(graph.clone(), limit.max(Duration::from_secs(30)));
    if let Err(e) = generous.plan_lookups().await {
        tracing::warn!(error = %e, "warm-up: planning the lookups failed");
    }
    let slice = Slice { skip: 0, limit: 20 };
    let filter = rings::RingFilter::default();
    let mut starts: Vec<String> = Vec::new();
    match rings::list(graph, &filter, slice).await {
        Ok(found) => {
            for r in found.iter().take(3) {
                starts.extend(r.members.iter().take(3).map(|m| m.account_id.clone()));
            }
        }
        Err(e) => tracing::warn!(error = %e, "warm-up: rings list failed"),
    }
    let _ = crate::detect::extortion::list(graph, &Default::default(), slice).await;
    let suspects = insider::list(graph, 0.0, slice).await.unwrap_or_default();
    let params = lineage::LineageParams {
        time_limit: limit.max(Duration::from_secs(30)),
        ..lineage::LineageParams::default()
    };
    let mut traces = 0;
    for id in &starts {
        let start = lineage::LineageStart::Account(id.clone());
        match lineage::trace(graph, &start, &params).await {
            Ok(_) => traces += 1,
            Err(e) => tracing::warn!(error = %e, account = %id, "warm-up: lineage failed"),
        }
        let _ = reader.account(id).await;
        let _ = reader.identifiers(id).await;
    }
    if let Some(s) = suspects.first() {
        if let Err(e) =
            insider::trace(graph, &s.employee_id, &insider::InsiderParams::default()).await
        {
            tracing::warn!(error = %e, "warm-up: removal trace failed");
        }
    }
    tracing::info!(
        lineage_traces = traces,
        insider_traces = suspects.len().min(1),
        millis = started.elapsed().as_millis() as u64,
        "warm-up done"
    );
}
