//! A seller's money reaching a group: the group's organizer (the member who coordinates the
//! most reviewing members — pays them above the commerce floor, invites or messages them —
//! as lineage picks it), then the shared money walk
//! ([`crate::detect::money::walk_back`]) from the organizer back to a seller who competes with
//! the victims, or to such a seller's household member (an account owning no shop that shares
//! a rare device, address, phone or card with the seller), who then stands in the chain as an
//! intermediary and the seller as the beneficiary ([`Sponsor`]). The same walk names the
//! beneficiary and the mules in `agentLineage`, so a ring and a lineage of the same campaign
//! agree on who funded it.

use super::RingParams;
use crate::detect::money::{walk_back, Transfer, WalkGraph};
use crate::detect::ties::{TieParams, Ties, Via, HOUSEHOLD_KINDS};
use crate::detect::victim::VictimSide;
use crate::detect::DetectError;
use crate::graph::Graph;
use std::collections::{BTreeMap, HashMap, HashSet};

/// The money behind a group: who received it, the chain (its first sender first) and, when
/// that sender is a competing seller's household rather than the seller, the seller.
#[derive(Debug, Clone)]
pub struct Funding {
    pub organizer: u32,
    pub chain: Vec<Transfer<u32>>,
    pub sponsor: Option<Sponsor>,
}

/// A competing seller whose household member (an account owning no shop that shares a rare
/// identifier of a household kind with the seller) sent the campaign's money: a rival pays
/// through a relative's account to keep its own name off the transfers.
#[derive(Debug, Clone, PartialEq)]
pub struct Sponsor {
    pub seller: u32,
    pub kind: String,
    pub key: String,
    /// How many accounts use the identifier.
    pub accounts: i64,
}

impl Funding {
    pub fn beneficiary(&self) -> u32 {
        self.sponsor
            .as_ref()
            .map_or(self.chain[0].from, |s| s.seller)
    }

    /// The accounts that passed the money on (mules, and the seller's household member who
    /// sent it for the seller), in chain order.
    pub fn intermediaries(&self) -> Vec<u32> {
        let skip = usize::from(self.sponsor.is_none());
        self.chain[skip..].iter().map(|t| t.from).collect()
    }
}

/// The competing seller `a` pays for: `a` owns no shop and shares a rare identifier of a
/// household kind with a seller `is_seller` accepts (the rarest identifier, then kind, key and
/// the seller's id decide between several).
fn household_seller(
    v: &VictimSide,
    ties: &Ties,
    a: u32,
    is_seller: impl Fn(u32) -> bool,
) -> Option<Sponsor> {
    if v.is_owner(a) {
        return None;
    }
    let mut best: Option<(i64, &str, &str, &str, Sponsor)> = None;
    for n in ties.neighbours(a).filter(|&n| is_seller(n)) {
        for via in ties.between(a, n) {
            let Via::Identifier {
                kind,
                key,
                accounts,
            } = via
            else {
                continue;
            };
            if !HOUSEHOLD_KINDS.contains(&kind.as_str()) {
                continue;
            }
            let rank = (*accounts, kind.as_str(), key.as_str(), v.accounts.name(n));
            if best.as_ref().is_none_or(|b| rank < (b.0, b.1, b.2, b.3)) {
                best = Some((
                    rank.0,
                    rank.1,
                    rank.2,
                    rank.3,
                    Sponsor {
                        seller: n,
                        kind: kind.clone(),
                        key: key.clone(),
                        accounts: *accounts,
                    },
                ));
            }
        }
    }
    best.map(|b| b.4)
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
        // (and the ties of the last level's senders: a household member of a seller heads a
        // chain as the seller's hand)
        for level in 0..=rules.max_hops {
            let rows: Vec<(u32, i64)> = frontier.iter().map(|&a| (a, bound)).collect();
            ties.fetch(graph, &mut v.accounts, &rows, light).await?;
            if level == rules.max_hops {
                break;
            }
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
        let is_seller = |a: u32| {
            !victims.contains(&a)
                && owners_cat
                    .get(&a)
                    .is_some_and(|cs| cs.iter().any(|c| categories.contains(c)))
        };
        let sponsor_of = |a: u32| {
            if is_seller(a) || victims.contains(&a) {
                return None;
            }
            household_seller(v, ties, a, is_seller)
        };
        let is_head = |a: &u32| is_seller(*a) || sponsor_of(*a).is_some();
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
            let sponsor = sponsor_of(chain[0].from);
            return Ok(Some(Funding {
                organizer,
                chain,
                sponsor,
            }));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identifier(kind: &str, key: &str, accounts: i64) -> Via {
        Via::Identifier {
            kind: kind.into(),
            key: key.into(),
            accounts,
        }
    }

    #[test]
    fn a_seller_pays_through_its_household_never_through_a_shared_ip_or_another_shop() {
        let mut v = VictimSide::default();
        let (seller, rel, other) = (
            v.accounts.intern("seller"),
            v.accounts.intern("rel"),
            v.accounts.intern("other"),
        );
        v.owners.insert(seller);
        let mut ties = Ties::default();
        ties.add(rel, seller, identifier("address", "addr-1", 3));
        ties.add(rel, seller, identifier("phone", "ph-1", 2));
        let is_seller = |a: u32| a == seller;
        let s = household_seller(&v, &ties, rel, is_seller).expect("rel pays for seller");
        // the rarest identifier says it
        assert_eq!(
            (s.seller, s.kind.as_str(), s.accounts),
            (seller, "phone", 2)
        );
        let funding = Funding {
            organizer: other,
            chain: vec![Transfer {
                payment_id: "p".into(),
                from: rel,
                to: other,
                amount: 500_000,
                currency: "CNY".into(),
                at: 0,
            }],
            sponsor: Some(s),
        };
        assert_eq!(funding.beneficiary(), seller);
        assert_eq!(funding.intermediaries(), vec![rel]);

        // an IP ties no household
        let mut ip = Ties::default();
        ip.add(rel, seller, identifier("ip", "ip-1", 2));
        assert!(household_seller(&v, &ip, rel, is_seller).is_none());
        // an owner runs its own business
        v.owners.insert(rel);
        assert!(household_seller(&v, &ties, rel, is_seller).is_none());
    }
}
