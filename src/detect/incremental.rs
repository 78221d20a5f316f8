//! Incremental detection (`detect --since T`, the `detect(since:)` mutation): after a day of
//! records, recompute only the findings those records can change and carry the rest over
//! from the last complete run, as one new run (same lock, same pointer flip, same purge).
//!
//! **What is "new".** Records whose own time (`postedAt`, `at`, `sentAt`, a link's
//! `firstSeen`/`lastSeen`, an event's `at`) is at or after `since`. The loader stamps no
//! ingestion time, and the detectors' windows are over these times anyway; a record that
//! arrives late with an old time is only seen by a full run (run one after back-filling).
//!
//! **Scope** ([`Touched`] → [`scopes`] → [`incidents`]):
//! - *rings*: the shops whose negative reviews are reloaded (`S`) and the accounts whose
//!   negative reviews must all be in (`A`). Seeds: new negative reviews (author, shop),
//!   new private transfers (both parties; the payer's shops, or the shops of the owners whose
//!   household paid), new links of a household kind (the shops of the owners using the
//!   identifier: their households changed), new messages and retractions
//!   (the owner's shop). Every previous ring naming an anchor (any party of a new record, or
//!   an account sharing a newly linked identifier), a touched shop, or an account that
//!   panned one (the shop's peeling weight changed) is recomputed whole: its members join
//!   `A` and its shops `S`; `S` takes every shop `A` panned, the shops panned by accounts `A`
//!   paid (paid panning) and every shop of an owner it holds (whether a sender is a fellow
//!   critic depends on all of them). The rings detector then runs over `S`. A ring it finds
//!   that names none of those accounts or shops is a partial view of findings that stand,
//!   and is left out; while a ring it keeps has a member outside `A` (the ring grew or
//!   merged), that member joins and the scope is run again, so a component is never cut.
//! - *incidents*: shops with new negative reviews, owner transfers, owner messages or
//!   retractions, and the shops where an anchor or a member of a recomputed or dropped ring
//!   could be reviewer, payee or contact of a chain (every chain needs the owner's private
//!   payment, in time after the review), closed over owners, then the shops the payee rule
//!   couples to them — found from the previous run's chain pairs and the payees the scope's
//!   owners paid, not by walking every owner who ever paid the same account (on generated
//!   data that walk reaches most shops from a handful of records). One projection serves it.
//! - *insider suspects* are always recomputed whole: each is scored against the median of all
//!   staff, and the whole ranking takes under a second at 1M accounts.
//!
//! **When it pays.** Scoped reads seek shop by shop where a full run scans, and the shops a
//! batch touches are the busiest. Past a budget of rows ([`Budget`]), checked before any
//! detection, the same run computes everything instead and records `mode: full`. Without
//! a previous complete run of every detector (with chain pairs), or when a scope stops
//! converging, likewise. `tests/incremental.rs` compares an incremental run's findings with
//! a full run's; `tools/bench/incremental/run` does so on a generated graph.

use super::rings::paid::PANNING_MAX_RATING;
use super::victim::{household_params, Scope, ShopListing, VictimSide, NEGATIVE_MAX_RATING};
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
/// Past this share of a full projection's rows (every review and message), summed over the
/// loads it needs plus [`FIXED_WEIGHT`], an incremental run costs more than a full one:
/// scoped reads seek shop by shop where a full run scans, and the shops a batch touches are
/// the busiest. Measured (2026-12-01, 2-core machine): at 1M accounts an hour's scope of
/// share 0.71 ran in 6.6 s against a full run's 10.4 s; at 100k a day's of share 0.62 in
/// 3.9 s against 1.9 s, where the fixed costs dominate.
const MAX_WEIGHT_SHARE: f64 = 0.9;
/// What an incremental run costs whatever its scope (finding the records, weighing the
/// scopes, the insider ranking), in the same units: about a second of a full run's reads.
const FIXED_WEIGHT: i64 = 300_000;
/// Scopes this light are always incremental (well under a second of reads).
const MIN_WEIGHT: i64 = 50_000;

/// What records at or after `since` touch.
#[derive(Debug, Default)]
pub struct Touched {
    /// Accounts whose negative reviews must all be reloaded.
    pub authors: BTreeSet<String>,
    /// Accounts whose findings must be recomputed (includes `authors`).
    pub anchors: BTreeSet<String>,
    pub shops: BTreeSet<String>,
    /// Accounts that panned a shop of `shops`: the peeling weight of those shops, and which
    /// reviews of theirs pair up, may change, so their groups are recomputed.
    pub shop_reviewers: HashSet<String>,
}

#[derive(Deserialize)]
struct KindRow {
    kind: String,
    id: String,
}

#[derive(Deserialize)]
struct IdRow {
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
        let p = household_params(Params::new())
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
        let shops: Vec<String> = t.shops.iter().cloned().collect();
        for chunk in shops.chunks(5_000) {
            let p = Params::new()
                .with("shops", chunk.to_vec())
                .with("maxRating", PANNING_MAX_RATING);
            graph
                .for_each_row(&q::INCREMENTAL_SHOP_REVIEWERS, p, |r: IdRow| {
                    t.shop_reviewers.insert(r.id);
                })
                .await?;
        }
        Ok(t)
    }

    /// Whether ring `r`, found in a scope, can differ from the previous run: one of its
    /// members is a party of a new record or panned a touched shop, or it names a touched shop.
    /// Any other ring found in a scope is a partial view of accounts whose findings stand.
    fn concerns(&self, r: &rings::Ring, scope: &Expansion) -> bool {
        r.members.iter().any(|m| {
            let a = &m.account_id;
            scope.accounts.contains(a)
                || scope.anchors.contains(a)
                || self.shop_reviewers.contains(a)
        }) || r.victim_shops.iter().any(|s| self.shops.contains(s))
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

/// What an incremental run may load before a full run is cheaper (see [`MAX_WEIGHT_SHARE`]).
struct Budget {
    /// Every review and message.
    total: i64,
}

impl Budget {
    async fn load(graph: &Graph) -> Result<Self, DetectError> {
        let total: Vec<i64> = graph
            .column(&q::INCREMENTAL_TOTAL_WEIGHT, Params::new(), "weight", LIMIT)
            .await?;
        Ok(Budget {
            total: total.first().copied().unwrap_or(0),
        })
    }

    /// Whether loading each of `loads` (shop sets, one projection each) fits; logs the
    /// weights either way.
    async fn allows(
        &self,
        graph: &Graph,
        what: &str,
        loads: &[&BTreeSet<String>],
    ) -> Result<bool, DetectError> {
        let mut weight = 0;
        for shops in loads {
            for chunk in shops.iter().cloned().collect::<Vec<_>>().chunks(5_000) {
                let w: Vec<i64> = graph
                    .column(
                        &q::INCREMENTAL_SCOPE_WEIGHT,
                        Params::new().with("shops", chunk.to_vec()),
                        "weight",
                        LIMIT,
                    )
                    .await?;
                weight += w.first().copied().unwrap_or(0);
            }
        }
        let ok = weight <= MIN_WEIGHT
            || (weight + FIXED_WEIGHT) as f64 <= MAX_WEIGHT_SHARE * self.total as f64;
        tracing::info!(
            what,
            weight,
            total = self.total,
            share = weight as f64 / self.total.max(1) as f64,
            incremental = ok,
            "incremental scope weight"
        );
        Ok(ok)
    }
}

/// The rings scope while it grows: accounts whose negative reviews are all in, shops whose
/// negative reviews are reloaded, and the previous rings it replaces.
struct Expansion {
    accounts: BTreeSet<String>,
    shops: BTreeSet<String>,
    anchors: HashSet<String>,
    pending: Vec<String>,
    dropped: HashSet<usize>,
    owners_closed: HashSet<String>,
}

impl Expansion {
    fn new(touched: &Touched) -> Self {
        Expansion {
            accounts: BTreeSet::new(),
            shops: touched.shops.clone(),
            anchors: touched.anchors.iter().cloned().collect(),
            pending: touched.authors.iter().cloned().collect(),
            dropped: HashSet::new(),
            owners_closed: HashSet::new(),
        }
    }

    /// Grows to closure: previous rings naming an anchor, a touched shop or an account that
    /// panned one come in whole, every account in scope brings the shops it (or a reviewer it
    /// paid) panned, and every scoped shop brings its owner's other shops.
    ///
    /// A previous ring that only shares an untouched shop with the scope stays out: the
    /// scope loads every negative review of that shop, so should a scoped account now pair
    /// with the ring's members, the ring found has a member outside the scope and the scope
    /// widens to it ([`scopes`]).
    async fn close(
        &mut self,
        graph: &Graph,
        touched: &Touched,
        prev: &[PrevRing],
    ) -> Result<(), DetectError> {
        loop {
            let mut grew = false;
            for (i, r) in prev.iter().enumerate() {
                if self.dropped.contains(&i) {
                    continue;
                }
                if r.members.iter().any(|m| {
                    self.anchors.contains(m)
                        || self.accounts.contains(m)
                        || touched.shop_reviewers.contains(m)
                }) || r.shops.iter().any(|s| touched.shops.contains(s))
                {
                    self.dropped.insert(i);
                    grew = true;
                    for m in &r.members {
                        self.anchors.insert(m.clone());
                        if !self.accounts.contains(m) {
                            self.pending.push(m.clone());
                        }
                    }
                    self.shops.extend(r.shops.iter().cloned());
                }
            }
            let accounts = &self.accounts;
            self.pending.retain(|a| !accounts.contains(a));
            self.pending.sort();
            self.pending.dedup();
            if !self.pending.is_empty() {
                let found = panned_shops(graph, &self.pending).await?;
                self.accounts.extend(self.pending.drain(..));
                self.shops.extend(found);
                // new accounts may name previous rings: check them again
                grew = true;
            }
            grew |= close_over_owners(graph, &mut self.shops, &mut self.owners_closed).await?;
            if !grew {
                return Ok(());
            }
        }
    }

    /// Accounts whose incidents' ring ties may change: the scope's accounts (every member of
    /// a ring found in it is one) and the members of the previous rings it replaces.
    fn changed_members(&self, prev: &[PrevRing]) -> BTreeSet<String> {
        let mut out = self.accounts.clone();
        for &i in &self.dropped {
            out.extend(prev[i].members.iter().cloned());
        }
        out
    }
}

/// Both scopes of an incremental run, or None when loading them does not fit `budget` (a
/// full run is cheaper) or the rings scope does not converge. The incidents scope is computed
/// before any detection from the rings scope's accounts — a superset of the members of the
/// rings it will find — so a run that cannot be incremental costs only its scoping queries.
async fn scopes(
    graph: &Graph,
    touched: &Touched,
    prev: &[PrevRing],
    prev_pairs: &[(String, String)],
    budget: &Budget,
    listing: &ShopListing,
) -> Result<Option<(RingsOutcome, BTreeSet<String>)>, DetectError> {
    let mut x = Expansion::new(touched);
    // the touched shops alone may already be past the budget
    if !budget.allows(graph, "touched", &[&x.shops]).await? {
        return Ok(None);
    }
    let params = rings::RingParams::default();
    let mut incidents: Option<(BTreeSet<String>, BTreeSet<String>)> = None;
    for round in 0..MAX_ROUNDS {
        x.close(graph, touched, prev).await?;
        tracing::debug!(
            round,
            accounts = x.accounts.len(),
            shops = x.shops.len(),
            dropped = x.dropped.len(),
            "rings scope closed"
        );
        // the rings' load alone may already be past the budget: decide before the incidents'
        // scope is walked
        if !budget.allows(graph, "rings", &[&x.shops]).await? {
            return Ok(None);
        }
        let members = x.changed_members(prev);
        if incidents
            .as_ref()
            .is_none_or(|(m, _)| !members.is_subset(m))
        {
            let shops = incidents_scope(graph, touched, &members, prev_pairs).await?;
            incidents = Some((members, shops));
        }
        let incident_shops = incidents.as_ref().map_or(0, |(_, s)| s.len());
        // the rings' load, and the incidents'
        let base = &incidents.as_ref().expect("computed above").1;
        if !budget
            .allows(graph, "rings and incidents", &[&x.shops, base])
            .await?
        {
            return Ok(None);
        }
        let scope = Scope {
            shops: x.shops.iter().cloned().collect(),
            listing: listing.clone(),
        };
        let mut found = rings::detect_in(graph, &params, Some(&scope)).await?;
        let seen = found.len();
        found.retain(|r| touched.concerns(r, &x));
        // a ring with a member outside the scope may be cut: widen and run again
        let outside: BTreeSet<String> = found
            .iter()
            .flat_map(|r| r.members.iter().map(|m| m.account_id.clone()))
            .filter(|m| !x.accounts.contains(m))
            .collect();
        tracing::info!(
            round,
            accounts = x.accounts.len(),
            shops = x.shops.len(),
            incident_shops,
            rings = found.len(),
            partial_views_left = seen - found.len(),
            members_outside = outside.len(),
            "incremental rings scope"
        );
        if outside.is_empty() {
            let changed_members = x.changed_members(prev);
            let (_, incident_shops) = incidents.expect("computed above");
            return Ok(Some((
                RingsOutcome {
                    dropped: x.dropped.iter().map(|&i| prev[i].id.clone()).collect(),
                    accounts: x.accounts,
                    shops: x.shops,
                    rings: found,
                    changed_members,
                },
                incident_shops,
            )));
        }
        for m in outside {
            x.anchors.insert(m.clone());
            x.pending.push(m);
        }
    }
    tracing::warn!(
        rounds = MAX_ROUNDS,
        "incremental rings scope did not converge"
    );
    Ok(None)
}

/// The shops whose extortion incidents records since `since` can change, and those the payee
/// rule couples to them:
/// - those touched, and those where an anchor or an account of `changed_members` could be
///   reviewer, payee or contact of a chain (whose owner paid privately more than commerce,
///   in time after a review of theirs or before its author withdrew it), closed over owners;
/// - then every shop of the owners the payee rule couples to those. The rule counts, per
///   payee, the owners with a chain to it. Chains never leave their owner's shops, so
///   outside this scope they are the previous run's, recorded as (payee, owner) pairs
///   ([`extortion::store_chain_pairs`]). An incident outside changes only when its payee's
///   count does: when a chain in scope can name that payee (its owner paid it enough), did
///   in the previous run, or a new record anchors it. Those payees' other owners come in
///   whole; every other chain is counted from the pairs without loading its shop.
async fn incidents_scope(
    graph: &Graph,
    touched: &Touched,
    changed_members: &BTreeSet<String>,
    prev_pairs: &[(String, String)],
) -> Result<BTreeSet<String>, DetectError> {
    let mut shops: BTreeSet<String> = touched.shops.clone();
    let ids: Vec<String> = touched
        .anchors
        .iter()
        .chain(changed_members)
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let ip = extortion::IncidentParams::default();
    // the smallest payment a chain can hold: a crew's small takings, above the commerce floor
    let smallest_payment = ip.commerce_floor + 1;
    for chunk in ids.chunks(5_000) {
        let p = household_params(Params::new())
            .with("ids", chunk.to_vec())
            .with("maxRating", NEGATIVE_MAX_RATING)
            .with("minPayment", smallest_payment)
            .with("payReach", ip.pay_reach_ms());
        shops.extend(shops_of(graph, &q::INCREMENTAL_OWNER_SHOPS, p).await?);
    }
    let base = shops.len();
    close_over_owners(graph, &mut shops, &mut HashSet::new()).await?;
    let closed = shops.len();

    // the payee rule: owners of the scope and every payee a chain of theirs can name
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct OwnerPayees {
        owner_id: String,
        payees: Vec<String>,
    }
    let prev_payees: HashSet<&str> = prev_pairs.iter().map(|(x, _)| x.as_str()).collect();
    let mut owners: HashSet<String> = HashSet::new();
    let mut affected: HashSet<&str> = touched
        .anchors
        .iter()
        .map(String::as_str)
        .filter(|a| prev_payees.contains(a))
        .collect();
    let list: Vec<String> = shops.iter().cloned().collect();
    for chunk in list.chunks(5_000) {
        let p = household_params(Params::new())
            .with("shops", chunk.to_vec())
            .with("minPayment", smallest_payment);
        graph
            .for_each_row(&q::INCREMENTAL_OWNER_PAYEES, p, |r: OwnerPayees| {
                for x in &r.payees {
                    if let Some(&known) = prev_payees.get(x.as_str()) {
                        affected.insert(known);
                    }
                }
                owners.insert(r.owner_id);
            })
            .await?;
    }
    affected.extend(
        prev_pairs
            .iter()
            .filter(|(_, o)| owners.contains(o))
            .map(|(x, _)| x.as_str()),
    );
    let extra: Vec<String> = prev_pairs
        .iter()
        .filter(|(x, o)| affected.contains(x.as_str()) && !owners.contains(o))
        .map(|(_, o)| o.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    for chunk in extra.chunks(5_000) {
        let p = Params::new().with("ids", chunk.to_vec());
        shops.extend(shops_of(graph, &q::INCREMENTAL_SHOPS_OF_OWNERS, p).await?);
    }
    tracing::debug!(
        touched = touched.shops.len(),
        accounts = ids.len(),
        shops = base,
        with_owners_mates = closed,
        affected_payees = affected.len(),
        extra_owners = extra.len(),
        with_payee_rule = shops.len(),
        "incidents scope"
    );
    Ok(shops)
}

/// Recomputes the incidents of the shops `shops` ([`incidents_scope`]), stores them and the
/// run's chain pairs (those found, and the previous ones of every owner outside the scope);
/// returns how many incidents were stored.
async fn incidents(
    graph: &Graph,
    run_id: &str,
    shops: &BTreeSet<String>,
    prev_pairs: &[(String, String)],
    listing: &ShopListing,
) -> Result<u64, DetectError> {
    let p = extortion::IncidentParams::default();
    let scope = Scope {
        shops: shops.iter().cloned().collect(),
        listing: listing.clone(),
    };
    let mut v = VictimSide::load_in(graph, Some(&scope)).await?;
    // the owners whose chains the projection recomputes: those of its shops (every shop is
    // listed, only the scope's reviews are loaded)
    let owners: HashSet<String> = shops
        .iter()
        .filter_map(|s| v.shop_index.get(s))
        .map(|&i| v.accounts.name(v.shops[i as usize].owner).to_string())
        .collect();
    let outside: Vec<(String, String)> = prev_pairs
        .iter()
        .filter(|(_, o)| !owners.contains(o))
        .cloned()
        .collect();
    let found = extortion::detect_on(graph, &p, Some(run_id), &mut v, &outside).await?;
    extortion::store(graph, run_id, &found.incidents).await?;
    let mut pairs = found.chain_pairs;
    pairs.extend(outside);
    pairs.sort();
    pairs.dedup();
    extortion::store_chain_pairs(graph, run_id, &pairs).await?;
    Ok(found.incidents.len() as u64)
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
    let held = super::start_run(graph, &names, &params, actor).await?;
    let run_id = held.id.clone();
    tracing::info!(run = %run_id, since, based_on = %prev_rings, "incremental detection run started");
    let outcome = match run_incremental(graph, &run_id, since, &prev_rings, &prev_incidents).await {
        Ok(Some(out)) => Ok(out),
        // the scope is too costly: the same run computes everything instead, and says so
        // (mode `full`, its `since` kept)
        Ok(None) => full_instead(graph, &run_id, since).await,
        Err(e) => Err(e),
    };
    super::finish_run(graph, held, &names, outcome).await
}

/// Runs every detector in run `run_id` and records it as a full run asked for `since`.
async fn full_instead(
    graph: &Graph,
    run_id: &str,
    since: i64,
) -> Result<Vec<RunSummary>, DetectError> {
    tracing::info!(
        run = run_id,
        "incremental scope too costly: computing everything"
    );
    let out = super::run_detectors(graph, &Detector::ALL, run_id).await?;
    record_mode(graph, run_id, since, None).await?;
    Ok(out)
}

/// How an incremental run was computed.
struct Computed<'a> {
    based_on: &'a str,
    scope_accounts: usize,
    scope_shops: usize,
    /// Findings carried over unchanged from `based_on`, per detector.
    carried: serde_json::Value,
}

/// Records how run `run_id`, asked for `since`, was computed: incremental, or full (`None`).
async fn record_mode(
    graph: &Graph,
    run_id: &str,
    since: i64,
    incremental: Option<Computed<'_>>,
) -> Result<(), DetectError> {
    let p = Params::new()
        .with("runId", run_id)
        .with("since", since)
        .with(
            "mode",
            if incremental.is_some() {
                "incremental"
            } else {
                "full"
            },
        )
        .with(
            "basedOn",
            incremental.as_ref().map(|s| s.based_on.to_string()),
        )
        .with(
            "scopeAccounts",
            incremental.as_ref().map(|s| s.scope_accounts as i64),
        )
        .with(
            "scopeShops",
            incremental.as_ref().map(|s| s.scope_shops as i64),
        )
        .with(
            "carried",
            incremental.as_ref().map(|s| s.carried.to_string()),
        );
    graph.run(&q::DETECTION_RUN_SCOPE, p).await?;
    Ok(())
}

/// Copies run `prev`'s findings that `query` keeps (all but those `except` names) into run
/// `run_id`; returns how many.
async fn carry(
    graph: &Graph,
    query: &crate::graph::Cypher<'static>,
    prev: &str,
    run_id: &str,
    except: (&'static str, Vec<String>),
) -> Result<u64, DetectError> {
    let p = Params::new()
        .with("prev", prev)
        .with("runId", run_id)
        .with(except.0, except.1);
    let carried: Vec<i64> = graph.column(query, p, "carried", LIMIT).await?;
    Ok(carried.first().copied().unwrap_or(0) as u64)
}

async fn run_incremental(
    graph: &Graph,
    run_id: &str,
    since: i64,
    prev_rings: &str,
    prev_incidents: &str,
) -> Result<Option<Vec<RunSummary>>, DetectError> {
    let started = Instant::now();
    let Some(prev_pairs) = extortion::chain_pairs(graph, prev_incidents).await? else {
        tracing::info!(
            run = prev_incidents,
            "the previous incidents run recorded no chain pairs"
        );
        return Ok(None);
    };
    let touched = Touched::load(graph, since).await?;
    let budget = Budget::load(graph).await?;
    tracing::info!(
        authors = touched.authors.len(),
        anchors = touched.anchors.len(),
        shops = touched.shops.len(),
        shop_reviewers = touched.shop_reviewers.len(),
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
    // every projection of the run lists the shops: read them once
    let listing = ShopListing::default();
    let Some((r, c)) = scopes(graph, &touched, &prev, &prev_pairs, &budget, &listing).await? else {
        return Ok(None);
    };
    rings::store(graph, run_id, &r.rings).await?;
    let rings_carried = carry(
        graph,
        &q::RINGS_CARRY,
        prev_rings,
        run_id,
        ("drop", r.dropped.clone()),
    )
    .await?;
    tracing::info!(
        recomputed = r.rings.len(),
        dropped = r.dropped.len(),
        carried = rings_carried,
        accounts = r.accounts.len(),
        shops = r.shops.len(),
        seconds = t.elapsed().as_secs_f64(),
        "incremental rings"
    );
    out.push(RunSummary {
        run_id: run_id.to_string(),
        detector: Detector::Rings.name(),
        found: r.rings.len() as u64 + rings_carried,
        seconds: t.elapsed().as_secs_f64(),
    });

    // incidents: the rings of this run are complete now
    let t = Instant::now();
    let incidents = incidents(graph, run_id, &c, &prev_pairs, &listing).await?;
    let shops = c;
    let shop_list: Vec<String> = shops.iter().cloned().collect();
    let incidents_carried = carry(
        graph,
        &q::INCIDENTS_CARRY,
        prev_incidents,
        run_id,
        ("shops", shop_list),
    )
    .await?;
    tracing::info!(
        recomputed = incidents,
        carried = incidents_carried,
        shops = shops.len(),
        seconds = t.elapsed().as_secs_f64(),
        "incremental incidents"
    );
    out.push(RunSummary {
        run_id: run_id.to_string(),
        detector: Detector::Extortion.name(),
        found: incidents + incidents_carried,
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

    let scope_shops: BTreeSet<&String> = r.shops.iter().chain(shops.iter()).collect();
    let computed = Computed {
        based_on: prev_rings,
        scope_accounts: r.accounts.len(),
        scope_shops: scope_shops.len(),
        carried: serde_json::json!({
            Detector::Rings.name(): rings_carried,
            Detector::Extortion.name(): incidents_carried,
        }),
    };
    record_mode(graph, run_id, since, Some(computed)).await?;
    tracing::info!(
        seconds = started.elapsed().as_secs_f64(),
        "incremental detection computed"
    );
    Ok(Some(out))
}
