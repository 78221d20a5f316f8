//! A seller's money reaching a group: the group's organizer (the member who coordinates the
//! most reviewing members — pays them above the commerce floor, invites or messages them —
//! as lineage picks it), then the shared money walk
//! ([`crate::detect::money::walk_back`]) from the organizer back to a seller who competes with
//! the victims. The same walk names the beneficiary and the mules in `agentLineage`, so a
//! ring and a lineage of the same campaign agree on who funded it.

use super::RingParams;
use crate::detect::money::{walk_back, Transfer, WalkGraph};
use crate::detect::ties::{TieParams, Ties, Via};
use crate::detect::victim::VictimSide;
use crate::detect::DetectError;
use crate::graph::Graph;
use std::collections::{BTreeMap, HashMap, HashSet};

/// The money behind a group: who received it, the chain (beneficiary first) and whether the
/// beneficiary competes with the victims.
#[derive(Debug, Clone)]
pub struct Funding {
    pub organizer: u32,
    pub chain: Vec<Transfer<u32>>,
}

impl Funding {
    pub fn beneficiary(&self) -> u32 {
        self.chain[0].from
    }

    /// The accounts that passed the money on (mules), in chain order.
    pub fn intermediaries(&self) -> Vec<u32> {
        self.chain[1..].iter().map(|t| t.from).collect()
    }
}

/// Members who coordinate at least two reviewing members (pay above the commerce floor,
/// invite, or message them), most first, each with the bound of its money walk: its last
/// payout to a reviewer, else the last review.
pub fn coordinators(
    ties: &Ties,
    members: &[u32],
    reviewers: &HashSet<u32>,
    last_review: i64,
) -> Vec<(u32, i64)> {
    let th = crate::detect::thresholds::current();
    let mut out: Vec<(u32, usize, i64)> = Vec::new();
    for &m in members {
        let mut coordinated = HashSet::new();
        let mut last = i64::MIN;
        for &r in members.iter().filter(|r| **r != m && reviewers.contains(r)) {
            for via in ties.between(m, r) {
                match via {
                    Via::Transfer {
                        from, amount, at, ..
                    } if *from == m && th.above_commerce(*amount) => {
                        coordinated.insert(r);
                        last = last.max(*at);
                    }
                    Via::Referral { inviter, .. } if *inviter == m => {
                        coordinated.insert(r);
                    }
                    Via::Message { .. } => {
                        coordinated.insert(r);
                    }
                    _ => {}
                }
            }
        }
        if coordinated.len() >= 2 {
            let bound = if last == i64::MIN { last_review } else { last };
            out.push((m, coordinated.len(), bound));
        }
    }
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out.into_iter().map(|(m, _, bound)| (m, bound)).collect()
}

/// Walks back from the group's payers to a competing seller (see the module header).
/// `victims` are the owners of the shops the group's members panned; `categories` those of
/// the shops it attacked.
#[allow(clippy::too_many_arguments)]
pub async fn find(
    graph: &Graph,
    v: &mut VictimSide,
    ties: &mut Ties,
    members: &[u32],
    reviewers: &HashSet<u32>,
    last_review: i64,
    victims: &HashSet<u32>,
    categories: &HashSet<String>,
    owners_cat: &HashMap<u32, Vec<String>>,
    p: &RingParams,
) -> Result<Option<Funding>, DetectError> {
    if categories.is_empty() {
        return Ok(None);
    }
    let rules = p.walk;
    let light = TieParams {
        messages: false,
        ..p.ties
    };
    for (organizer, bound) in coordinators(ties, members, reviewers, last_review) {
        // fetch the incoming money of up to `max_hops` levels of senders
        let mut frontier = vec![organizer];
        let mut seen: HashSet<u32> = reviewers.clone();
        seen.insert(organizer);
        for _ in 0..rules.max_hops {
            let rows: Vec<(u32, i64)> = frontier.iter().map(|&a| (a, bound)).collect();
            ties.fetch(graph, &mut v.accounts, &rows, light).await?;
            let mut next: BTreeMap<u32, ()> = BTreeMap::new();
            for &a in &frontier {
                for t in ties.incoming(a) {
                    let early = t.at <= bound && bound - t.at <= rules.lead_ms + 3 * rules.hop_ms;
                    if early
                        && t.amount > rules.floor
                        && !victims.contains(&t.from)
                        && seen.insert(t.from)
                    {
                        next.insert(t.from, ());
                    }
                }
            }
            frontier = next.into_keys().collect();
            if frontier.is_empty() {
                break;
            }
        }
        let incoming = |a: &u32| ties.incoming(*a);
        let is_head = |a: &u32| {
            !victims.contains(a)
                && owners_cat
                    .get(a)
                    .is_some_and(|cs| cs.iter().any(|c| categories.contains(c)))
        };
        // a mule may have joined the group (it paid the organizer and messaged another
        // member): only reviewers, the organizer and victims' owners never pass money on
        let may_pass = |a: &u32| *a != organizer && !reviewers.contains(a) && !victims.contains(a);
        let g = WalkGraph {
            incoming: &incoming,
            is_head: &is_head,
            may_pass: &may_pass,
        };
        let chain = walk_back(&organizer, bound, &g, &rules);
        tracing::debug!(
            organizer = v.accounts.name(organizer),
            bound,
            incoming = ties.incoming(organizer).len(),
            found = chain.is_some(),
            "money walk"
        );
        if let Some(chain) = chain {
            return Ok(Some(Funding { organizer, chain }));
        }
    }
    Ok(None)
}
