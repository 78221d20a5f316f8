//! A seller's money reaching a group: the group's organizer (the member who pays the most
//! reviewing members above the commerce floor), then the shared money walk
//! ([`crate::detect::money::walk_back`]) from the organizer back to a seller who competes with
//! the victims. The same walk names the beneficiary and the mules in `agentLineage`, so a
//! ring and a lineage of the same campaign agree on who funded it.

use super::RingParams;
use crate::detect::money::{walk_back, Transfer, WalkGraph};
use crate::detect::ties::{TieParams, Ties};
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

/// Members who paid at least two reviewing members above the commerce floor, with the time
/// of their last such payout: most payees first.
pub fn payers(ties: &Ties, members: &[u32], reviewers: &HashSet<u32>) -> Vec<(u32, i64)> {
    let floor = crate::detect::thresholds::current();
    let mut out: Vec<(u32, usize, i64)> = Vec::new();
    for &m in members {
        let mut paid = HashSet::new();
        let mut last = i64::MIN;
        for &r in members.iter().filter(|r| **r != m && reviewers.contains(r)) {
            for t in ties.transfers(m, r) {
                if floor.above_commerce(t.amount) {
                    paid.insert(r);
                    last = last.max(t.at);
                }
            }
        }
        if paid.len() >= 2 {
            out.push((m, paid.len(), last));
        }
    }
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out.into_iter().map(|(m, _, last)| (m, last)).collect()
}

/// Walks back from the group's payers to a competing seller (see the module header).
/// `victims` are the owners of the shops the group attacked; `categories` their categories.
#[allow(clippy::too_many_arguments)]
pub async fn find(
    graph: &Graph,
    v: &mut VictimSide,
    ties: &mut Ties,
    members: &[u32],
    reviewers: &HashSet<u32>,
    victims: &HashSet<u32>,
    categories: &HashSet<String>,
    owners_cat: &HashMap<u32, Vec<String>>,
    p: &RingParams,
) -> Result<Option<Funding>, DetectError> {
    if categories.is_empty() {
        return Ok(None);
    }
    let rules = p.walk;
    let set: HashSet<u32> = members.iter().copied().collect();
    let light = TieParams {
        messages: false,
        ..p.ties
    };
    for (organizer, bound) in payers(ties, members, reviewers) {
        // fetch the incoming money of up to `max_hops` levels of senders
        let mut frontier = vec![organizer];
        let mut seen: HashSet<u32> = set.clone();
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
        let may_pass = |a: &u32| !set.contains(a) && !victims.contains(a);
        let g = WalkGraph {
            incoming: &incoming,
            is_head: &is_head,
            may_pass: &may_pass,
        };
        if let Some(chain) = walk_back(&organizer, bound, &g, &rules) {
            return Ok(Some(Funding { organizer, chain }));
        }
    }
    Ok(None)
}
