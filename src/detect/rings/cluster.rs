//! From candidates to groups of accounts. Union-find over the malicious evidence, then a few
//! membership rules, each a function below, applied in this order:
//!
//! | rule | who joins |
//! |---|---|
//! | [`join_paid_hits`] | the author of a paid victim hit, the payee and the contact |
//! | [`join_blocks`] | the accounts of one lockstep block |
//! | [`join_paid_panning`] | a payer and the authors it paid after their negative reviews |
//! | [`join_tied_active`] | active accounts (above) tied to each other |
//! | [`join_coordinators`] | an outsider who pays, invites or messages two or more members (a shared identifier alone never pulls anyone in: one farm device is one fact) |
//! | [`join_fringe`] | a peeled-away lockstep account panning the block's shops, tied to a member |
//! | [`join_stragglers`] | one negative review on a block's shop in its window, strongly tied to a member |
//! | [`join_dormant_recruits`] | invited by an operative and sharing their household (device, address, phone, card), with or without a review yet |
//!
//! Shop owners never join here: a seller enters a ring only through the money walk.

use super::candidates::Hit;
use super::lockstep::LockstepBlock;
use super::paid::PaidPanning;
use super::unionfind::UnionFind;
use super::RingParams;
use crate::detect::ties::{TieParams, Ties, Via, HOUSEHOLD_KINDS};
use crate::detect::victim::VictimSide;
use crate::detect::DetectError;
use crate::graph::Graph;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Groups of accounts, and the dormant recruits among them with the operative who invited
/// each.
#[derive(Debug, Default)]
pub struct Clusters {
    /// Sorted member lists, one per group of at least `min_members`.
    pub groups: Vec<Vec<u32>>,
    /// Recruit → the operative who invited them and shares their household.
    pub recruited_by: BTreeMap<u32, u32>,
}

/// Each account's focus time: its first negative review in a hit or block.
fn focus_times(v: &VictimSide, hits: &[Hit], blocks: &[LockstepBlock]) -> HashMap<u32, i64> {
    let mut at: HashMap<u32, i64> = HashMap::new();
    let mut note = |a: u32, t: i64| {
        let e = at.entry(a).or_insert(t);
        *e = (*e).min(t);
    };
    for h in hits {
        let r = &v.negative[h.review];
        note(r.author, r.at);
        if let Some(p) = &h.payment {
            note(p.to, p.at);
        }
        if let Some(c) = &h.contact {
            note(c.from, c.at);
        }
    }
    for b in blocks {
        for &i in &b.reviews {
            let r = &v.negative[i];
            note(r.author, r.at);
        }
    }
    at
}

/// The malicious evidence groups grow from.
pub struct Seeds<'a> {
    pub hits: &'a [Hit],
    pub blocks: &'a [LockstepBlock],
    pub paid: &'a [PaidPanning],
}

/// Groups accounts (see the module header).
pub async fn cluster(
    graph: &Graph,
    v: &mut VictimSide,
    ties: &mut Ties,
    seeds: Seeds<'_>,
    owners: &HashSet<u32>,
    p: &RingParams,
) -> Result<Clusters, DetectError> {
    let Seeds { hits, blocks, paid } = seeds;
    let mut uf = UnionFind::default();
    let mut focus = focus_times(v, hits, blocks);
    for x in paid {
        for r in &x.paid {
            focus.entry(r.payment.to).or_insert(r.at);
            focus.entry(x.payer).or_insert(r.payment.at);
        }
    }
    join_paid_hits(&mut uf, v, hits);
    join_blocks(&mut uf, blocks);
    join_paid_panning(&mut uf, paid);
    let active: Vec<u32> = uf.groups().into_iter().flatten().collect();
    let with_focus = |list: &[u32], focus: &HashMap<u32, i64>| -> Vec<(u32, i64)> {
        list.iter()
            .map(|&a| (a, focus.get(&a).copied().unwrap_or(0)))
            .collect()
    };
    ties.fetch(graph, &mut v.accounts, &with_focus(&active, &focus), p.ties)
        .await?;
    join_tied_active(&mut uf, ties, &active);
    let light = TieParams {
        messages: false,
        ..p.ties
    };
    let fringe: Vec<u32> = blocks
        .iter()
        .flat_map(|b| b.fringe.iter().copied())
        .collect();
    ties.fetch(graph, &mut v.accounts, &with_focus(&fringe, &focus), light)
        .await?;
    let mut joined = join_coordinators(&mut uf, ties, &active, owners, p.expand_min_ties);
    joined.extend(join_fringe(&mut uf, ties, blocks));
    let stragglers = straggler_candidates(v, &uf, blocks, p.lockstep.window_ms);
    for &(a, _, at) in &stragglers {
        focus.entry(a).or_insert(at);
    }
    let authors: Vec<u32> = stragglers.iter().map(|s| s.0).collect();
    ties.fetch(graph, &mut v.accounts, &with_focus(&authors, &focus), light)
        .await?;
    joined.extend(join_stragglers(
        &mut uf,
        ties,
        &stragglers,
        owners,
        p.straggler_min_tie,
    ));
    // the operatives: every account with a negative review in the evidence
    let mut reviewers: HashSet<u32> = hits.iter().map(|h| v.negative[h.review].author).collect();
    reviewers.extend(blocks.iter().flat_map(|b| b.accounts.iter().copied()));
    reviewers.extend(paid.iter().flat_map(|x| x.reviewers()));
    reviewers.extend(stragglers.iter().map(|s| s.0).filter(|a| uf.contains(*a)));
    reviewers.extend(
        blocks
            .iter()
            .flat_map(|b| b.fringe.iter().copied())
            .filter(|a| uf.contains(*a)),
    );
    let recruited_by = join_dormant_recruits(&mut uf, ties, &reviewers, owners);
    joined.extend(recruited_by.keys().copied());
    let group_focus = |a: u32| {
        focus
            .get(&a)
            .copied()
            .or_else(|| recruited_by.get(&a).and_then(|o| focus.get(o).copied()))
            .unwrap_or(0)
    };
    let joined_focus: Vec<(u32, i64)> = joined.iter().map(|&a| (a, group_focus(a))).collect();
    ties.fetch(graph, &mut v.accounts, &joined_focus, p.ties)
        .await?;
    let groups = uf
        .groups()
        .into_iter()
        .filter(|g| g.len() >= p.min_members)
        .collect();
    Ok(Clusters {
        groups,
        recruited_by,
    })
}

/// A paid victim hit joins its author, the payee and the contact (contact-only hits are too
/// weak to make anyone active: they only add to groups formed otherwise).
pub fn join_paid_hits(uf: &mut UnionFind, v: &VictimSide, hits: &[Hit]) {
    for h in hits {
        let Some(pay) = &h.payment else { continue };
        let a = v.negative[h.review].author;
        uf.union(a, pay.to);
        if let Some(c) = &h.contact {
            uf.union(a, c.from);
        }
    }
}

/// The accounts of a lockstep block are one group.
pub fn join_blocks(uf: &mut UnionFind, blocks: &[LockstepBlock]) {
    for b in blocks {
        for &x in &b.accounts {
            uf.union(b.accounts[0], x);
        }
    }
}

/// A payer of reviewers and the reviewers it paid are one group.
pub fn join_paid_panning(uf: &mut UnionFind, paid: &[PaidPanning]) {
    for x in paid {
        for a in x.reviewers() {
            uf.union(x.payer, a);
        }
    }
}

/// Active accounts tied to each other (any tie) are one group.
pub fn join_tied_active(uf: &mut UnionFind, ties: &Ties, active: &[u32]) {
    let set: HashSet<u32> = active.iter().copied().collect();
    for &a in active {
        for n in ties.neighbours(a).collect::<Vec<_>>() {
            if set.contains(&n) {
                uf.union(a, n);
            }
        }
    }
}

/// True when `via` is something an account *did* to another (paid above the commerce floor,
/// invited, messaged) rather than something they share.
fn is_act(via: &Via) -> bool {
    match via {
        Via::Identifier { .. } => false,
        Via::Transfer { amount, .. } => {
            crate::detect::thresholds::current().above_commerce(*amount)
        }
        Via::Referral { .. } | Via::Message { .. } => true,
    }
}

/// An outsider (no shop owner) who paid, invited or messaged at least `min` members of one
/// group joins it: the organizer who recruits, briefs and pays the reviewers.
pub fn join_coordinators(
    uf: &mut UnionFind,
    ties: &Ties,
    active: &[u32],
    owners: &HashSet<u32>,
    min: usize,
) -> Vec<u32> {
    let set: HashSet<u32> = active.iter().copied().collect();
    let mut reach: BTreeMap<(u32, u32), HashSet<u32>> = BTreeMap::new();
    for &a in active {
        let root = uf.find(a);
        for n in ties.neighbours(a) {
            if set.contains(&n) || owners.contains(&n) {
                continue;
            }
            if ties.between(a, n).iter().any(is_act) {
                reach.entry((n, root)).or_default().insert(a);
            }
        }
    }
    let mut joined = Vec::new();
    for ((n, root), members) in reach {
        if members.len() >= min {
            uf.union(n, root);
            joined.push(n);
        }
    }
    joined
}

/// A peeled-away lockstep account panning a block's shops joins when tied to a member.
pub fn join_fringe(uf: &mut UnionFind, ties: &Ties, blocks: &[LockstepBlock]) -> Vec<u32> {
    let mut joined = Vec::new();
    for b in blocks {
        let root = uf.find(b.accounts[0]);
        for &f in &b.fringe {
            let tied = ties
                .neighbours(f)
                .collect::<Vec<_>>()
                .into_iter()
                .any(|n| uf.contains(n) && uf.find(n) == root);
            if tied {
                uf.union(f, root);
                joined.push(f);
            }
        }
    }
    joined
}

/// Authors of a negative review on a block's shop within the block's window who are in no
/// group yet: `(author, an account of the block, review time)`.
pub fn straggler_candidates(
    v: &VictimSide,
    uf: &UnionFind,
    blocks: &[LockstepBlock],
    window_ms: i64,
) -> Vec<(u32, u32, i64)> {
    let mut out = Vec::new();
    for b in blocks {
        let (lo, hi) = super::describe::block_window(v, b, window_ms);
        let shops: HashSet<u32> = b.shops.iter().copied().collect();
        for r in &v.negative {
            if shops.contains(&r.shop) && r.at >= lo && r.at <= hi && !uf.contains(r.author) {
                out.push((r.author, b.accounts[0], r.at));
            }
        }
    }
    out
}

/// A straggler joins when its tie to a member weighs at least `min_tie` (a referral, a
/// transfer, a rare identifier: the organizer's fee or a farm device).
pub fn join_stragglers(
    uf: &mut UnionFind,
    ties: &Ties,
    stragglers: &[(u32, u32, i64)],
    owners: &HashSet<u32>,
    min_tie: f64,
) -> Vec<u32> {
    let mut joined = Vec::new();
    for &(a, anchor, _) in stragglers {
        if owners.contains(&a) || uf.contains(a) {
            continue;
        }
        let root = uf.find(anchor);
        let tied = ties
            .neighbours(a)
            .collect::<Vec<_>>()
            .into_iter()
            .any(|n| uf.contains(n) && uf.find(n) == root && ties.strength(a, n) >= min_tie);
        if tied {
            uf.union(a, root);
            joined.push(a);
        }
    }
    joined
}

/// True when `recruit` was invited by `operative` and shares a household identifier with
/// them.
pub fn recruited_into_household(ties: &Ties, operative: u32, recruit: u32) -> bool {
    let vias = ties.between(operative, recruit);
    let invited = vias
        .iter()
        .any(|v| matches!(v, Via::Referral { inviter, .. } if *inviter == operative));
    let household = vias.iter().any(
        |v| matches!(v, Via::Identifier { kind, .. } if HOUSEHOLD_KINDS.contains(&kind.as_str())),
    );
    invited && household
}

/// Accounts invited by an operative and sharing their household join the operative's group
/// as recruits, whether or not they have reviewed yet (a crew recruits before it strikes).
pub fn join_dormant_recruits(
    uf: &mut UnionFind,
    ties: &Ties,
    operatives: &HashSet<u32>,
    owners: &HashSet<u32>,
) -> BTreeMap<u32, u32> {
    let mut out = BTreeMap::new();
    let mut ops: Vec<u32> = operatives.iter().copied().collect();
    ops.sort_unstable();
    for op in ops {
        if !uf.contains(op) {
            continue;
        }
        for n in ties.neighbours(op).collect::<Vec<_>>() {
            if uf.contains(n) || owners.contains(&n) || out.contains_key(&n) {
                continue;
            }
            if recruited_into_household(ties, op, n) {
                uf.union(n, op);
                out.insert(n, op);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device(key: &str, n: i64) -> Via {
        Via::Identifier {
            kind: "device".into(),
            key: key.into(),
            accounts: n,
        }
    }

    #[test]
    fn a_household_recruit_joins_and_a_mere_invitee_does_not() {
        let mut ties = Ties::default();
        // operative 1 invited 2 (same device) and 3 (a stranger); 4 shares 1's device only
        ties.add(
            1,
            2,
            Via::Referral {
                inviter: 1,
                at: None,
            },
        );
        ties.add(1, 2, device("d1", 3));
        ties.add(
            1,
            3,
            Via::Referral {
                inviter: 1,
                at: None,
            },
        );
        ties.add(1, 4, device("d1", 3));
        let mut uf = UnionFind::default();
        uf.union(1, 9);
        let ops: HashSet<u32> = [1].into_iter().collect();
        let got = join_dormant_recruits(&mut uf, &ties, &ops, &HashSet::new());
        assert_eq!(got.into_iter().collect::<Vec<_>>(), vec![(2, 1)]);
        assert!(uf.contains(2) && !uf.contains(3) && !uf.contains(4));
    }

    #[test]
    fn an_inviter_is_no_recruit_of_its_invitee() {
        let mut ties = Ties::default();
        ties.add(
            1,
            2,
            Via::Referral {
                inviter: 2,
                at: None,
            },
        );
        ties.add(1, 2, device("d1", 2));
        assert!(!recruited_into_household(&ties, 1, 2));
        assert!(recruited_into_household(&ties, 2, 1));
    }

    #[test]
    fn a_shared_farm_device_pulls_no_outsider_in_but_payments_do() {
        let mut ties = Ties::default();
        ties.add(1, 10, device("farm", 6));
        ties.add(2, 10, device("farm", 6));
        for m in [1, 2] {
            ties.add(
                m,
                20,
                Via::Transfer {
                    payment_id: format!("fee{m}"),
                    from: 20,
                    amount: 6_000,
                    currency: "CNY".into(),
                    at: 0,
                },
            );
        }
        let mut uf = UnionFind::default();
        uf.union(1, 2);
        let joined = join_coordinators(&mut uf, &ties, &[1, 2], &HashSet::new(), 2);
        assert_eq!(joined, vec![20]);
    }

    #[test]
    fn cashback_is_no_coordination() {
        let mut ties = Ties::default();
        for m in [1, 2] {
            ties.add(
                m,
                20,
                Via::Transfer {
                    payment_id: format!("cb{m}"),
                    from: 20,
                    amount: 500,
                    currency: "CNY".into(),
                    at: 0,
                },
            );
        }
        let mut uf = UnionFind::default();
        uf.union(1, 2);
        assert!(join_coordinators(&mut uf, &ties, &[1, 2], &HashSet::new(), 2).is_empty());
    }
}
