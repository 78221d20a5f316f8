//! Extortion incidents: a negative review (rating ≤ 2) on a shop → a message to the shop's
//! owner from the reviewer or an account tied to them → a private payment (no order) from the
//! owner to an account tied to the reviewer → the review withdrawn or revised to ≥ 3 by its
//! author. Steps must be in time order within [`IncidentParams`] windows.
//!
//! **Installments.** A merchant often pays in parts, days apart, and the review goes only
//! after the last: the owner's later private payments to the same payee, each within
//! [`chain::INSTALLMENT_GAP_MS`] of the one before and before the withdrawal, belong to the
//! same incident ([`chain::extend_over_installments`]); its amount is their total, every one
//! is an evidence edge, and the withdrawal window runs from the last.
//!
//! **Stockpiled reviews.** A crew may pan a shop for weeks and then sell the removal of all
//! of it in one deal. A contact and a payment past the windows still make a chain for a
//! review when its author withdraws it within [`IncidentParams::retract_window_ms`] of the
//! payment: the withdrawal is what ties the late deal to that review. A payment whose chains
//! include such withdrawals bought those reviews; a review of the same shop that stayed up
//! is not another incident of it ([`chain::keep_what_payments_bought`]).
//!
//! **Small takings.** A payment under the hush-money minimum (and above the commerce floor)
//! makes a chain only when it is complete and went to an account other than the reviewer:
//! an owner's goodwill red packet goes to the disappointed buyer itself
//! ([`crate::detect::thresholds::Thresholds::is_hush_money`]).
//!
//! **Ties** accepted between the reviewer and the paid account: same account, a shared rare
//! identifier (rare as defined in [`crate::detect::thresholds`]), a referral, a private
//! transfer, membership of the same stored ring (rings run first), the payee passing the
//! money on to such an account within days, or (weaker, [`chain::SETTLEMENT_STRENGTH`]) the
//! payee, no shop owner, paying such an account at any other time: a collector account
//! settling up with the organizer who recruited the reviewer. The contacting account is tied to the reviewer the same way,
//! *or to the payee*: crews split the roles, and the negotiator who messages the owner often
//! shares a device, phone or address with the account that is paid, or money passes between
//! them. Messages alone are no tie.
//!
//! **Confidence** ([`chain::confidence`]): complete 0.95; contact + payment without
//! withdrawal 0.7; payment + withdrawal without recorded contact 0.65; payment alone 0.35
//! (below [`DEFAULT_MIN_CONFIDENCE`]); times the weakest tie's strength (1.0 for the same
//! account, a referral or a ring; 0.9 for a transfer or a forward; 0.8 for a settlement;
//! `0.9 + 0.1/(n-1)` for an
//! identifier shared by `n` accounts). Partial chains say what is missing in their reasons.
//!
//! **Known false positives.** Resolved disputes: the owner's refund carries an order id, so it
//! is not a private transfer and never a step. Freelancers (photographers, ad agencies) and
//! insiders' relatives paid by many owners: a payee must owe at least half of the owners who
//! ever paid it privately to incidents ([`explained_payees`]). An owner's unrelated private payment to a
//! reviewer's relative within the window would be reported (with a low-confidence partial
//! chain unless a contact and a withdrawal line up).
//!
//! **Queries.** The victim-side projection of [`crate::detect::victim`], ties of
//! [`crate::detect::ties`], `ring_memberships`; storage `incidents_clear`, `incidents_store`;
//! reads `incidents_list`.

pub mod attempts;
pub mod chain;
mod store;

pub use chain::TieUsed;
pub use store::{get, list, store, IncidentFilter};

use super::rings::candidates;
use super::ties::{TieParams, Ties};
use super::victim::VictimSide;
use super::{DetectError, Evidence, EvidenceEdge};
use crate::graph::{queries as q, Graph, Params};
use crate::model::format_minor;
use std::collections::HashMap;
use std::time::Instant;

/// Incidents at least this confident are reported by default.
pub const DEFAULT_MIN_CONFIDENCE: f64 = 0.5;

const DAY: i64 = 24 * 3600 * 1000;

#[derive(Debug, Clone)]
pub struct IncidentParams {
    /// Contact within this long after the review.
    pub contact_window_ms: i64,
    /// Payment within this long after the contact.
    pub pay_after_contact_ms: i64,
    /// Payment within this long after the review when no contact was recorded.
    pub pay_without_contact_ms: i64,
    /// Withdrawal or upward revision within this long after the (last installment of the)
    /// payment.
    pub retract_window_ms: i64,
    /// Private payments below this (minor units) are not hush money, unless a crew's small
    /// takings ([`crate::detect::thresholds::Thresholds::is_hush_money`]).
    pub min_payment: i64,
    /// Private payments of at most this are ordinary commerce, never a chain's.
    pub commerce_floor: i64,
    /// A payee must owe at least this share of the shop owners paying it privately to
    /// incidents: a freelancer or an insider's relative paid by dozens of owners is not
    /// explained by one owner who paid it after a review (the rule rings apply too).
    pub min_explained: f64,
    pub ties: TieParams,
}

impl IncidentParams {
    /// How long after a review an owner's payment can still be part of its chain.
    pub fn pay_reach_ms(&self) -> i64 {
        self.pay_without_contact_ms
            .max(self.contact_window_ms + self.pay_after_contact_ms)
    }
}

impl Default for IncidentParams {
    fn default() -> Self {
        IncidentParams {
            contact_window_ms: 7 * DAY,
            pay_after_contact_ms: 7 * DAY,
            pay_without_contact_ms: 14 * DAY,
            retract_window_ms: crate::detect::thresholds::WITHDRAWAL_WINDOW_MS,
            min_payment: crate::detect::thresholds::current().hush_money_min_minor,
            commerce_floor: crate::detect::thresholds::current().commerce_floor_minor,
            min_explained: 0.5,
            ties: TieParams::default(),
        }
    }
}

/// One extortion incident around one negative review.
#[derive(Debug, Clone, PartialEq)]
pub struct Incident {
    pub id: String,
    pub review_id: String,
    pub shop_id: String,
    pub reviewer_id: String,
    pub contact_id: Option<String>,
    pub payee_id: String,
    pub payment_id: String,
    pub amount: i64,
    pub currency: String,
    pub reviewed_at: i64,
    pub contacted_at: Option<i64>,
    pub paid_at: i64,
    pub retracted_at: Option<i64>,
    pub confidence: f64,
    /// All four steps are present.
    pub complete: bool,
    pub ties: Vec<TieUsed>,
    pub reasons: Vec<String>,
    pub evidence: Evidence,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct MembershipRow {
    ring_id: String,
    account_id: String,
}

/// Recomputes every incident and replaces the stored ones.
// `v` stays out of the span: formatted, it is a 100 MB line at 1M accounts.
#[tracing::instrument(skip(graph, params, v))]
pub async fn run(
    graph: &Graph,
    params: &IncidentParams,
    run_id: &str,
    rings_run: Option<&str>,
    v: &mut VictimSide,
) -> Result<u64, DetectError> {
    let found = detect_on(graph, params, rings_run, v, &[]).await?;
    store::store(graph, run_id, &found.incidents).await?;
    store_chain_pairs(graph, run_id, &found.chain_pairs).await?;
    Ok(found.incidents.len() as u64)
}

/// Records on run `run_id` the (payee, owner) pairs of every chain before the payee rule:
/// an incremental run counts the pairs of owners it does not recompute from them.
pub async fn store_chain_pairs(
    graph: &Graph,
    run_id: &str,
    pairs: &[(String, String)],
) -> Result<(), DetectError> {
    let (payees, owners): (Vec<String>, Vec<String>) = pairs.iter().cloned().unzip();
    graph
        .run(
            &q::DETECTION_RUN_CHAIN_PAIRS_SET,
            Params::new()
                .with("runId", run_id)
                .with("payees", payees)
                .with("owners", owners),
        )
        .await?;
    Ok(())
}

/// The chain pairs recorded on run `run_id` ([`store_chain_pairs`]); None for a run that
/// recorded none (older than this record).
pub async fn chain_pairs(
    graph: &Graph,
    run_id: &str,
) -> Result<Option<Vec<(String, String)>>, DetectError> {
    #[derive(serde::Deserialize)]
    struct PairsRow {
        payees: Option<Vec<String>>,
        owners: Option<Vec<String>>,
    }
    let row: Option<PairsRow> = graph
        .row(
            &q::DETECTION_RUN_CHAIN_PAIRS,
            Params::new().with("runId", run_id),
            std::time::Duration::from_secs(60),
        )
        .await?;
    Ok(row.and_then(|r| match (r.payees, r.owners) {
        (Some(p), Some(o)) if p.len() == o.len() => Some(p.into_iter().zip(o).collect()),
        _ => None,
    }))
}

/// What [`detect_on`] found: the incidents, and the (payee, owner) pairs of every chain
/// before the payee rule, sorted.
pub struct Found {
    pub incidents: Vec<Incident>,
    pub chain_pairs: Vec<(String, String)>,
}

/// Finds incidents without storing them. Ring membership comes from rings run `rings_run`
/// (None: the last complete one).
pub async fn detect(
    graph: &Graph,
    p: &IncidentParams,
    rings_run: Option<&str>,
) -> Result<Vec<Incident>, DetectError> {
    detect_in(graph, p, rings_run, None).await
}

/// [`detect`] over the negative reviews of the shops in `scope` (None: all).
pub async fn detect_in(
    graph: &Graph,
    p: &IncidentParams,
    rings_run: Option<&str>,
    scope: Option<&crate::detect::victim::Scope>,
) -> Result<Vec<Incident>, DetectError> {
    let mut v = VictimSide::load_in(graph, scope).await?;
    Ok(detect_on(graph, p, rings_run, &mut v, &[]).await?.incidents)
}

/// Finds incidents over a loaded victim-side projection (shared with rings: only its
/// account numbering grows, and nothing here depends on that numbering). `outside`: chain
/// pairs (payee, owner) of owners whose shops are not in the projection, counted by the
/// payee rule (an incremental run's; empty for a whole projection).
pub async fn detect_on(
    graph: &Graph,
    p: &IncidentParams,
    rings_run: Option<&str>,
    v: &mut VictimSide,
    outside: &[(String, String)],
) -> Result<Found, DetectError> {
    let started = Instant::now();
    let pay_reach = p.pay_reach_ms();
    let cands: Vec<candidates::Candidate> =
        candidates::generate(v, pay_reach, p.contact_window_ms, true)
            .into_iter()
            .filter_map(|mut c| {
                c.retain_payments(v, |x| x.amount > p.commerce_floor)
                    .then_some(c)
            })
            .collect();
    let mut rings: HashMap<u32, Vec<String>> = HashMap::new();
    {
        let accounts = &mut v.accounts;
        graph
            .for_each_row(
                &q::RING_MEMBERSHIPS,
                Params::new()
                    .with("minScore", super::rings::DEFAULT_MIN_SCORE)
                    .with("runId", rings_run),
                |r: MembershipRow| {
                    rings
                        .entry(accounts.intern(&r.account_id))
                        .or_default()
                        .push(r.ring_id)
                },
            )
            .await?;
    }
    // ties of reviewers and payees, the capped ones nearest the review
    let mut needs_ties: Vec<(u32, i64)> = Vec::new();
    for c in &cands {
        let (a, at) = (v.negative[c.review].author, v.negative[c.review].at);
        if c.payments(v).any(|x| x.to != a) || c.contacts(v).any(|x| x.from != a) {
            needs_ties.push((a, at));
            needs_ties.extend(c.payments(v).map(|x| (x.to, at)).filter(|x| x.0 != a));
        }
    }
    // messages are no tie for incidents
    let light = TieParams {
        messages: false,
        ..p.ties
    };
    let mut ties = Ties::default();
    ties.fetch(graph, &mut v.accounts, &needs_ties, light)
        .await?;
    let (pairs, vias) = ties.size();
    tracing::info!(
        accounts = needs_ties.len(),
        tie_pairs = pairs,
        ties = vias,
        millis = started.elapsed().as_millis() as u64,
        peak_rss_mib = crate::detect::peak_rss_mib(),
        "extortion ties"
    );
    let w = chain::Windows {
        contact_ms: p.contact_window_ms,
        pay_after_contact_ms: p.pay_after_contact_ms,
        pay_without_contact_ms: p.pay_without_contact_ms,
        retract_ms: p.retract_window_ms,
        thresholds: crate::detect::thresholds::Thresholds {
            hush_money_min_minor: p.min_payment,
            commerce_floor_minor: p.commerce_floor,
            ..crate::detect::thresholds::current()
        },
    };
    let mut chains: Vec<chain::Chain> = cands
        .iter()
        .filter_map(|c| chain::best_chain(v, &ties, &rings, c, w))
        .collect();
    chain::extend_over_installments(v, &mut chains, p.min_payment, p.retract_window_ms);
    chain::keep_what_payments_bought(&mut chains);
    let mut chain_pairs: Vec<(String, String)> = chains
        .iter()
        .map(|ch| {
            let owner = v.owner_of(&v.negative[ch.review]);
            (
                v.accounts.name(ch.payment.to).to_string(),
                v.accounts.name(owner).to_string(),
            )
        })
        .collect();
    chain_pairs.sort();
    chain_pairs.dedup();
    let mut out: Vec<Incident> =
        explained_payees(v, chains, outside, p.min_explained, p.min_payment)
            .iter()
            .map(|ch| describe(v, &ties, ch))
            .collect();
    out.sort_by(|a, b| b.confidence.total_cmp(&a.confidence).then(a.id.cmp(&b.id)));
    tracing::info!(
        candidates = cands.len(),
        incidents = out.len(),
        above_threshold = out
            .iter()
            .filter(|i| i.confidence >= DEFAULT_MIN_CONFIDENCE)
            .count(),
        millis = started.elapsed().as_millis() as u64,
        peak_rss_mib = crate::detect::peak_rss_mib(),
        "extortion incidents detected"
    );
    Ok(Found {
        incidents: out,
        chain_pairs,
    })
}

/// Keeps the chains whose payee owes at least `min_share` of the owners who ever paid it
/// privately to chains: an account that many shops pay for services (a photographer, an ad
/// agency, an insider's relative) collects no hush money because one payer's review fits.
/// Only payments of at least `min_payment` count, as for chains: an owner who sent a crew's
/// collector a few yuan (or whose hush money was under the minimum) says nothing about it.
/// `outside` adds the chains of owners outside the projection, as (payee, owner) ids.
pub fn explained_payees(
    v: &VictimSide,
    chains: Vec<chain::Chain>,
    outside: &[(String, String)],
    min_share: f64,
    min_payment: i64,
) -> Vec<chain::Chain> {
    let mut payers: HashMap<u32, std::collections::HashSet<u32>> = HashMap::new();
    for (owner, list) in &v.transfers {
        for t in list.iter().filter(|t| t.amount >= min_payment) {
            payers.entry(t.to).or_default().insert(*owner);
        }
    }
    let mut explained: HashMap<u32, std::collections::HashSet<&str>> = HashMap::new();
    for ch in &chains {
        explained
            .entry(ch.payment.to)
            .or_default()
            .insert(v.accounts.name(v.owner_of(&v.negative[ch.review])));
    }
    for (payee, owner) in outside {
        if let Some(payee) = v.accounts.get(payee) {
            explained.entry(payee).or_default().insert(owner);
        }
    }
    chains
        .into_iter()
        .filter(|ch| {
            let all = payers.get(&ch.payment.to).map_or(1, |s| s.len()).max(1);
            let ok = explained.get(&ch.payment.to).map_or(0, |s| s.len());
            ok as f64 >= min_share * all as f64
        })
        .collect()
}

pub(crate) fn time(ms: i64) -> String {
    crate::model::Timestamp(ms).rfc3339()
}

pub(crate) fn hours(ms: i64) -> String {
    format!("{:.1} h", ms as f64 / 3.6e6)
}

fn describe(v: &VictimSide, ties: &Ties, ch: &chain::Chain) -> Incident {
    let r = &v.negative[ch.review];
    let shop = &v.shops[r.shop as usize];
    let name = |a: u32| v.accounts.name(a).to_string();
    let (reviewer, owner) = (name(r.author), name(shop.owner));
    let pay = &ch.payment;
    let payee = name(pay.to);
    let mut ev = Evidence::default();
    let mut reasons = Vec::new();
    ev.node(reviewer.clone(), "Account", Some("reviewer".into()));
    ev.node(r.id.clone(), "Review", Some(format!("rating {}", r.rating)));
    ev.node(shop.id.clone(), "Shop", Some("victim".into()));
    ev.node(owner.clone(), "Account", Some("victim owner".into()));
    ev.edge(EvidenceEdge::new(reviewer.clone(), r.id.clone(), "WROTE").at(r.at));
    ev.edge(EvidenceEdge::new(r.id.clone(), shop.id.clone(), "ABOUT"));
    ev.edge(EvidenceEdge::new(owner.clone(), shop.id.clone(), "OWNS"));
    reasons.push(format!(
        "{reviewer} posted a {}-star review {} on shop {} (owner {owner}) at {}.",
        r.rating,
        r.id,
        shop.id,
        time(r.at)
    ));
    let mut last = r.at;
    if let Some(c) = &ch.contact {
        let from = name(c.from);
        ev.node(from.clone(), "Account", Some("contact".into()));
        ev.node(c.message_id.clone(), "Message", None);
        ev.edge(
            EvidenceEdge::new(from.clone(), owner.clone(), "MESSAGED")
                .record(c.message_id.clone())
                .at(c.at),
        );
        reasons.push(format!(
            "{from} messaged {owner} (message {}) at {}, {} after the review.",
            c.message_id,
            time(c.at),
            hours(c.at - r.at)
        ));
        last = c.at;
    } else {
        reasons.push(
            "Partial: no message to the owner was recorded (negotiated off-platform?).".into(),
        );
    }
    ev.node(payee.clone(), "Account", Some("paid".into()));
    for p in ch.payments() {
        let payer = name(p.payer(shop.owner));
        if payer != owner {
            ev.node(payer.clone(), "Account", Some("owner's household".into()));
        }
        ev.node(p.payment_id.clone(), "Payment", Some("private".into()));
        ev.edge(
            EvidenceEdge::new(payer, payee.clone(), "PAID")
                .record(p.payment_id.clone())
                .at(p.at)
                .amount(p.amount, &p.currency),
        );
    }
    let paid_by = match &pay.household {
        Some(h) => format!(
            "{}, who shares the {} {} with {owner}, paid {payee} on the owner's behalf",
            name(h.payer),
            h.kind,
            h.key
        ),
        None => format!("{owner} privately paid {payee}"),
    };
    reasons.push(format!(
        "{paid_by} {} {} (payment {}, no order) at {}, {} after the {}.",
        format_minor(pay.amount),
        pay.currency,
        pay.payment_id,
        time(pay.at),
        hours(pay.at - last),
        if ch.contact.is_some() {
            "contact"
        } else {
            "review"
        }
    ));
    if let Some(end) = ch.installments.last() {
        let each: Vec<String> = ch
            .installments
            .iter()
            .map(|p| {
                format!(
                    "{} {} (payment {}) at {}",
                    format_minor(p.amount),
                    p.currency,
                    p.payment_id,
                    time(p.at)
                )
            })
            .collect();
        reasons.push(format!(
            "{owner} went on paying {payee} in {} more installment(s), each within {} of the one before: {}; {} {} in all over {}.",
            ch.installments.len(),
            hours(chain::INSTALLMENT_GAP_MS),
            each.join(", "),
            format_minor(ch.amount()),
            pay.currency,
            hours(end.at - pay.at)
        ));
    }
    let paid_last = ch.installments.last().map_or(pay.at, |p| p.at);
    if let Some(x) = &ch.retraction {
        let what = if x.action == "withdrawn" {
            "withdrew the review".to_string()
        } else {
            format!(
                "revised the review to {} stars",
                x.new_rating.unwrap_or_default()
            )
        };
        ev.node(x.event_id.clone(), "ReviewEvent", Some(x.action.clone()));
        ev.edge(
            EvidenceEdge::new(reviewer.clone(), r.id.clone(), "RETRACTED")
                .record(x.event_id.clone())
                .at(x.at),
        );
        reasons.push(format!(
            "{reviewer} {what} (event {}) at {}, {} after the {}payment.",
            x.event_id,
            time(x.at),
            hours(x.at - paid_last),
            if ch.installments.is_empty() {
                ""
            } else {
                "last "
            }
        ));
    } else {
        reasons.push("Partial: the review has not been withdrawn or revised upward (yet).".into());
    }
    for (k, t) in ch.ties.iter().enumerate() {
        // the contact and the payee are often the same tied account: one tie, said once
        if t.kind == "same_account" || t.kind == "contact_is_payee" || ch.ties[..k].contains(t) {
            continue;
        }
        let detail = t
            .detail
            .as_ref()
            .map(|d| format!(" ({d})"))
            .unwrap_or_default();
        let base = if let Some(base) = t.kind.strip_prefix("owner_household:") {
            reasons.push(format!(
                "{} shares the {base}{detail} with the owner {} ({}): the owner's household.",
                t.to,
                t.from,
                match t.strength {
                    s if s >= 1.0 => "nobody else uses it".to_string(),
                    _ => "a rare identifier".to_string(),
                }
            ));
            base
        } else {
            match t.kind.strip_prefix("contact_tied_to_payee:") {
                Some(base) => {
                    reasons.push(format!(
                    "{}, who messaged the owner, is tied to the paid account {} by {}{detail}: the crew splits talking and collecting.",
                    t.to,
                    t.from,
                    base.replace('_', " ")
                ));
                    base
                }
                None => {
                    reasons.push(format!(
                        "{} is tied to {} by {}{detail}.",
                        t.to,
                        t.from,
                        t.kind.replace('_', " ")
                    ));
                    t.kind.as_str()
                }
            }
        };
        match (&t.detail, base) {
            (Some(d), "device" | "ip" | "phone" | "address" | "card") => {
                ev.node(d.clone(), "Identifier", Some(base.to_string()));
                ev.edge(EvidenceEdge::new(t.from.clone(), d.clone(), "USES"));
                ev.edge(EvidenceEdge::new(t.to.clone(), d.clone(), "USES"));
            }
            (Some(d), "transfer") => {
                ev.node(d.clone(), "Payment", Some("private".into()));
            }
            // the payee passing money on to (or settling up with) the reviewer's associate
            (Some(d), k) if k.starts_with("forwarded_to:") || k.starts_with("settles_with:") => {
                let associate = k.split_once(':').map_or(k, |x| x.1).to_string();
                ev.node(d.clone(), "Payment", Some("private".into()));
                ev.node(
                    associate.clone(),
                    "Account",
                    Some("tied to the reviewer".into()),
                );
                ev.edge(EvidenceEdge::new(t.to.clone(), associate, "PAID").record(d.clone()));
            }
            (None, "referral") => {
                ev.edge(EvidenceEdge::new(t.from.clone(), t.to.clone(), "REFERRED"));
            }
            _ => {}
        }
    }
    reasons.extend(ties.cap_reasons(&v.accounts, &[r.author, pay.to]));
    let complete = ch.contact.is_some() && ch.retraction.is_some();
    reasons.insert(
        0,
        format!(
            "Confidence {:.2}: {} chain.",
            ch.confidence,
            if complete { "complete" } else { "partial" }
        ),
    );
    ev.reasons = reasons.clone();
    Incident {
        id: format!("incident-{}", r.id),
        review_id: r.id.clone(),
        shop_id: shop.id.clone(),
        reviewer_id: reviewer,
        contact_id: ch.contact.as_ref().map(|c| name(c.from)),
        payee_id: payee,
        payment_id: pay.payment_id.clone(),
        amount: ch.amount(),
        currency: pay.currency.clone(),
        reviewed_at: r.at,
        contacted_at: ch.contact.as_ref().map(|c| c.at),
        paid_at: pay.at,
        retracted_at: ch.retraction.as_ref().map(|x| x.at),
        confidence: (ch.confidence * 1000.0).round() / 1000.0,
        complete,
        ties: ch.ties.clone(),
        reasons,
        evidence: ev,
    }
}
