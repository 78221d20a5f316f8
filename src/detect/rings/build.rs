//! From candidates to rings: union-find over validated victim hits, lockstep blocks and direct
//! ties among active accounts; expansion to accounts tied to two or more members (the
//! organizer who briefs and pays reviewers); the seller's money chain into the group; then
//! per-group signals, roles, evidence and reasons.

use super::candidates::Hit;
use super::lockstep::LockstepBlock;
use super::score::{self, MemberActs, Role, Signals};
use super::unionfind::UnionFind;
use super::{Ring, RingMember, RingParams};
use crate::detect::ties::{Ties, Via};
use crate::detect::victim::VictimSide;
use crate::detect::{DetectError, Evidence, EvidenceEdge};
use crate::graph::Graph;
use crate::model::format_minor;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

const DAY: i64 = 24 * 3600 * 1000;

/// Groups accounts: each group is a sorted member list.
pub async fn cluster(
    graph: &Graph,
    v: &mut VictimSide,
    ties: &mut Ties,
    hits: &[Hit],
    blocks: &[LockstepBlock],
    owners: &HashSet<u32>,
    p: &RingParams,
) -> Result<Vec<Vec<u32>>, DetectError> {
    let mut uf = UnionFind::default();
    // contact-only hits are too weak to make anyone active: they only add to groups
    for h in hits.iter().filter(|h| h.payment.is_some()) {
        let a = v.negative[h.review].author;
        uf.find(a);
        if let Some(pay) = &h.payment {
            uf.union(a, pay.to);
        }
        if let Some(c) = &h.contact {
            uf.union(a, c.from);
        }
    }
    for b in blocks {
        for &x in &b.accounts {
            uf.union(b.accounts[0], x);
        }
    }
    let active: Vec<u32> = uf.groups().into_iter().flatten().collect();
    ties.fetch(graph, &mut v.accounts, &active, p.ties).await?;
    let active_set: HashSet<u32> = active.iter().copied().collect();
    for &a in &active {
        let ns: Vec<u32> = ties.neighbours(a).collect();
        for n in ns {
            if active_set.contains(&n) {
                uf.union(a, n);
            }
        }
    }
    // lockstep fringe: peeled-away accounts panning the block's shops join when tied to a member
    let fringe: Vec<u32> = blocks
        .iter()
        .flat_map(|b| b.fringe.iter().copied())
        .collect();
    let light = crate::detect::ties::TieParams {
        messages: false,
        ..p.ties
    };
    ties.fetch(graph, &mut v.accounts, &fringe, light).await?;
    // expansion: outsiders tied to at least two members of one group
    let mut reach: HashMap<(u32, u32), HashSet<u32>> = HashMap::new();
    for &a in &active {
        let root = uf.find(a);
        for n in ties.neighbours(a) {
            // shop owners join only through the money chain (as beneficiaries)
            if !active_set.contains(&n) && !owners.contains(&n) {
                reach.entry((n, root)).or_default().insert(a);
            }
        }
    }
    let mut joined = Vec::new();
    let mut reach: Vec<_> = reach.into_iter().collect();
    reach.sort_by_key(|(k, _)| *k);
    for ((n, root), members) in reach {
        if members.len() >= p.expand_min_ties {
            uf.union(n, root);
            joined.push(n);
        }
    }
    for b in blocks {
        for &f in &b.fringe {
            let root = uf.find(b.accounts[0]);
            let ns: Vec<u32> = ties.neighbours(f).collect();
            let tied = ns.into_iter().any(|n| uf.contains(n) && uf.find(n) == root);
            if tied {
                uf.union(f, root);
                joined.push(f);
            }
        }
    }
    // stragglers: panned a block's shop during the block's window (once, or with a 3-star
    // second review) and are strongly tied to the block's group (the organizer's fee)
    let mut stragglers: Vec<(u32, u32)> = Vec::new();
    for b in blocks {
        let (lo, hi) = block_window(v, b, p.lockstep.window_ms);
        let shops: HashSet<u32> = b.shops.iter().copied().collect();
        for r in &v.negative {
            if shops.contains(&r.shop) && r.at >= lo && r.at <= hi && !uf.contains(r.author) {
                stragglers.push((r.author, b.accounts[0]));
            }
        }
    }
    let authors: Vec<u32> = stragglers.iter().map(|s| s.0).collect();
    ties.fetch(graph, &mut v.accounts, &authors, light).await?;
    for (a, anchor) in stragglers {
        let root = uf.find(anchor);
        let ns: Vec<u32> = ties.neighbours(a).collect();
        let tied = ns.into_iter().any(|n| {
            uf.contains(n) && uf.find(n) == root && ties.strength(a, n) >= p.straggler_min_tie
        });
        if tied && !owners.contains(&a) {
            uf.union(a, root);
            joined.push(a);
        }
    }
    ties.fetch(graph, &mut v.accounts, &joined, p.ties).await?;
    Ok(uf
        .groups()
        .into_iter()
        .filter(|g| g.len() >= p.min_members)
        .collect())
}

/// The block's review times, widened by the lockstep window on both sides.
pub fn block_window(v: &VictimSide, b: &LockstepBlock, window_ms: i64) -> (i64, i64) {
    let times = b.reviews.iter().map(|&i| v.negative[i].at);
    let lo = times.clone().min().unwrap_or(0);
    let hi = times.max().unwrap_or(0);
    (lo - window_ms, hi + window_ms)
}

/// A seller's money reaching a member who pays other members: links in time order.
#[derive(Debug, Clone)]
pub struct ChainLink {
    pub from: u32,
    pub to: u32,
    pub payment_id: String,
    pub amount: i64,
    pub currency: String,
    pub at: i64,
}

fn transfers_between(ties: &Ties, from: u32, to: u32) -> Vec<(String, i64, String, i64)> {
    ties.between(from, to)
        .iter()
        .filter_map(|v| match v {
            Via::Transfer {
                payment_id,
                from: f,
                amount,
                currency,
                at,
            } if *f == from => Some((payment_id.clone(), *amount, currency.clone(), *at)),
            _ => None,
        })
        .collect()
}

/// Walks money backwards from the group's main payer to a seller, through at most
/// `max_hops` intermediaries, each hop earlier and of similar size (mules keep a cut).
pub async fn money_chain(
    graph: &Graph,
    v: &mut VictimSide,
    ties: &mut Ties,
    members: &[u32],
    owners: &HashSet<u32>,
    victims: &HashSet<u32>,
    p: &RingParams,
) -> Result<Option<Vec<ChainLink>>, DetectError> {
    // money from outside into a member who, soon after, pays at least two other members
    let mut inbound: Vec<ChainLink> = Vec::new();
    for &payer in members {
        for n in ties.neighbours(payer).collect::<Vec<_>>() {
            // victims' owners pay the group too: that is hush money, not funding
            // members may be links too (a mule tied to two members joined the group)
            if n == payer || victims.contains(&n) {
                continue;
            }
            for (id, amount, currency, at) in transfers_between(ties, n, payer) {
                let mut paid = HashSet::new();
                let mut total = 0i64;
                for &o in members {
                    for (_, a, _, t) in transfers_between(ties, payer, o) {
                        if t > at && t <= at + p.chain_lead_ms {
                            paid.insert(o);
                            total += a;
                        }
                    }
                }
                if paid.len() >= 2 && amount * 2 >= total {
                    inbound.push(ChainLink {
                        from: n,
                        to: payer,
                        payment_id: id,
                        amount,
                        currency,
                        at,
                    });
                }
            }
        }
    }
    'start: for link in inbound {
        let mut chain = vec![link];
        for _ in 0..=p.chain_max_hops {
            let last = chain.last().cloned().expect("chain has a link");
            if owners.contains(&last.from) {
                chain.reverse();
                return Ok(Some(chain));
            }
            ties.fetch(graph, &mut v.accounts, &[last.from], p.ties)
                .await?;
            let mut prev: Option<ChainLink> = None;
            for n in ties.neighbours(last.from).collect::<Vec<_>>() {
                if victims.contains(&n) || chain.iter().any(|c| c.from == n || c.to == n) {
                    continue;
                }
                for (id, amount, currency, at) in transfers_between(ties, n, last.from) {
                    let similar = amount >= last.amount && amount * 100 <= last.amount * 125;
                    if similar && at < last.at && at >= last.at - p.chain_hop_ms {
                        let better = prev.as_ref().is_none_or(|x| at > x.at);
                        if better {
                            prev = Some(ChainLink {
                                from: n,
                                to: last.from,
                                payment_id: id,
                                amount,
                                currency,
                                at,
                            });
                        }
                    }
                }
            }
            match prev {
                Some(l) => chain.push(l),
                None => continue 'start,
            }
        }
    }
    Ok(None)
}

/// Everything known about one group, ready to be scored.
pub struct Group<'a> {
    pub members: Vec<u32>,
    pub hits: Vec<&'a Hit>,
    pub blocks: Vec<&'a LockstepBlock>,
    pub chain: Option<Vec<ChainLink>>,
}

fn fnv64(s: &str) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in s.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

/// A stable id: the hash of the sorted member ids.
pub fn ring_id(member_ids: &[String]) -> String {
    let mut ids: Vec<&str> = member_ids.iter().map(String::as_str).collect();
    ids.sort_unstable();
    format!("ring-{:016x}", fnv64(&ids.join(",")))
}

fn money(minor: i64, currency: &str) -> String {
    format!("{} {currency}", format_minor(minor))
}

fn time(ms: i64) -> String {
    crate::model::Timestamp(ms).rfc3339()
}

/// Scores one group and explains it.
pub fn describe(
    window_ms: i64,
    v: &VictimSide,
    ties: &Ties,
    g: &Group,
    owners_cat: &HashMap<u32, Vec<String>>,
) -> Ring {
    let name = |a: u32| v.accounts.name(a).to_string();
    let mut members: Vec<u32> = g.members.clone();
    let chain_roles: HashMap<u32, Role> = g
        .chain
        .iter()
        .flatten()
        .enumerate()
        .map(|(i, l)| {
            (
                l.from,
                if i == 0 {
                    Role::Beneficiary
                } else {
                    Role::Intermediary
                },
            )
        })
        .collect();
    for &a in chain_roles.keys() {
        if !members.contains(&a) {
            members.push(a);
        }
    }
    members.sort_by_key(|a| name(*a));
    let set: HashSet<u32> = members.iter().copied().collect();
    let mut ev = Evidence::default();
    let mut reasons: Vec<String> = Vec::new();
    let mut times: Vec<i64> = Vec::new();
    let mut acts: HashMap<u32, MemberActs> = HashMap::new();
    let mut shops: BTreeSet<String> = BTreeSet::new();
    let mut reviews_by: HashMap<u32, BTreeSet<usize>> = HashMap::new();
    let (mut money_in, mut money_out) = (0i64, 0i64);
    let mut hit_strengths = Vec::new();
    let mut contact_strengths = Vec::new();

    // victim hits
    for h in &g.hits {
        let r = &v.negative[h.review];
        let shop = &v.shops[r.shop as usize];
        let owner = shop.owner;
        shops.insert(shop.id.clone());
        reviews_by.entry(r.author).or_default().insert(h.review);
        times.push(r.at);
        ev.node(name(r.author), "Account", None);
        ev.node(r.id.clone(), "Review", Some(format!("rating {}", r.rating)));
        ev.node(shop.id.clone(), "Shop", Some("victim".into()));
        ev.node(name(owner), "Account", Some("victim owner".into()));
        ev.edge(EvidenceEdge::new(name(r.author), r.id.clone(), "WROTE").at(r.at));
        ev.edge(EvidenceEdge::new(r.id.clone(), shop.id.clone(), "ABOUT"));
        ev.edge(EvidenceEdge::new(name(owner), shop.id.clone(), "OWNS"));
        let contacted = h.contacted_by_member(r.author);
        if let Some(c) = &h.contact {
            times.push(c.at);
            if contacted {
                acts.entry(c.from).or_default().owner_contacts += 1;
            }
            ev.node(c.message_id.clone(), "Message", None);
            ev.edge(
                EvidenceEdge::new(name(c.from), name(owner), "MESSAGED")
                    .record(c.message_id.clone())
                    .at(c.at),
            );
            reasons.push(format!(
                "{} messaged {}, owner of shop {}, at {} ({:.1} h after {}'s {}-star review {}).",
                name(c.from),
                name(owner),
                shop.id,
                time(c.at),
                (c.at - r.at) as f64 / 3.6e6,
                name(r.author),
                r.rating,
                r.id
            ));
        }
        if let Some(pay) = &h.payment {
            times.push(pay.at);
            money_in += pay.amount;
            acts.entry(pay.to).or_default().owner_payments += 1;
            ev.node(pay.payment_id.clone(), "Payment", Some("private".into()));
            ev.edge(
                EvidenceEdge::new(name(owner), name(pay.to), "PAID")
                    .record(pay.payment_id.clone())
                    .at(pay.at)
                    .amount(pay.amount, &pay.currency),
            );
            reasons.push(format!(
                "{}, owner of shop {}, privately paid {} {} (payment {}, no order) at {}, {:.1} days after {}'s {}-star review {}.",
                name(owner),
                shop.id,
                name(pay.to),
                money(pay.amount, &pay.currency),
                pay.payment_id,
                time(pay.at),
                (pay.at - r.at) as f64 / DAY as f64,
                name(r.author),
                r.rating,
                r.id
            ));
            hit_strengths.push(score::hit_strength(true, contacted));
        } else {
            contact_strengths.push(score::hit_strength(false, contacted));
        }
    }
    // lockstep blocks
    let mut lockstep = 0.0f64;
    for b in &g.blocks {
        lockstep = lockstep.max(score::lockstep_strength(b.accounts.len(), b.shops.len()));
        let shop_ids: Vec<String> = b
            .shops
            .iter()
            .map(|&s| v.shops[s as usize].id.clone())
            .collect();
        let (mut lo, mut hi) = (i64::MAX, i64::MIN);
        let (wlo, whi) = block_window(v, b, window_ms);
        let block_shops: HashSet<u32> = b.shops.iter().copied().collect();
        let mut in_block = 0usize;
        for (i, r) in v.negative.iter().enumerate() {
            if !set.contains(&r.author)
                || !block_shops.contains(&r.shop)
                || r.at < wlo
                || r.at > whi
            {
                continue;
            }
            in_block += 1;
            reviews_by.entry(r.author).or_default().insert(i);
            lo = lo.min(r.at);
            hi = hi.max(r.at);
            times.push(r.at);
            let shop = &v.shops[r.shop as usize];
            shops.insert(shop.id.clone());
            ev.node(name(r.author), "Account", None);
            ev.node(r.id.clone(), "Review", Some(format!("rating {}", r.rating)));
            ev.node(shop.id.clone(), "Shop", Some("target".into()));
            ev.edge(EvidenceEdge::new(name(r.author), r.id.clone(), "WROTE").at(r.at));
            ev.edge(EvidenceEdge::new(r.id.clone(), shop.id.clone(), "ABOUT"));
        }
        let cats: BTreeSet<&str> = b
            .shops
            .iter()
            .filter_map(|&s| v.shops[s as usize].category.as_deref())
            .collect();
        let same_category = match (cats.len(), cats.iter().next()) {
            (1, Some(c)) => format!(", all rivals in category {c}"),
            _ => String::new(),
        };
        reasons.push(format!(
            "{} accounts posted {} negative reviews on the same {} shops ({}{}) between {} and {}, in lockstep (FRAUDAR block density {:.2}).",
            b.accounts.len(),
            in_block,
            b.shops.len(),
            shop_ids.join(", "),
            same_category,
            time(lo.min(hi)),
            time(hi.max(lo)),
            b.density
        ));
    }
    for (a, rs) in &reviews_by {
        acts.entry(*a).or_default().negative_reviews = rs.len();
    }
    // ties among members
    let mut identifiers: BTreeMap<String, (String, i64, BTreeSet<String>)> = BTreeMap::new();
    let (mut referrals, mut transfers) = (0usize, 0usize);
    let mut paid_by: HashMap<u32, HashSet<u32>> = HashMap::new();
    for (i, &a) in members.iter().enumerate() {
        for &b in &members[i + 1..] {
            for via in ties.between(a, b) {
                match via {
                    Via::Identifier {
                        kind,
                        key,
                        accounts,
                    } => {
                        let e = identifiers
                            .entry(key.clone())
                            .or_insert_with(|| (kind.clone(), *accounts, BTreeSet::new()));
                        e.2.insert(name(a));
                        e.2.insert(name(b));
                        ev.node(key.clone(), "Identifier", Some(kind.clone()));
                        ev.edge(EvidenceEdge::new(name(a), key.clone(), "USES"));
                        ev.edge(EvidenceEdge::new(name(b), key.clone(), "USES"));
                    }
                    Via::Referral { inviter, at } => {
                        referrals += 1;
                        let invitee = if *inviter == a { b } else { a };
                        acts.entry(*inviter).or_default().invites_members += 1;
                        let mut e = EvidenceEdge::new(name(*inviter), name(invitee), "REFERRED");
                        if let Some(t) = at {
                            e = e.at(*t);
                        }
                        ev.edge(e);
                        reasons.push(format!("{} invited {}.", name(*inviter), name(invitee)));
                    }
                    Via::Transfer {
                        payment_id,
                        from,
                        amount,
                        currency,
                        at,
                    } => {
                        transfers += 1;
                        let to = if *from == a { b } else { a };
                        paid_by.entry(*from).or_default().insert(to);
                        if !chain_roles.contains_key(from) {
                            money_out += amount;
                        }
                        times.push(*at);
                        ev.node(payment_id.clone(), "Payment", Some("private".into()));
                        ev.edge(
                            EvidenceEdge::new(name(*from), name(to), "PAID")
                                .record(payment_id.clone())
                                .at(*at)
                                .amount(*amount, currency),
                        );
                    }
                    Via::Message {
                        message_id,
                        from,
                        at,
                    } => {
                        let to = if *from == a { b } else { a };
                        ev.edge(
                            EvidenceEdge::new(name(*from), name(to), "MESSAGED")
                                .record(message_id.clone())
                                .at(*at),
                        );
                    }
                }
            }
        }
    }
    for (key, (kind, n, accts)) in &identifiers {
        let list: Vec<&str> = accts.iter().map(String::as_str).collect();
        reasons.push(format!(
            "{} share {kind} {key} (used by {n} accounts in all).",
            list.join(", ")
        ));
    }
    for (payer, paid) in &paid_by {
        acts.entry(*payer).or_default().pays_members = paid.len();
        if paid.len() >= 2 {
            reasons.push(format!(
                "{} privately paid {} other members.",
                name(*payer),
                paid.len()
            ));
        }
    }
    // recruits: invited by or tied to a busier operative
    let reviews_of = |a: u32| acts.get(&a).map_or(0, |x| x.negative_reviews);
    let mut recruit_flags: HashMap<u32, (bool, bool)> = HashMap::new();
    for &a in &members {
        for &b in &members {
            if a == b || reviews_of(b) == 0 {
                continue;
            }
            for via in ties.between(a, b) {
                let f = recruit_flags.entry(a).or_default();
                match via {
                    Via::Referral { inviter, .. } if *inviter == b => f.0 = true,
                    Via::Identifier { .. } if reviews_of(b) > reviews_of(a) => f.1 = true,
                    _ => {}
                }
            }
        }
    }
    for (a, (invited, tied)) in recruit_flags {
        let x = acts.entry(a).or_default();
        x.invited_by_operative = invited;
        x.tied_to_busier_operative = tied;
    }
    // seller money
    let mut seller_money = 0.0;
    if let Some(chain) = &g.chain {
        let seller = chain[0].from;
        let victim_cats: HashSet<&str> = shops
            .iter()
            .filter_map(|s| v.shop_index.get(s))
            .filter_map(|&i| v.shops[i as usize].category.as_deref())
            .collect();
        let same = owners_cat
            .get(&seller)
            .is_some_and(|cs| cs.iter().any(|c| victim_cats.contains(c.as_str())));
        seller_money = if same { 0.8 } else { 0.6 };
        let hops: Vec<String> = chain
            .iter()
            .map(|l| {
                format!(
                    "{} → {} {} ({}, {})",
                    name(l.from),
                    name(l.to),
                    money(l.amount, &l.currency),
                    l.payment_id,
                    time(l.at)
                )
            })
            .collect();
        reasons.push(format!(
            "Seller {}{} funded the group: {}.",
            name(seller),
            if same {
                ", a competitor of the targeted shops,"
            } else {
                ""
            },
            hops.join("; ")
        ));
        for l in chain {
            times.push(l.at);
            ev.node(name(l.from), "Account", None);
            ev.node(l.payment_id.clone(), "Payment", Some("private".into()));
            ev.edge(
                EvidenceEdge::new(name(l.from), name(l.to), "PAID")
                    .record(l.payment_id.clone())
                    .at(l.at)
                    .amount(l.amount, &l.currency),
            );
        }
    }
    let identity = score::noisy_or(
        identifiers
            .values()
            .map(|(_, n, _)| 0.5 / ((*n).max(2) - 1) as f64),
    )
    .min(0.5);
    let signals = Signals {
        extortion: score::noisy_or(hit_strengths),
        contact: score::noisy_or(contact_strengths),
        lockstep,
        identity,
        referral: score::repeated(0.15, referrals, 0.4),
        internal_money: score::repeated(0.1, transfers, 0.4),
        seller_money,
    };
    let score = signals.score();
    let kind = signals.kind();
    let mut ring_members: Vec<RingMember> = members
        .iter()
        .map(|&a| {
            let x = acts.get(&a).copied().unwrap_or_default();
            let role = chain_roles
                .get(&a)
                .copied()
                .unwrap_or_else(|| score::role(&x));
            (a, role, x.weight())
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|(a, role, w)| RingMember {
            account_id: name(a),
            role,
            contribution: w,
        })
        .collect();
    let max_w = ring_members
        .iter()
        .map(|m| m.contribution)
        .fold(0.0f64, f64::max)
        .max(1e-9);
    for m in &mut ring_members {
        m.contribution = (m.contribution / max_w * 1000.0).round() / 1000.0;
        ev.node(
            m.account_id.clone(),
            "Account",
            Some(m.role.as_str().to_lowercase()),
        );
    }
    ring_members.sort_by(|a, b| {
        b.contribution
            .total_cmp(&a.contribution)
            .then(a.account_id.cmp(&b.account_id))
    });
    if !signals.malicious() {
        reasons.push(
            "No malicious signal (no owner payment or contact after a member's negative review, no lockstep reviewing): score capped below the threshold.".into(),
        );
    }
    reasons.insert(
        0,
        format!(
            "Score {:.2} = noisy-OR of signals: extortion {:.2}, contact {:.2}, lockstep {:.2}, identity {:.2}, referral {:.2}, internal money {:.2}, seller money {:.2}.",
            score,
            signals.extortion,
            signals.contact,
            signals.lockstep,
            signals.identity,
            signals.referral,
            signals.internal_money,
            signals.seller_money
        ),
    );
    ev.reasons = reasons.clone();
    let ids: Vec<String> = ring_members.iter().map(|m| m.account_id.clone()).collect();
    Ring {
        id: ring_id(&ids),
        kind,
        score: (score * 1000.0).round() / 1000.0,
        members: ring_members,
        victim_shops: shops.into_iter().collect(),
        first_at: times.iter().min().copied(),
        last_at: times.iter().max().copied(),
        money_in,
        money_out,
        reasons,
        evidence: ev,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ring_ids_do_not_depend_on_member_order() {
        let a = ring_id(&["a-2".into(), "a-1".into()]);
        let b = ring_id(&["a-1".into(), "a-2".into()]);
        assert_eq!(a, b);
        assert_ne!(a, ring_id(&["a-1".into(), "a-3".into()]));
        assert!(a.starts_with("ring-"));
    }
}
