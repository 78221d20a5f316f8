//! Agent lineage: from any account or any review, who stands behind it and who else works
//! for them — a hired campaign or an extortion crew.
//!
//! **Pattern.** A rival seller (the BENEFICIARY) pays an ORGANIZER, often through one to two
//! "mule" INTERMEDIARY accounts, each transfer made after the one that funded it; the
//! organizer recruits (referrals), briefs (messages) and pays OPERATIVES, who recruit RECRUITS
//! from their own household (referral, shared address or device) — some of whom have not
//! posted yet; operatives and recruits post negative reviews on shops in the beneficiary's
//! category (the victims). An extortion crew has no beneficiary: its victims' owners pay it,
//! often to a NEGOTIATOR's account rather than the organizer's.
//!
//! **Signals.** Private transfers above the commerce floor (`TRANSFER`, never purchase
//! payments; cashback and red packets are commerce), `REFERRED`, `MESSAGED` (minus ordinary
//! buyer–seller chatter about an order), rare household identifiers (device/address/phone/
//! card, rare as defined in [`crate::detect::thresholds`] — hubs such as public IPs are
//! ignored), negative reviews, owners' hush money after them, shop ownership.
//!
//! **Algorithm.** Expansion level by level from the start (`expand`): one query per level
//! over the frontier, caps per account and per level (keeping the rows nearest the focus
//! time, reporting every cut), a visited set, money followed upstream only backwards in time
//! within a window. Then role inference in Rust (`roles`, one function per role): victims are
//! shops attacked by two reached accounts or paid off to one; the organizer is the account
//! coordinating most of their authors, the start's own organizer first; the cell is the
//! coordinated reviewers plus their recruits; negotiators collected or asked for the victims'
//! money; the beneficiary and mules come from the money walk rings use too
//! ([`crate::detect::money`]). The start is always in its lineage, at depth 0, with its role
//! or the reason none was found. Every role comes with sentences naming accounts, amounts and
//! times.
//!
//! **Known false positives.** An organizer without a money chain yields no beneficiary (by
//! design: no guess); a household member of an operative who also left a negative review on
//! a victim shop is returned as a recruit; a seller who paid an organizer for something else
//! and competes with the victims would be named beneficiary — the evidence shows the chain so
//! a person can judge.
//!
//! **Queries.** `lineage_start`, `lineage_ties`, `lineage_reviews`, `lineage_owned_shops`.

mod expand;
mod roles;

use super::money::WalkRules;
use super::thresholds;
use super::{DetectError, Evidence, EvidenceEdge};
use crate::graph::{queries as q, Graph, GraphError, Params};
use crate::model::{format_minor, Timestamp};
use std::time::{Duration, Instant};

/// Where a trace starts.
#[derive(Debug, Clone, PartialEq)]
pub enum LineageStart {
    Account(String),
    Review(String),
}

impl LineageStart {
    /// Exactly one of the two must be given (`BAD_USER_INPUT` otherwise).
    pub fn from_args(account: Option<String>, review: Option<String>) -> Result<Self, DetectError> {
        match (account, review) {
            (Some(a), None) => Ok(LineageStart::Account(a)),
            (None, Some(r)) => Ok(LineageStart::Review(r)),
            (Some(_), Some(_)) => Err(DetectError::bad(
                "accountId",
                "give either accountId or reviewId, not both",
            )),
            (None, None) => Err(DetectError::bad(
                "accountId",
                "give one of accountId or reviewId",
            )),
        }
    }
}

pub const MAX_DEPTH: u32 = 8;
pub const DEFAULT_DEPTH: u32 = 4;

#[derive(Debug, Clone)]
pub struct LineageParams {
    /// Levels of expansion (1..=8).
    pub max_depth: u32,
    /// Whole-trace time limit (`TIMEOUT` when exceeded).
    pub time_limit: Duration,
    /// How long before the transfer it funds an upstream transfer may have happened.
    pub window_ms: i64,
    /// Ties of one kind followed from one account, at most.
    pub fan_out_cap: i64,
    /// Accounts newly reached in one level, at most.
    pub frontier_cap: usize,
    /// Accounts reached in total, at most.
    pub visited_cap: usize,
    /// An identifier used by more accounts than this is a hub and ties nobody (the shared
    /// rare-identifier definition).
    pub max_share: i64,
    /// Private transfers up to this many minor units are commerce and never followed.
    pub floor: i64,
    /// The money walk from the organizer to the beneficiary (shared with rings).
    pub walk: WalkRules,
}

impl Default for LineageParams {
    fn default() -> Self {
        LineageParams {
            max_depth: DEFAULT_DEPTH,
            time_limit: Duration::from_secs(10),
            window_ms: 30 * 24 * 3_600_000,
            fan_out_cap: 30,
            frontier_cap: 400,
            visited_cap: 2000,
            max_share: thresholds::current().rare_identifier_max_accounts,
            floor: thresholds::current().commerce_floor_minor,
            walk: WalkRules::default(),
        }
    }
}

impl LineageParams {
    pub fn validate(&self) -> Result<(), DetectError> {
        if !(1..=MAX_DEPTH).contains(&self.max_depth) {
            return Err(DetectError::bad(
                "maxDepth",
                format!("must be between 1 and {MAX_DEPTH}"),
            ));
        }
        Ok(())
    }
}

/// The role an account plays in a hired campaign or an extortion crew.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Beneficiary,
    Intermediary,
    Organizer,
    Negotiator,
    Operative,
    Recruit,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Beneficiary => "BENEFICIARY",
            Role::Intermediary => "INTERMEDIARY",
            Role::Organizer => "ORGANIZER",
            Role::Negotiator => "NEGOTIATOR",
            Role::Operative => "OPERATIVE",
            Role::Recruit => "RECRUIT",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum TieKind {
    Transfer,
    Referred,
    Messaged,
    Shares,
}

impl TieKind {
    fn label(self) -> &'static str {
        match self {
            TieKind::Transfer => "TRANSFER",
            TieKind::Referred => "REFERRED",
            TieKind::Messaged => "MESSAGED",
            TieKind::Shares => "SHARES_IDENTIFIER",
        }
    }
}

/// A directed tie between two accounts (`Shares` is stored with `from < to`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Tie {
    pub from: String,
    pub to: String,
    pub kind: TieKind,
    pub record: Option<String>,
    pub amount: Option<i64>,
    pub currency: Option<String>,
    pub at: Option<i64>,
    pub via: Option<String>,
}

#[derive(Debug, Clone, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ReviewRow {
    pub author_id: String,
    pub review_id: String,
    pub rating: i64,
    pub posted_at: i64,
    pub shop_id: String,
    pub category: Option<String>,
    pub owner_id: String,
    /// When the author withdrew the review or revised it up.
    #[serde(default)]
    pub retracted_at: Vec<i64>,
}

#[derive(Debug, Clone, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OwnedShop {
    pub owner_id: String,
    pub shop_id: String,
    pub category: Option<String>,
}

/// One account of the lineage.
#[derive(Debug, Clone)]
pub struct LineageAccount {
    pub id: String,
    /// `None` only for the start, when no role was found (its reasons say why).
    pub role: Option<Role>,
    /// Expansion level at which the account was reached (0 = the start).
    pub depth: u32,
    pub reasons: Vec<String>,
}

/// The answer of a trace: a DAG of accounts with roles, its edges, victims and reviews.
#[derive(Debug, Clone)]
pub struct Lineage {
    pub start: String,
    pub accounts: Vec<LineageAccount>,
    /// Ties between returned accounts, `WROTE` (account → review) and `ABOUT` (review → shop).
    pub edges: Vec<EvidenceEdge>,
    pub victim_shops: Vec<String>,
    pub reviews: Vec<String>,
    pub evidence: Evidence,
    /// True when a cap cut the expansion short.
    pub truncated: bool,
}

pub(crate) fn money(minor: i64, currency: Option<&str>) -> String {
    format!("{} {}", format_minor(minor), currency.unwrap_or("CNY"))
}

pub(crate) fn when(ms: i64) -> String {
    Timestamp(ms).rfc3339()
}

#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct StartRow {
    account_id: String,
    review_id: Option<String>,
    shop_id: Option<String>,
    posted_at: Option<i64>,
}

fn timeout(params: &LineageParams) -> DetectError {
    DetectError::Graph(GraphError::Timeout {
        query: "lineage".into(),
        millis: params.time_limit.as_millis() as u64,
    })
}

/// Traces the lineage around `start`. `None` when the start account or review does not exist.
#[tracing::instrument(skip(graph, params), fields(depth = params.max_depth))]
pub async fn trace(
    graph: &Graph,
    start: &LineageStart,
    params: &LineageParams,
) -> Result<Option<Lineage>, DetectError> {
    params.validate()?;
    let started = Instant::now();
    let deadline = started + params.time_limit;
    let work = trace_within(graph, start, params, deadline);
    let out = tokio::time::timeout(params.time_limit, work)
        .await
        .map_err(|_| timeout(params))?
        .map_err(|e| match e {
            DetectError::Graph(GraphError::Timeout { .. }) => timeout(params),
            e => e,
        })?;
    if let Some(l) = &out {
        tracing::debug!(
            accounts = l.accounts.len(),
            millis = started.elapsed().as_millis() as u64,
            "lineage traced"
        );
    }
    Ok(out)
}

async fn trace_within(
    graph: &Graph,
    start: &LineageStart,
    params: &LineageParams,
    deadline: Instant,
) -> Result<Option<Lineage>, DetectError> {
    let (account, review) = match start {
        LineageStart::Account(a) => (Some(a.as_str()), None),
        LineageStart::Review(r) => (None, Some(r.as_str())),
    };
    let p = Params::new()
        .with("accountId", account)
        .with("reviewId", review);
    let Some(s): Option<StartRow> = graph.row(&q::LINEAGE_START, p, params.time_limit).await?
    else {
        return Ok(None);
    };
    let mut n = expand::expand(graph, &s.account_id, s.posted_at, params, deadline).await?;
    let infer = |n: &expand::Neighbourhood| {
        roles::infer(&roles::Input {
            start: &s.account_id,
            start_shop: s.shop_id.as_deref(),
            ties: &n.ties,
            reviews: &n.reviews,
            shops: &n.shops,
            walk: params.walk,
            thresholds: thresholds::current(),
        })
    };
    let mut inferred = infer(&n);
    // an organizer whose funding the expansion did not reach: follow its money upstream as
    // far as the money walk goes, and infer again
    let unfunded = inferred
        .roles
        .iter()
        .find(|(_, a)| a.role == Some(Role::Organizer))
        .map(|(id, _)| id.clone())
        .filter(|_| inferred.chain.is_empty());
    if let Some(org) = unfunded {
        if expand::extend_upstream(graph, &mut n, &org, params.walk.max_hops, params, deadline)
            .await?
        {
            inferred = infer(&n);
        }
    }
    Ok(Some(assemble(&s.account_id, s.review_id, n, inferred)))
}

fn assemble(
    start: &str,
    start_review: Option<String>,
    n: expand::Neighbourhood,
    inf: roles::Inferred,
) -> Lineage {
    let mut evidence = Evidence::default();
    let mut accounts: Vec<LineageAccount> = inf
        .roles
        .iter()
        .map(|(id, a)| LineageAccount {
            id: id.clone(),
            role: a.role,
            depth: n.depth.get(id).copied().unwrap_or(0),
            reasons: a.reasons.clone(),
        })
        .collect();
    accounts.sort_by(|a, b| (a.role, a.depth, &a.id).cmp(&(b.role, b.depth, &b.id)));
    for a in &accounts {
        let caption = a.role.map_or("no role", Role::as_str);
        evidence.node(a.id.clone(), "Account", Some(caption.to_string()));
    }
    for s in &inf.victim_shops {
        evidence.node(s.clone(), "Shop", Some("victim".into()));
    }
    let mut edges = Vec::new();
    for t in &n.ties {
        if inf.roles.contains_key(&t.from) && inf.roles.contains_key(&t.to) {
            let mut e = EvidenceEdge::new(t.from.clone(), t.to.clone(), t.kind.label());
            e.record_id = t.record.clone();
            e.at = t.at;
            if let Some(a) = t.amount {
                e = e.amount(a, t.currency.as_deref().unwrap_or("CNY"));
            }
            edges.push(e);
        }
    }
    for r in &n.reviews {
        if inf.reviews.binary_search(&r.review_id).is_ok() {
            let caption = format!("rating {}", r.rating);
            evidence.node(r.review_id.clone(), "Review", Some(caption));
            edges.push(
                EvidenceEdge::new(r.author_id.clone(), r.review_id.clone(), "WROTE")
                    .at(r.posted_at),
            );
            edges.push(EvidenceEdge::new(
                r.review_id.clone(),
                r.shop_id.clone(),
                "ABOUT",
            ));
        }
    }
    edges.dedup();
    for e in &edges {
        evidence.edge(e.clone());
    }
    if let Some(r) = start_review {
        evidence.reason(format!("traced from review {r} by {start}"));
    }
    for s in inf.summary {
        evidence.reason(s);
    }
    for a in &accounts {
        for r in &a.reasons {
            let role = a.role.map_or("START", Role::as_str);
            evidence.reason(format!("{role} {}: {r}", a.id));
        }
    }
    for c in &n.cuts {
        evidence.reason(c.clone());
    }
    if n.truncated {
        evidence.reason("the expansion reached a fan-out cap; distant accounts may be missing");
    }
    Lineage {
        start: start.to_string(),
        accounts,
        edges,
        victim_shops: inf.victim_shops.into_iter().collect(),
        reviews: inf.reviews,
        evidence,
        truncated: n.truncated,
    }
}

/// Latency of one trace per start account (warm cache after the first): for `bench`.
pub async fn bench_lineage(
    graph: &Graph,
    starts: &[String],
    params: &LineageParams,
) -> Result<Vec<Duration>, DetectError> {
    let mut out = Vec::with_capacity(starts.len());
    for s in starts {
        let t = Instant::now();
        trace(graph, &LineageStart::Account(s.clone()), params).await?;
        out.push(t.elapsed());
    }
    Ok(out)
}
