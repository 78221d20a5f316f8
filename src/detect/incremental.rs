//! Incremental detection (`detect --since T`, the `detect(since:)` mutation): after a day of
//! records, recompute only the findings those records can change and carry the rest over
//! from the last complete run, as one new run (same lock, same pointer flip, same purge).
//!
//! **What is "new".** Records whose own time (`postedAt`, `at`, `sentAt`, a link's
//! `firstSeen`/`lastSeen`, an event's `at`) is at or after `since`. The loader stamps no
//! ingestion time, and the detectors' windows are over these times anyway; a record that
//! arrives late with an old time is only seen by a full run (run one after back-filling).
//!
//! **Scope** ([`Touched`] → [`rings_scope`] → [`incidents_scope`]):
//! - *rings*: the shops whose negative reviews are reloaded (`S`) and the accounts whose
//!   negative reviews must all be in (`A`). Seeds: new negative reviews (author, shop),
//!   new private transfers (both parties; the payer's shops), new messages and retractions
//!   (the owner's shop). Every previous ring naming an anchor (any party of a new record, or
//!   an account sharing a newly linked identifier) or a shop of `S` is recomputed whole: its
//!   members join `A` and its shops `S`; `S` takes every shop `A` panned and the shops panned
//!   by accounts `A` paid (paid panning). The rings detector then runs over `S`; while a ring
//!   it finds has a member outside `A` (the ring grew or merged), that member joins and the
//!   scope is run again, so a component is never cut.
//! - *incidents*: shops with new negative reviews, owner transfers, owner messages or
//!   retractions, and the shops where an anchor or a member of a recomputed or dropped ring
//!   could be reviewer, payee or contact; closed under "an owner paid the same payee"
//!   (the payee rule couples those incidents).
//! - *insider suspects* are always recomputed whole: each is scored against the median of all
//!   staff, and the whole ranking takes a few seconds even at 1M accounts.
//!
//! Without a previous complete run of every detector, or when a scope stops converging, the
//! run is a full one, and the log says so. `tests/integration/incremental.rs` compares an
//! incremental run's findings with a full run's.

use super::rings::paid::PANNING_MAX_RATING;
use super::victim::{Scope, NEGATIVE_MAX_RATING};
use super::{extortion, insider, rings, runs, DetectError, Detector, RunSummary};
use crate::graph::{queries as q, Graph, Params};
use serde::Deserialize;
use std::collections::{BTreeSet, HashSet};
use std::time::{Duration, Instant};

const LIMIT: Duration = Duration::from_secs(300);
/// Identifiers shared by more accounts are hubs: a new user of one anchors nobody else.
const HUB_MAX_FACTOR: i64 = 5;
/// Re-runs of the rings scope before giving up and running everything.
const MAX_ROUNDS: usize = 6;
/// Past this share of all shops an incremental run saves nothing; run everything.
const MAX_SHOP_SHARE: f64 = 0.5;

/// What records at or after `since` touch.
#[derive(Debug, Default)]
pub struct Touched {
    /// Accounts whose negative reviews must all be reloaded.
    pub authors: BTreeSet<String>,
    /// Accounts whose findings must be recomputed (includes `authors`).
    pub anchors: BTreeSet<String>,
    pub shops: BTreeSet<String>,
}

#[derive(Deserialize)]
struct KindRow {
    kind: String,
    id: String,
}

#[derive(Deserialize)]
struct ShopRow {
    #[serde(rename = "shopId")]
    shop_id: String,
}

#[derive(Debug, Clone, Deserialize)]
struct PrevRing {
    id: String,
    members: Vec<String>,
    shops: Vec<String>,
}

impl Touched {
    pub async fn load(graph: &Graph, since: i64) -> Result<Self, DetectError> {
        let hub_max =
            crate::detect::thresholds::current().rare_identifier_max_accounts * HUB_MAX_FACTOR;
        let p = Params::new()
            .with("since", since)
            .with("maxRating", PANNING_MAX_RATING)
            .with("hubMax", hub_max);
        let mut t = Touched::default();
        graph
            .for_each_row(&q::INCREMENTAL_TOUCHED, p, |r: KindRow| {
                match r.kind.as_str() {
                    "author" => {
                        t.anchors.insert(r.id.clone());
                        t.authors.insert(r.id);
                    }
                    "anchor" => {
                        t.anchors.insert(r.id);
                    }
                    _ => {
                        t.shops.insert(r.id);
                    }
                }
            })
            .await?;
        Ok(t)
    }
}

async fn shops_of(
    graph: &Graph,
    query: &crate::graph::Cypher<'static>,
    p: Params,
) -> Result<Vec<String>, DetectError> {
    let mut out = Vec::new();
    graph
        .for_each_row(query, p, |r: ShopRow| out.push(r.shop_id))
        .await?;
    Ok(out)
}

/// Shops `ids` panned, and shops panned by accounts `ids` paid (see `incremental_negative_shops`).
async fn panned_shops(graph: &Graph, ids: &[String]) -> Result<Vec<String>, DetectError> {
    let mut out = Vec::new();
    for chunk in ids.chunks(5_000) {
        let p = Params::new()
            .with("ids", chunk.to_vec())
            .with("maxRating", PANNING_MAX_RATING)
            .with(
                "floor",
                crate::detect::thresholds::current().commerce_floor_minor,
            );
        out.extend(shops_of(graph, &q::INCREMENTAL_NEGATIVE_SHOPS, p).await?);
    }
    Ok(out)
}

/// Adds every shop of the owners of `shops` not yet closed (`closed` remembers which were);
/// true when `shops` grew.
async fn close_over_owners(
    graph: &Graph,
    shops: &mut BTreeSet<String>,
    closed: &mut HashSet<String>,
) -> Result<bool, DetectError> {
    let open: Vec<String> = shops
        .iter()
        .filter(|s| !closed.contains(*s))
        .cloned()
        .collect();
    let mut grew = false;
    for chunk in open.chunks(5_000) {
        let p = Params::new().with("shops", chunk.to_vec());
        for s in shops_of(graph, &q::INCREMENTAL_OWNER_MATES, p).await? {
            closed.insert(s.clone());
            grew |= shops.insert(s);
        }
    }
    closed.extend(open);
    Ok(grew)
}

/// The rings scope after expansion, with the rings recomputed in it.
pub struct RingsOutcome {
    pub accounts: BTreeSet<String>,
    pub shops: BTreeSet<String>,
    pub rings: Vec<rings::Ring>,
    /// Previous rings replaced (recomputed or gone).
    pub dropped: Vec<String>,
    /// Members of dropped and recomputed rings: their incidents' ring ties may change.
    pub changed_members: BTreeSet<String>,
}

/// Expands the rings scope to closure and recomputes the rings in it; None when it does not
/// converge or grows past [`MAX_SHOP_SHARE`].
async fn rings_scope(
    graph: &Graph,
    touched: &Touched,
    prev: &[PrevRing],
    total_shops: usize,
) -> Result<Option<RingsOutcome>, DetectError> {
    let mut accounts: BTreeSet<String> = BTreeSet::new();
    let mut shops: BTreeSet<String> = touched.shops.clone();
    let mut anchors: HashSet<String> = touched.anchors.iter().cloned().collect();
    let mut pending: Vec<String> = touched.authors.iter().cloned().collect();
    let mut dropped: HashSet<usize> = HashSet::new();
    let mut owners_closed: HashSet<String> = HashSet::new();
    let params = rings::RingParams::default();
    for round in 0..MAX_ROUNDS {
        // expand: previous rings naming an anchor or a scoped shop come in whole, and every
        // account in scope brings the shops it (or a reviewer it paid) panned
        loop {
            let mut grew = false;
            for (i, r) in prev.iter().enumerate() {
                if dropped.contains(&i) {
                    continue;
                }
                if r.members
                    .iter()
                    .any(|m| anchors.contains(m) || accounts.contains(m))
                    || r.shops.iter().any(|s| shops.contains(s))
                {
                    dropped.insert(i);
                    grew = true;
                    for m in &r.members {
                        anchors.insert(m.clone());
                        if !accounts.contains(m) {
                            pending.push(m.clone());
                        }
                    }
                    shops.extend(r.shops.iter().cloned());
                }
            }
            pending.retain(|a| !accounts.contains(a));
            pending.sort();
            pending.dedup();
            if !pending.is_empty() {
                let found = panned_shops(graph, &pending).await?;
                accounts.extend(pending.drain(..));
                shops.extend(found);
                // new accounts may name previous rings: check them again
                grew = true;
            }
            grew |= close_over_owners(graph, &mut shops, &mut owners_closed).await?;
            if !grew {
                break;
            }
        }
        if shops.len() as f64 > MAX_SHOP_SHARE * total_shops as f64 {
            tracing::warn!(
                shops = shops.len(),
                total_shops,
                "incremental rings scope covers most shops"
            );
            return Ok(None);
        }
        let scope = Scope {
            shops: shops.iter().cloned().collect(),
        };
        let found = rings::detect_in(graph, &params, Some(&scope)).await?;
        // a ring with a member outside the scope may be cut: widen and run again
        let outside: BTreeSet<String> = found
            .iter()
            .flat_map(|r| r.members.iter().map(|m| m.account_id.clone()))
            .filter(|m| !accounts.contains(m))
            .collect();
        tracing::info!(
            round,
            accounts = accounts.len(),
            shops = shops.len(),
            rings = found.len(),
            members_outside = outside.len(),
            "incremental rings scope"
        );
        if outside.is_empty() {
            let mut changed_members: BTreeSet<String> = found
                .iter()
                .flat_map(|r| r.members.iter().map(|m| m.account_id.clone()))
                .collect();
            for &i in &dropped {
                changed_members.extend(prev[i].members.iter().cloned());
            }
            return Ok(Some(RingsOutcome {
                accounts,
                shops,
                rings: found,
                dropped: dropped.iter().map(|&i| prev[i].id.clone()).collect(),
                changed_members,
            }));
        }
        for m in outside {
            anchors.insert(m.clone());
            pending.push(m);
        }
    }
    tracing::warn!(
        rounds = MAX_ROUNDS,
        "incremental rings scope did not converge"
    );
    Ok(None)
}

/// The shops whose incidents are recomputed, closed under shared payees; None past
/// [`MAX_SHOP_SHARE`].
async fn incidents_scope(
    graph: &Graph,
    touched: &Touched,
    changed_members: &BTreeSet<String>,
    total_shops: usize,
) -> Result<Option<BTreeSet<String>>, DetectError> {
    let mut shops: BTreeSet<String> = touched.shops.clone();
    let ids: Vec<String> = touched
        .anchors
        .iter()
        .chain(changed_members)
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    for chunk in ids.chunks(5_000) {
        let p = Params::new()
            .with("ids", chunk.to_vec())
            .with("maxRating", NEGATIVE_MAX_RATING);
        shops.extend(shops_of(graph, &q::INCREMENTAL_OWNER_SHOPS, p).await?);
    }
    close_over_owners(graph, &mut shops, &mut HashSet::new()).await?;
    let mut frontier: Vec<String> = shops.iter().cloned().collect();
    while !frontier.is_empty() {
        if shops.len() as f64 > MAX_SHOP_SHARE * total_shops as f64 {
            return Ok(None);
        }
        let mut next = Vec::new();
        for chunk in frontier.chunks(5_000) {
            let p = Params::new().with("shops", chunk.to_vec());
            for s in shops_of(graph, &q::INCREMENTAL_COPAYER_SHOPS, p).await? {
                if shops.insert(s.clone()) {
                    next.push(s);
                }
            }
        }
        // (a co-payer comes with all its shops: the scope stays closed over owners)
        frontier = next;
    }
    Ok(Some(shops))
}

async fn total_shops(graph: &Graph) -> Result<usize, DetectError> {
    #[derive(Deserialize)]
    struct Counts {
        shops: i64,
    }
    let c: Option<Counts> = graph.row(&q::GRAPH_COUNTS, Params::new(), LIMIT).await?;
    Ok(c.map_or(0, |c| c.shops.max(0) as usize))
}

/// Runs every detector incrementally over what records at or after `since` (epoch ms) touch
/// (see the module docs); falls back to a full [`super::run`] when it cannot.
#[tracing::instrument(skip(graph))]
pub async fn run(graph: &Graph, actor: &str, since: i64) -> Result<Vec<RunSummary>, DetectError> {
    let mut prev_runs = Vec::new();
    for d in Detector::ALL {
        prev_runs.push(runs::current(graph, d.name()).await?);
    }
    let (Some(prev_rings), Some(prev_incidents)) = (prev_runs[0].clone(), prev_runs[1].clone())
    else {
        tracing::warn!("no previous complete run of every detector: running a full detection instead of an incremental one");
        return super::run(graph, &Detector::ALL, actor).await;
    };
    if prev_runs[2].is_none() {
        tracing::warn!("no previous complete insider run: running a full detection instead of an incremental one");
        return super::run(graph, &Detector::ALL, actor).await;
    }
    let names: Vec<&str> = Detector::ALL.iter().map(|d| d.name()).collect();
    let params = serde_json::json!({
        "mode": "incremental",
        "since": crate::model::Timestamp(since).rfc3339(),
        "basedOn": prev_rings,
        "rings": format!("{:?}", rings::RingParams::default()),
        "extortion": format!("{:?}", extortion::IncidentParams::default()),
        "insider": format!("{:?}", insider::InsiderParams::default()),
    })
    .to_string();
    let held = runs::start(graph, &names, &params, actor)
        .await
        .map_err(|e| match e {
            runs::StartError::Busy(id) => DetectError::Conflict(id),
            runs::StartError::Graph(g) => DetectError::Graph(g),
        })?;
    let run_id = held.id.clone();
    tracing::info!(run = %run_id, since, based_on = %prev_rings, "incremental detection run started");
    match run_incremental(graph, &run_id, since, &prev_rings, &prev_incidents).await {
        Ok(Some(out)) => {
            let counts: serde_json::Map<String, serde_json::Value> = out
                .iter()
                .map(|s| (s.detector.to_string(), s.found.into()))
                .collect();
            let counts = serde_json::Value::Object(counts).to_string();
            runs::complete(graph, held, &names, &counts).await?;
            tracing::info!(run = %run_id, "incremental detection run complete");
            Ok(out)
        }
        Ok(None) => {
            runs::fail(
                graph,
                held,
                &names,
                "scope too wide; replaced by a full run",
            )
            .await;
            tracing::warn!("incremental scope too wide: running a full detection instead");
            super::run(graph, &Detector::ALL, actor).await
        }
        Err(e) => {
            tracing::error!(run = %run_id, error = %e, "incremental detection run failed; the previous findings stay");
            runs::fail(graph, held, &names, &e.to_string()).await;
            Err(e)
        }
    }
}

async fn run_incremental(
    graph: &Graph,
    run_id: &str,
    since: i64,
    prev_rings: &str,
    prev_incidents: &str,
) -> Result<Option<Vec<RunSummary>>, DetectError> {
    let started = Instant::now();
    let touched = Touched::load(graph, since).await?;
    let total = total_shops(graph).await?;
    tracing::info!(
        authors = touched.authors.len(),
        anchors = touched.anchors.len(),
        shops = touched.shops.len(),
        millis = started.elapsed().as_millis() as u64,
        "records since touched"
    );
    let mut out = Vec::new();

    // rings: recompute the scope, carry the rest
    let t = Instant::now();
    let prev: Vec<PrevRing> = graph
        .rows(
            &q::INCREMENTAL_PREV_RINGS,
            Params::new().with("runId", prev_rings),
            LIMIT,
        )
        .await?;
    let Some(r) = rings_scope(graph, &touched, &prev, total).await? else {
        return Ok(None);
    };
    rings::store(graph, run_id, &r.rings).await?;
    let carried: Vec<i64> = graph
        .column(
            &q::RINGS_CARRY,
            Params::new()
                .with("prev", prev_rings)
                .with("runId", run_id)
                .with("drop", r.dropped.clone()),
            "carried",
            LIMIT,
        )
        .await?;
    let carried = carried.first().copied().unwrap_or(0) as u64;
    tracing::info!(
        recomputed = r.rings.len(),
        dropped = r.dropped.len(),
        carried,
        accounts = r.accounts.len(),
        shops = r.shops.len(),
        seconds = t.elapsed().as_secs_f64(),
        "incremental rings"
    );
    out.push(RunSummary {
        run_id: run_id.to_string(),
        detector: Detector::Rings.name(),
        found: r.rings.len() as u64 + carried,
        seconds: t.elapsed().as_secs_f64(),
    });

    // incidents: the rings of this run are complete now
    let t = Instant::now();
    let Some(c) = incidents_scope(graph, &touched, &r.changed_members, total).await? else {
        return Ok(None);
    };
    let scope = Scope {
        shops: c.iter().cloned().collect(),
    };
    let p = extortion::IncidentParams::default();
    let incidents = extortion::detect_in(graph, &p, Some(run_id), Some(&scope)).await?;
    extortion::store(graph, run_id, &incidents).await?;
    let carried: Vec<i64> = graph
        .column(
            &q::INCIDENTS_CARRY,
            Params::new()
                .with("prev", prev_incidents)
                .with("runId", run_id)
                .with("shops", scope.shops.clone()),
            "carried",
            LIMIT,
        )
        .await?;
    let carried = carried.first().copied().unwrap_or(0) as u64;
    tracing::info!(
        recomputed = incidents.len(),
        carried,
        shops = c.len(),
        seconds = t.elapsed().as_secs_f64(),
        "incremental incidents"
    );
    out.push(RunSummary {
        run_id: run_id.to_string(),
        detector: Detector::Extortion.name(),
        found: incidents.len() as u64 + carried,
        seconds: t.elapsed().as_secs_f64(),
    });

    // insider suspects: whole (scored against all staff)
    let t = Instant::now();
    let found = insider::run(
        graph,
        &insider::InsiderParams::default(),
        run_id,
        Some(run_id),
    )
    .await?;
    out.push(RunSummary {
        run_id: run_id.to_string(),
        detector: Detector::Insider.name(),
        found,
        seconds: t.elapsed().as_secs_f64(),
    });

    let scope_shops: BTreeSet<&String> = r.shops.iter().chain(c.iter()).collect();
    graph
        .run(
            &q::DETECTION_RUN_SCOPE,
            Params::new()
                .with("runId", run_id)
                .with("mode", "incremental")
                .with("since", since)
                .with("basedOn", prev_rings)
                .with("scopeAccounts", r.accounts.len() as i64)
                .with("scopeShops", scope_shops.len() as i64),
        )
        .await?;
    tracing::info!(
        seconds = started.elapsed().as_secs_f64(),
        "incremental detection computed"
    );
    Ok(Some(out))
}
