//! Insider rating-removal tracing: staff accounts that removed legitimate negative reviews
//! for pay from the shops that benefited.
//!
//! **Pattern.** A platform employee deletes genuine negative ratings of a few shops; the shop
//! owners pay the employee privately — directly, through a middle account, or to a relative
//! (a proxy sharing the employee's phone, address or device) — around the removal batches.
//!
//! **Signals** (see `score`): legitimacy of each removed review (negative, delivered and
//! paid order, author in no detected ring, not abusive by the maintained vocabulary of
//! [`abuse`] — never by the removal's own stated reason —, no complaint upheld by anyone but
//! the remover); concentration of the legitimate removals on few shops against the staff median;
//! private transfers from those shops' owners to the employee or a proxy, directly or through
//! one middle account (at most two hops, forward in time); payments timed around removals.
//!
//! **Known false positives.** An employee who received an unrelated private transfer from a
//! shop owner whose review they removed gets the money signal (the evidence shows the payment
//! and its timing); a proxy tie through a shared device in a family may be innocent. A busy
//! moderator with complaint-backed removals spread over many shops and no money stays below
//! [`DEFAULT_MIN_SCORE`] by construction (money weighs half the score).
//!
//! **Queries.** `insider_removals`, `insider_removals_of`, `insider_proxies`,
//! `insider_money`, `insider_clear`, `insider_store`, `insider_list`, `insider_suspect_of`.

pub mod abuse;
pub mod score;
mod store;

use super::{DetectError, Evidence, EvidenceEdge};
use crate::graph::{queries as q, Graph, Params, Row};
use crate::model::{format_minor, Timestamp};
use score::{RemovalFacts, Traced, Verdict};
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

pub use store::{list, suspect_of};

/// Suspects scoring at least this are reported by default.
pub const DEFAULT_MIN_SCORE: f64 = 0.5;

#[derive(Debug, Clone)]
pub struct InsiderParams {
    /// How long a middle account may hold the money before passing it on.
    pub window_ms: i64,
    /// An identifier shared by more accounts than this ties nobody (the shared definition of a
    /// rare identifier, [`crate::detect::thresholds`]).
    pub max_share: i64,
    /// Middle accounts examined per receiver, at most.
    pub via_cap: i64,
    /// Employees with at least this many removals form the peer group for concentration.
    pub peer_min_removals: u64,
    /// Removals drawn into a stored suspect's evidence, at most. Unlimited by default:
    /// evidence is never cut silently (API views of it carry `total` and `truncated`).
    pub evidence_removals: usize,
    /// Time limit of each query of a run.
    pub query_limit: Duration,
}

impl Default for InsiderParams {
    fn default() -> Self {
        InsiderParams {
            window_ms: 14 * 24 * 3_600_000,
            max_share: crate::detect::thresholds::current().rare_identifier_max_accounts,
            via_cap: 50,
            peer_min_removals: 5,
            evidence_removals: usize::MAX,
            query_limit: Duration::from_secs(600),
        }
    }
}

const PROXY_KINDS: [&str; 3] = ["phone", "address", "device"];
const CHUNK: usize = 500;

/// Legitimate removals on one shop.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ShopCount {
    pub shop_id: String,
    pub removals: u64,
}

/// A scored staff account.
#[derive(Debug, Clone, PartialEq)]
pub struct InsiderSuspect {
    pub employee_id: String,
    pub score: f64,
    pub removals_total: u64,
    pub removals_legitimate: u64,
    /// Shops whose legitimate negative reviews the employee removed, most first.
    pub shops: Vec<ShopCount>,
    /// Money from those shops' owners that reached the employee or a proxy (minor units).
    pub money_traced: i64,
    pub currency: String,
    pub reasons: Vec<String>,
    pub evidence: Evidence,
}

/// An account tied to an employee through a rare shared identifier.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Proxy {
    pub employee_id: String,
    pub proxy_id: String,
    pub kind: String,
    pub key: String,
}

/// Everything traced for one employee.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub employee_id: String,
    /// Oldest first.
    pub removals: Vec<(RemovalFacts, Verdict)>,
    pub proxies: Vec<Proxy>,
    pub traced: Vec<Traced>,
    pub features: score::Features,
}

#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct MoneyRow {
    employee_id: String,
    receiver_id: String,
    owner_id: String,
    via_id: Option<String>,
    payment_id: String,
    amount: i64,
    currency: Option<String>,
    at: i64,
    onward_payment_id: Option<String>,
    onward_amount: Option<i64>,
    onward_at: Option<i64>,
}

/// Verdicts, proxies and traced money for the employees of `removals`.
async fn analyse(
    graph: &Graph,
    removals: Vec<RemovalFacts>,
    params: &InsiderParams,
) -> Result<Vec<Analysis>, DetectError> {
    let mut by_employee: BTreeMap<String, Vec<(RemovalFacts, Verdict)>> = BTreeMap::new();
    for r in removals {
        let v = score::verdict(&r);
        by_employee
            .entry(r.employee_id.clone())
            .or_default()
            .push((r, v));
    }
    let ids: Vec<String> = by_employee.keys().cloned().collect();
    let mut proxies: BTreeMap<String, Vec<Proxy>> = BTreeMap::new();
    for chunk in ids.chunks(CHUNK) {
        let p = Params::new()
            .with("ids", chunk.to_vec())
            .with("kinds", PROXY_KINDS.map(str::to_string).to_vec())
            .with("maxShare", params.max_share);
        let rows: Vec<Proxy> = graph
            .rows(&q::INSIDER_PROXIES, p, params.query_limit)
            .await?;
        for r in rows {
            proxies.entry(r.employee_id.clone()).or_default().push(r);
        }
    }
    // one money row per receiver (employee or proxy) with the owners of benefiting shops
    let mut rows: Vec<Row> = Vec::new();
    for (emp, rs) in &by_employee {
        let owners: BTreeSet<String> = rs
            .iter()
            .filter(|(_, v)| v.legitimate)
            .map(|(r, _)| r.owner_id.clone())
            .filter(|o| o != emp)
            .collect();
        if owners.is_empty() {
            continue;
        }
        let owners: Vec<String> = owners.into_iter().collect();
        let receivers = std::iter::once(emp.clone()).chain(
            proxies
                .get(emp)
                .into_iter()
                .flatten()
                .map(|p| p.proxy_id.clone()),
        );
        for receiver in receivers.collect::<BTreeSet<_>>() {
            rows.push(
                Row::new()
                    .set("receiver", receiver)
                    .set("employee", emp.as_str())
                    .set("owners", owners.clone()),
            );
        }
    }
    let mut traced: BTreeMap<String, Vec<Traced>> = BTreeMap::new();
    let mut rest = rows;
    while !rest.is_empty() {
        let tail = rest.split_off(rest.len().saturating_sub(CHUNK));
        let p = Params::new()
            .with_rows("rows", tail)
            .with("window", params.window_ms)
            .with("cap", params.via_cap);
        let found: Vec<MoneyRow> = graph.rows(&q::INSIDER_MONEY, p, params.query_limit).await?;
        for m in found {
            traced.entry(m.employee_id).or_default().push(Traced {
                owner_id: m.owner_id,
                receiver_id: m.receiver_id,
                via_id: m.via_id,
                payment_id: m.payment_id,
                amount: m.amount,
                currency: m.currency.unwrap_or_else(|| "CNY".into()),
                at: m.at,
                onward_payment_id: m.onward_payment_id,
                onward_amount: m.onward_amount,
                onward_at: m.onward_at,
            });
        }
    }
    Ok(by_employee
        .into_iter()
        .map(|(emp, mut removals)| {
            removals.sort_by(|a, b| (a.0.at, &a.0.event_id).cmp(&(b.0.at, &b.0.event_id)));
            let mut t = traced.remove(&emp).unwrap_or_default();
            t.sort_by(|a, b| (a.at, &a.payment_id).cmp(&(b.at, &b.payment_id)));
            // one payment reaching two receivers (owner → proxy → employee) counts once
            let mut seen = BTreeSet::new();
            t.retain(|x| seen.insert(x.payment_id.clone()));
            let owner_of: BTreeMap<String, String> = removals
                .iter()
                .map(|(r, _)| (r.shop_id.clone(), r.owner_id.clone()))
                .collect();
            let features = score::features(&removals, &t, &owner_of);
            Analysis {
                proxies: proxies.remove(&emp).unwrap_or_default(),
                employee_id: emp,
                removals,
                traced: t,
                features,
            }
        })
        .collect())
}

fn money(minor: i64, currency: &str) -> String {
    format!("{} {currency}", format_minor(minor))
}

fn when(ms: i64) -> String {
    Timestamp(ms).rfc3339()
}

fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

/// Scores one analysis and explains it.
pub(crate) fn describe(a: &Analysis, peer_median: f64, evidence_removals: usize) -> InsiderSuspect {
    let f = &a.features;
    let s = score::score(f, peer_median);
    let emp = &a.employee_id;
    // the figure is kept in the currency most traced payments use; others are listed in the
    // reasons, never added to it
    let mut per_currency: BTreeMap<&str, usize> = BTreeMap::new();
    for t in &a.traced {
        *per_currency.entry(t.currency.as_str()).or_default() += 1;
    }
    let currency = per_currency
        .iter()
        .max_by(|x, y| x.1.cmp(y.1).then_with(|| y.0.cmp(x.0)))
        .map(|(c, _)| c.to_string())
        .unwrap_or_else(|| "CNY".into());
    let mut shops: Vec<ShopCount> = f
        .shops
        .iter()
        .map(|(s, n)| ShopCount {
            shop_id: s.clone(),
            removals: *n,
        })
        .collect();
    shops.sort_by(|a, b| {
        b.removals
            .cmp(&a.removals)
            .then_with(|| a.shop_id.cmp(&b.shop_id))
    });
    let mut reasons = vec![format!(
        "{emp} removed {} review(s); {} were legitimate negative feedback (paid, delivered \
         orders, authors in no ring, not abusive, no complaint upheld by anyone else), {} of \
         those with no complaint at all",
        f.total, f.legitimate, f.unprompted_legitimate
    )];
    if f.legitimate > 0 {
        let top: Vec<String> = shops
            .iter()
            .take(score::TOP_K)
            .map(|s| format!("{}: {}", s.shop_id, s.removals))
            .collect();
        reasons.push(format!(
            "the top {} shops take {} of the legitimate removals ({}); {} fall on shops with 3 \
             or more removals, against a staff median of {}",
            score::TOP_K,
            pct(f.top_share),
            top.join(", "),
            pct(f.repeat_share),
            pct(peer_median)
        ));
    }
    let proxy_of: BTreeMap<&str, &Proxy> =
        a.proxies.iter().map(|p| (p.proxy_id.as_str(), p)).collect();
    let receiver = |r: &str| -> String {
        match proxy_of.get(r) {
            Some(p) => format!("{r} (shares a {} with {emp})", p.kind),
            None => r.to_string(),
        }
    };
    if a.traced.is_empty() {
        reasons.push(format!(
            "no private transfer from the owners of the shops that benefited reached {emp} or an account sharing its phone, address or device"
        ));
    } else {
        reasons.push(format!(
            "owners of {} benefiting shop(s) paid {} in {} private transfer(s) that reached {emp} or a proxy",
            f.paying_owners.len(),
            f.money.describe(),
            a.traced.len()
        ));
        for t in a.traced.iter().take(10) {
            let path = match &t.via_id {
                None => format!(
                    "{} paid {} to {} on {} (payment {})",
                    t.owner_id,
                    money(t.amount, &t.currency),
                    receiver(&t.receiver_id),
                    when(t.at),
                    t.payment_id
                ),
                Some(v) => format!(
                    "{} paid {} to {v} on {} (payment {}), who passed {} to {} on {} (payment {})",
                    t.owner_id,
                    money(t.amount, &t.currency),
                    when(t.at),
                    t.payment_id,
                    money(t.onward_amount.unwrap_or(0), &t.currency),
                    receiver(&t.receiver_id),
                    t.onward_at.map(when).unwrap_or_default(),
                    t.onward_payment_id.as_deref().unwrap_or("?")
                ),
            };
            reasons.push(path);
        }
        if a.traced.len() > 10 {
            reasons.push(format!("… and {} more payment(s)", a.traced.len() - 10));
        }
        reasons.push(format!(
            "{} of the traced payments fall within 3 days before or 7 days after a removal on the payer's shop",
            pct(f.timed_share)
        ));
    }
    let evidence = evidence(a, evidence_removals, &reasons);
    InsiderSuspect {
        employee_id: emp.clone(),
        score: s,
        removals_total: f.total,
        removals_legitimate: f.legitimate,
        shops,
        money_traced: f.money.get(&currency),
        currency,
        reasons,
        evidence,
    }
}

fn evidence(a: &Analysis, max_removals: usize, reasons: &[String]) -> Evidence {
    let mut e = Evidence::default();
    let emp = &a.employee_id;
    e.node(emp.clone(), "Account", Some("staff".into()));
    let receivers: BTreeSet<&str> = a.traced.iter().map(|t| t.receiver_id.as_str()).collect();
    for p in a
        .proxies
        .iter()
        .filter(|p| receivers.contains(p.proxy_id.as_str()))
    {
        e.node(p.proxy_id.clone(), "Account", Some("proxy".into()));
        e.edge(
            EvidenceEdge::new(emp.clone(), p.proxy_id.clone(), "SHARES_IDENTIFIER")
                .record(p.key.clone()),
        );
    }
    for t in &a.traced {
        e.node(t.owner_id.clone(), "Account", Some("shop owner".into()));
        let first_to = t.via_id.clone().unwrap_or_else(|| t.receiver_id.clone());
        e.edge(
            EvidenceEdge::new(t.owner_id.clone(), first_to.clone(), "TRANSFER")
                .record(t.payment_id.clone())
                .at(t.at)
                .amount(t.amount, &t.currency),
        );
        if let Some(v) = &t.via_id {
            e.node(v.clone(), "Account", Some("intermediary".into()));
            let mut onward = EvidenceEdge::new(v.clone(), t.receiver_id.clone(), "TRANSFER");
            onward.record_id = t.onward_payment_id.clone();
            onward.at = t.onward_at;
            if let Some(x) = t.onward_amount {
                onward = onward.amount(x, &t.currency);
            }
            e.edge(onward);
        }
    }
    let paying: BTreeSet<&str> = a.traced.iter().map(|t| t.owner_id.as_str()).collect();
    // removals on paying owners' shops first: they carry the case
    let mut shown: Vec<&(RemovalFacts, Verdict)> =
        a.removals.iter().filter(|(_, v)| v.legitimate).collect();
    shown.sort_by_key(|(r, _)| !paying.contains(r.owner_id.as_str()));
    for (r, _) in shown.into_iter().take(max_removals) {
        e.node(
            r.review_id.clone(),
            "Review",
            Some(format!("rating {}", r.rating)),
        );
        e.node(r.shop_id.clone(), "Shop", None);
        e.edge(
            EvidenceEdge::new(emp.clone(), r.review_id.clone(), "REMOVED")
                .record(r.event_id.clone())
                .at(r.at),
        );
        e.edge(EvidenceEdge::new(
            r.review_id.clone(),
            r.shop_id.clone(),
            "ABOUT",
        ));
        e.edge(EvidenceEdge::new(
            r.owner_id.clone(),
            r.shop_id.clone(),
            "OWNS",
        ));
    }
    for r in reasons {
        e.reason(r.clone());
    }
    e
}

/// Scores every staff account with removals and stores the results (replacing the previous
/// run's). Returns how many score at least [`DEFAULT_MIN_SCORE`].
#[tracing::instrument(skip_all)]
pub async fn run(
    graph: &Graph,
    params: &InsiderParams,
    run_id: &str,
    rings_run: Option<&str>,
) -> Result<u64, DetectError> {
    let started = Instant::now();
    let mut removals: Vec<RemovalFacts> = Vec::new();
    graph
        .for_each_row(
            &q::INSIDER_REMOVALS,
            Params::new().with("ringsRunId", rings_run),
            |r: RemovalFacts| removals.push(r),
        )
        .await?;
    let n_removals = removals.len();
    let analyses = analyse(graph, removals, params).await?;
    let peer_median = score::median(
        analyses
            .iter()
            .filter(|a| a.features.total >= params.peer_min_removals)
            .map(|a| a.features.repeat_share)
            .collect(),
    );
    let suspects: Vec<InsiderSuspect> = analyses
        .iter()
        .map(|a| describe(a, peer_median, params.evidence_removals))
        .collect();
    let found = suspects
        .iter()
        .filter(|s| s.score >= DEFAULT_MIN_SCORE)
        .count() as u64;
    store::store(graph, run_id, &suspects).await?;
    tracing::info!(
        removals = n_removals,
        staff = suspects.len(),
        found,
        peer_median,
        millis = started.elapsed().as_millis() as u64,
        "insider ranking stored"
    );
    Ok(found)
}

/// The full picture for one employee, computed live (every removal with its verdict).
#[tracing::instrument(skip(graph, params))]
pub async fn trace(
    graph: &Graph,
    employee_id: &str,
    params: &InsiderParams,
) -> Result<Analysis, DetectError> {
    let mut removals = Vec::new();
    graph
        .for_each_row(
            &q::INSIDER_REMOVALS_OF,
            Params::new().with("id", employee_id),
            |r: RemovalFacts| removals.push(r),
        )
        .await?;
    let mut all = analyse(graph, removals, params).await?;
    Ok(all.pop().unwrap_or_else(|| Analysis {
        employee_id: employee_id.to_string(),
        removals: Vec::new(),
        proxies: Vec::new(),
        traced: Vec::new(),
        features: score::Features::default(),
    }))
}
