//! Ring detection: groups of accounts that act together against shops, scored 0..1 and
//! explained.
//!
//! **Pattern.** Extortion crews (差评师) post negative reviews, contact the shop owner and get
//! paid privately; hired campaigns pan a seller's rivals in lockstep, paid by that seller
//! through mules. Each signal alone is weak; a ring needs at least one malicious one.
//!
//! **Signals** (one function each in [`signals`], the formula in [`score`]): victim hits
//! (owner → member private payment and/or member → owner contact after a member's negative
//! review, [`candidates`]; the contact may be a negotiator tied to the payee rather than to
//! the reviewer); lockstep negative reviews on the same shops within a window, peeled with
//! FRAUDAR column weighting ([`lockstep`], [`peel`]); shared rare identifiers weighted
//! `1/(n-1)` (rare as defined in [`crate::detect::thresholds`]); referrals, private transfers
//! and messages among members ([`crate::detect::ties`]); a competing seller's money reaching
//! the organizer, found by the money walk lineage uses too ([`funding`]).
//!
//! **Membership and roles.** [`cluster`] lists the rules that put an account in a group
//! (dormant recruits of an operative's household included); [`roles`] the rules that name its
//! role, each with its reason; [`describe`] assembles the ring.
//!
//! **Known false positives and how they are kept out.** Households sharing a device who all
//! pan one genuinely bad shop: one shared target never makes a lockstep pair, fellow critics'
//! messages to the owner are not contacts, and without owner money the score is capped below
//! the threshold. Public Wi-Fi IPs: hubs tie nobody. Friends paying each other: no reviews,
//! no malicious signal. Resolved disputes: the refund carries an order id, so it is no
//! private transfer. Remaining risk: a family member who also extorts the same shop.
//!
//! **Queries.** Projections `rings_shops`, `rings_negative_reviews`, `rings_owner_transfers`,
//! `rings_owner_contacts`, `rings_review_retractions` (all streamed), ties around candidates
//! `rings_identifier_ties`, `rings_referral_ties`, `rings_transfer_ties`,
//! `rings_message_ties`; storage `rings_clear`, `rings_store`; reads `rings_list`,
//! `ring_by_id`.

pub mod candidates;
pub mod cluster;
pub mod describe;
pub mod funding;
pub mod lockstep;
pub mod paid;
pub mod peel;
pub mod roles;
pub mod score;
pub mod signals;
mod store;
pub mod unionfind;

pub use score::{RingKind, Role};
pub use store::{get, list, store, RingFilter};

use super::money::WalkRules;
use super::ties::{TieParams, Ties};
use super::victim::{self, VictimSide};
use super::{DetectError, Evidence};
use crate::graph::Graph;
use crate::model::Money;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Instant;

/// Rings scoring at least this are reported by default.
pub const DEFAULT_MIN_SCORE: f64 = 0.5;

const DAY: i64 = 24 * 3600 * 1000;

#[derive(Debug, Clone)]
pub struct RingParams {
    /// An owner's private payment within this long after a negative review is a candidate.
    pub pay_window_ms: i64,
    /// A message to the owner within this long after a negative review is a candidate.
    pub contact_window_ms: i64,
    pub lockstep: lockstep::LockstepParams,
    /// One account paying several authors of negative reviews of one category.
    pub paid: paid::PaidRules,
    pub ties: TieParams,
    /// An outsider tied to this many members of a group joins it.
    pub expand_min_ties: usize,
    pub min_members: usize,
    /// The money walk from the organizer back to a funding seller (shared with lineage).
    pub walk: WalkRules,
    pub hits: candidates::HitRules,
    /// A straggler (one negative review on a block's shop in its window) joins when its
    /// tie to a member weighs at least this (a referral, a transfer, a rare identifier).
    pub straggler_min_tie: f64,
}

impl Default for RingParams {
    fn default() -> Self {
        RingParams {
            pay_window_ms: 14 * DAY,
            contact_window_ms: 7 * DAY,
            lockstep: lockstep::LockstepParams::default(),
            paid: paid::PaidRules::default(),
            ties: TieParams::default(),
            expand_min_ties: 2,
            min_members: 2,
            walk: WalkRules::default(),
            hits: candidates::HitRules::default(),
            straggler_min_tie: 0.5,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct RingMember {
    pub account_id: String,
    pub role: Role,
    /// Share of the ring's evidence running through this member, 0..1 (1 = the most).
    pub contribution: f64,
}

/// A scored, explained ring.
#[derive(Debug, Clone, PartialEq)]
pub struct Ring {
    pub id: String,
    pub kind: RingKind,
    pub score: f64,
    pub members: Vec<RingMember>,
    pub victim_shops: Vec<String>,
    pub first_at: Option<i64>,
    pub last_at: Option<i64>,
    /// Paid privately by victims' owners to members, one amount per currency.
    pub money_in: Vec<Money>,
    /// Paid by members to other members (shares and fees), one amount per currency.
    pub money_out: Vec<Money>,
    pub reasons: Vec<String>,
    pub evidence: Evidence,
}

/// Recomputes every ring from the current graph and stores them as findings of run `run_id`
/// (readers see them once the run completes; see [`crate::detect::run`]).
/// `v` is the victim-side projection, loaded once for rings and extortion.
// `v` stays out of the span: formatted, it is a 100 MB line at 1M accounts.
#[tracing::instrument(skip(graph, params, v))]
pub async fn run(
    graph: &Graph,
    params: &RingParams,
    run_id: &str,
    v: &mut VictimSide,
) -> Result<u64, DetectError> {
    let rings = detect_on(graph, params, v).await?;
    let n = rings.len() as u64;
    store::store(graph, run_id, &rings).await?;
    Ok(n)
}

/// Finds rings without storing them.
pub async fn detect(graph: &Graph, p: &RingParams) -> Result<Vec<Ring>, DetectError> {
    detect_in(graph, p, None).await
}

/// Finds rings from the negative reviews of the shops in `scope` (None: all) without storing
/// them; an incremental run ([`crate::detect::incremental`]) chooses a scope closed enough.
pub async fn detect_in(
    graph: &Graph,
    p: &RingParams,
    scope: Option<&victim::Scope>,
) -> Result<Vec<Ring>, DetectError> {
    let mut v = VictimSide::load_in(graph, scope).await?;
    detect_on(graph, p, &mut v).await
}

/// Finds rings over a loaded victim-side projection (only its account numbering grows).
pub async fn detect_on(
    graph: &Graph,
    p: &RingParams,
    v: &mut VictimSide,
) -> Result<Vec<Ring>, DetectError> {
    let started = Instant::now();
    let cands = candidates::generate(v, p.pay_window_ms, p.contact_window_ms, false);
    let blocks = lockstep::find(v, &p.lockstep);
    let paid = paid::find(graph, v, p.paid).await?;
    tracing::info!(
        candidates = cands.len(),
        blocks = blocks.len(),
        paid_panning = paid.len(),
        millis = started.elapsed().as_millis() as u64,
        peak_rss_mib = crate::detect::peak_rss_mib(),
        "ring candidates"
    );
    let mut ties = Ties::default();
    // ties first only around candidates with a payment worth checking, without messages
    let mut around: Vec<(u32, i64)> = Vec::new();
    let th = p.hits.thresholds();
    for c in &cands {
        let (at, author) = (v.negative[c.review].at, v.negative[c.review].author);
        // what could be hush money, were a contact and a withdrawal around it (checked later)
        let paying: Vec<(u32, i64)> = c
            .payments(v)
            .filter(|x| th.is_hush_money(x.amount, x.to == author, true, true))
            .map(|x| (x.to, at))
            .collect();
        if !paying.is_empty() {
            around.push((v.negative[c.review].author, at));
            around.extend(paying);
        }
    }
    let light = TieParams {
        messages: false,
        ..p.ties
    };
    ties.fetch(graph, &mut v.accounts, &around, light).await?;
    let hits = candidates::validate(v, &ties, &cands, p.hits);
    let owners: HashSet<u32> = v.owners.clone();
    let seeds = cluster::Seeds {
        hits: &hits,
        blocks: &blocks,
        paid: &paid,
    };
    let clusters = cluster::cluster(graph, v, &mut ties, seeds, &owners, p).await?;
    let (pairs, vias) = ties.size();
    tracing::info!(
        groups = clusters.groups.len(),
        tie_pairs = pairs,
        ties = vias,
        millis = started.elapsed().as_millis() as u64,
        peak_rss_mib = crate::detect::peak_rss_mib(),
        "ring clusters"
    );
    // again with the ties of every group member: contacts by members count now
    let hits = candidates::validate(v, &ties, &cands, p.hits);
    let mut owners_cat: HashMap<u32, Vec<String>> = HashMap::new();
    for s in &v.shops {
        if let Some(c) = &s.category {
            owners_cat.entry(s.owner).or_default().push(c.clone());
        }
    }
    let mut reviews_of: HashMap<u32, Vec<usize>> = HashMap::new();
    for (i, r) in v.negative.iter().enumerate() {
        reviews_of.entry(r.author).or_default().push(i);
    }
    let mut rings = Vec::new();
    for members in clusters.groups {
        let set: HashSet<u32> = members.iter().copied().collect();
        let g_hits: Vec<&candidates::Hit> = hits
            .iter()
            .filter(|h| {
                set.contains(&v.negative[h.review].author)
                    && (h.payment.as_ref().is_some_and(|p| set.contains(&p.to))
                        || h.contact.as_ref().is_some_and(|c| set.contains(&c.from)))
            })
            .collect();
        let g_blocks: Vec<&lockstep::LockstepBlock> = blocks
            .iter()
            .filter(|b| b.accounts.iter().any(|a| set.contains(a)))
            .collect();
        let g_paid: Vec<&paid::PaidPanning> =
            paid.iter().filter(|x| set.contains(&x.payer)).collect();
        // the shops the group attacked, their owners and categories
        let mut attacked: HashSet<u32> = g_hits.iter().map(|h| v.negative[h.review].shop).collect();
        attacked.extend(g_blocks.iter().flat_map(|b| b.shops.iter().copied()));
        attacked.extend(g_paid.iter().flat_map(|x| x.paid.iter().map(|r| r.shop)));
        // every owner a member panned is a victim, attacked with proof or not: money it sends
        // the group (hush money under the minimum, say) is never a sponsor's
        let victims: HashSet<u32> = attacked
            .iter()
            .copied()
            .chain(
                members
                    .iter()
                    .flat_map(|a| reviews_of.get(a).into_iter().flatten())
                    .map(|&i| v.negative[i].shop),
            )
            .map(|s| v.shops[s as usize].owner)
            .collect();
        let categories: HashSet<String> = attacked
            .iter()
            .filter_map(|&s| v.shops[s as usize].category.clone())
            .collect();
        let attacks: Vec<&victim::NegativeReview> = members
            .iter()
            .flat_map(|a| reviews_of.get(a).into_iter().flatten())
            .map(|&i| &v.negative[i])
            .filter(|r| attacked.contains(&r.shop))
            .collect();
        let reviewers: HashSet<u32> = attacks.iter().map(|r| r.author).collect();
        let last_review = attacks.iter().map(|r| r.at).max().unwrap_or(0);
        let funding = funding::find(
            graph,
            v,
            &mut ties,
            &members,
            &reviewers,
            last_review,
            &victims,
            &categories,
            &owners_cat,
            p,
        )
        .await?;
        let recruited_by: BTreeMap<u32, u32> = clusters
            .recruited_by
            .iter()
            .filter(|(r, _)| set.contains(r))
            .map(|(r, o)| (*r, *o))
            .collect();
        let group = describe::Group {
            members,
            hits: g_hits,
            blocks: g_blocks,
            paid: g_paid,
            funding,
            recruited_by,
        };
        rings.push(describe::describe(p.lockstep.window_ms, v, &ties, &group));
    }
    rings.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.id.cmp(&b.id)));
    tracing::info!(
        rings = rings.len(),
        above_threshold = rings
            .iter()
            .filter(|r| r.score >= DEFAULT_MIN_SCORE)
            .count(),
        millis = started.elapsed().as_millis() as u64,
        peak_rss_mib = crate::detect::peak_rss_mib(),
        "rings detected"
    );
    Ok(rings)
}
