//! The signals of a ring, one function each: what it looks at, its strength (the table in
//! [`super::score`]), the evidence it draws and the sentence it adds to the ring's reasons.
//!
//! | signal | function |
//! |---|---|
//! | extortion: an owner paid a member after a member's negative review | [`extortion`] |
//! | contact: a tied member messaged the owner, no payment | [`contact_only`] |
//! | lockstep negative reviews (FRAUDAR block) | [`lockstep`] |
//! | paid panning: a member paid others after their negative reviews | [`paid_panning`] |
//! | shared rare identifiers | [`identity`] |
//! | referrals among members | [`referrals`] |
//! | private transfers among members | [`internal_money`] |
//! | a competing seller's money reaching the organizer | [`seller_money`] |
//!
//! [`member_messages`] adds the members' messages to the evidence and scores nothing.

use super::candidates::Hit;
use super::describe::block_window;
use super::funding::Funding;
use super::lockstep::LockstepBlock;
use super::paid::PaidPanning;
use super::score::{self, MemberActs};
use crate::detect::money::Totals;
use crate::detect::ties::{Ties, Via};
use crate::detect::victim::VictimSide;
use crate::detect::{Evidence, EvidenceEdge};
use crate::model::format_minor;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

const DAY: i64 = 24 * 3600 * 1000;

/// The group being described.
pub struct Ctx<'a> {
    pub v: &'a VictimSide,
    pub ties: &'a Ties,
    /// Members, sorted by id.
    pub members: &'a [u32],
    pub set: HashSet<u32>,
    /// The lockstep window (ms).
    pub window_ms: i64,
    /// The beneficiary and intermediaries: their payments are funding, not internal money.
    pub funders: HashSet<u32>,
}

impl Ctx<'_> {
    pub fn name(&self, a: u32) -> String {
        self.v.accounts.name(a).to_string()
    }
}

/// What the signals collect for the ring: evidence, reasons, times, acts, shops, money.
#[derive(Default)]
pub struct Acc {
    pub ev: Evidence,
    pub reasons: Vec<String>,
    pub times: Vec<i64>,
    pub acts: HashMap<u32, MemberActs>,
    pub shops: BTreeSet<String>,
    /// Ids of the attacking reviews (negative, or neutral when paid for) per member.
    pub reviews_by: HashMap<u32, BTreeSet<String>>,
    pub money_in: Totals,
    pub money_out: Totals,
}

fn money(minor: i64, currency: &str) -> String {
    format!("{} {currency}", format_minor(minor))
}

pub fn time(ms: i64) -> String {
    crate::model::Timestamp(ms).rfc3339()
}

/// The review, its shop and the shop's owner, into the evidence.
fn review_evidence(c: &Ctx, acc: &mut Acc, i: usize, caption: &str) {
    let r = &c.v.negative[i];
    let shop = &c.v.shops[r.shop as usize];
    acc.shops.insert(shop.id.clone());
    acc.reviews_by
        .entry(r.author)
        .or_default()
        .insert(r.id.clone());
    acc.times.push(r.at);
    acc.ev.node(c.name(r.author), "Account", None);
    acc.ev
        .node(r.id.clone(), "Review", Some(format!("rating {}", r.rating)));
    acc.ev.node(shop.id.clone(), "Shop", Some(caption.into()));
    acc.ev
        .edge(EvidenceEdge::new(c.name(r.author), r.id.clone(), "WROTE").at(r.at));
    acc.ev
        .edge(EvidenceEdge::new(r.id.clone(), shop.id.clone(), "ABOUT"));
}

/// The contact of a hit (message to the owner), into the evidence and reasons.
fn contact_evidence(c: &Ctx, acc: &mut Acc, h: &Hit) {
    let Some(m) = &h.contact else { return };
    let r = &c.v.negative[h.review];
    let shop = &c.v.shops[r.shop as usize];
    acc.times.push(m.at);
    if h.contacted_by_member(r.author) {
        acc.acts.entry(m.from).or_default().owner_contacts += 1;
    }
    acc.ev.node(m.message_id.clone(), "Message", None);
    acc.ev.edge(
        EvidenceEdge::new(c.name(m.from), c.name(shop.owner), "MESSAGED")
            .record(m.message_id.clone())
            .at(m.at),
    );
    acc.reasons.push(format!(
        "{} messaged {}, owner of shop {}, at {} ({:.1} h after {}'s {}-star review {}).",
        c.name(m.from),
        c.name(shop.owner),
        shop.id,
        time(m.at),
        (m.at - r.at) as f64 / 3.6e6,
        c.name(r.author),
        r.rating,
        r.id
    ));
}

/// A hit's review on the victim shop, the shop's owner, and the contact if any.
fn victim_evidence(c: &Ctx, acc: &mut Acc, h: &Hit) {
    let shop = &c.v.shops[c.v.negative[h.review].shop as usize];
    review_evidence(c, acc, h.review, "victim");
    acc.ev
        .node(c.name(shop.owner), "Account", Some("victim owner".into()));
    acc.ev.edge(EvidenceEdge::new(
        c.name(shop.owner),
        shop.id.clone(),
        "OWNS",
    ));
    contact_evidence(c, acc, h);
}

/// **Extortion.** A victim's owner privately paid a member after a member's negative review
/// on their shop: 0.55 per payment, 0.75 when a member also contacted the owner; noisy-OR.
/// A payment that followed several reviews counts once (its money and its strength, the
/// strongest of its hits), and its reason names every review it followed.
pub fn extortion(c: &Ctx, hits: &[&Hit], acc: &mut Acc) -> f64 {
    // the hits of each payment, payments in the order they first appear
    let mut order: Vec<&str> = Vec::new();
    let mut by_payment: HashMap<&str, Vec<&Hit>> = HashMap::new();
    for h in hits {
        let Some(pay) = &h.payment else { continue };
        by_payment
            .entry(&pay.payment_id)
            .or_insert_with(|| {
                order.push(&pay.payment_id);
                Vec::new()
            })
            .push(h);
    }
    let mut strengths = Vec::new();
    for id in order {
        let group = &by_payment[id];
        let mut strength: f64 = 0.0;
        for h in group {
            victim_evidence(c, acc, h);
            let author = c.v.negative[h.review].author;
            strength = strength.max(score::hit_strength(true, h.contacted_by_member(author)));
        }
        let first = group[0];
        let pay = first.payment.as_ref().expect("grouped by payment");
        let r = &c.v.negative[first.review];
        let shop = &c.v.shops[r.shop as usize];
        acc.times.push(pay.at);
        acc.money_in.add(pay.amount, &pay.currency);
        acc.acts.entry(pay.to).or_default().owner_payments += 1;
        acc.ev
            .node(pay.payment_id.clone(), "Payment", Some("private".into()));
        let payer = c.name(pay.payer(shop.owner));
        acc.ev.edge(
            EvidenceEdge::new(payer.clone(), c.name(pay.to), "PAID")
                .record(pay.payment_id.clone())
                .at(pay.at)
                .amount(pay.amount, &pay.currency),
        );
        if let Some(hh) = &pay.household {
            acc.ev
                .node(payer.clone(), "Account", Some("owner's household".into()));
            acc.ev
                .node(hh.key.clone(), "Identifier", Some(hh.kind.clone()));
            acc.ev.edge(EvidenceEdge::new(
                c.name(shop.owner),
                hh.key.clone(),
                "USES",
            ));
            acc.ev
                .edge(EvidenceEdge::new(payer.clone(), hh.key.clone(), "USES"));
            acc.reasons.push(format!(
                "{payer}, who paid for the owner of shop {}, shares the {} {} with them (used by {} accounts): the owner's household.",
                shop.id, hh.kind, hh.key, hh.accounts
            ));
        }
        let also: Vec<&str> = group[1..]
            .iter()
            .map(|h| c.v.negative[h.review].id.as_str())
            .collect();
        acc.reasons.push(format!(
            "{}, owner of shop {}, privately paid {} {} (payment {}, no order) at {}, {:.1} days after {}'s {}-star review {}{}",
            c.name(shop.owner),
            shop.id,
            c.name(pay.to),
            money(pay.amount, &pay.currency),
            pay.payment_id,
            time(pay.at),
            (pay.at - r.at) as f64 / DAY as f64,
            c.name(r.author),
            r.rating,
            r.id,
            if also.is_empty() {
                ".".to_string()
            } else {
                format!(
                    "; the same payment also followed review(s) {} and is counted once.",
                    also.join(", ")
                )
            }
        ));
        strengths.push(strength);
    }
    score::noisy_or(strengths)
}

/// **Contact.** A member other than the author messaged the owner after the review, and no
/// payment followed (yet): 0.3 per hit; noisy-OR.
pub fn contact_only(c: &Ctx, hits: &[&Hit], acc: &mut Acc) -> f64 {
    let mut strengths = Vec::new();
    for h in hits.iter().filter(|h| h.payment.is_none()) {
        victim_evidence(c, acc, h);
        let author = c.v.negative[h.review].author;
        strengths.push(score::hit_strength(false, h.contacted_by_member(author)));
    }
    score::noisy_or(strengths)
}

/// **Lockstep.** Members panned the same shops within the lockstep window, as a dense FRAUDAR
/// block: `(1 - 0.6^(n-2)) · (1 - 0.5^(k-1))` for `n` accounts on `k` shops (strongest block).
pub fn lockstep(c: &Ctx, blocks: &[&LockstepBlock], acc: &mut Acc) -> f64 {
    let mut strength = 0.0f64;
    for b in blocks {
        strength = strength.max(score::lockstep_strength(b.accounts.len(), b.shops.len()));
        let shop_ids: Vec<String> = b
            .shops
            .iter()
            .map(|&s| c.v.shops[s as usize].id.clone())
            .collect();
        let (wlo, whi) = block_window(c.v, b, c.window_ms);
        let block_shops: HashSet<u32> = b.shops.iter().copied().collect();
        let (mut lo, mut hi, mut n) = (i64::MAX, i64::MIN, 0usize);
        for (i, r) in c.v.negative.iter().enumerate() {
            if c.set.contains(&r.author)
                && block_shops.contains(&r.shop)
                && r.at >= wlo
                && r.at <= whi
            {
                n += 1;
                lo = lo.min(r.at);
                hi = hi.max(r.at);
                review_evidence(c, acc, i, "target");
            }
        }
        let cats: BTreeSet<&str> = b
            .shops
            .iter()
            .filter_map(|&s| c.v.shops[s as usize].category.as_deref())
            .collect();
        let same_category = match (cats.len(), cats.iter().next()) {
            (1, Some(cat)) => format!(", all rivals in category {cat}"),
            _ => String::new(),
        };
        acc.reasons.push(format!(
            "{} accounts posted {} negative reviews on the same {} shops ({}{}) between {} and {}, in lockstep (FRAUDAR block density {:.2}).",
            b.accounts.len(),
            n,
            b.shops.len(),
            shop_ids.join(", "),
            same_category,
            time(lo.min(hi)),
            time(hi.max(lo)),
            b.density
        ));
    }
    strength
}

/// **Paid panning.** A member privately paid other members shortly before or after each
/// posted a negative or neutral review on shops of one category, or paid several of one
/// shop's panners together after the campaign (a payroll, [`super::paid`]): 0.15 per paid
/// reviewer, noisy-OR, at most 0.7.
pub fn paid_panning(c: &Ctx, paid: &[&PaidPanning], acc: &mut Acc) -> f64 {
    let mut reviewers: BTreeSet<u32> = BTreeSet::new();
    for x in paid {
        let mut lines = Vec::new();
        let mut paid_here: BTreeSet<u32> = BTreeSet::new();
        for p in &x.paid {
            if !c.set.contains(&p.payment.to) {
                continue;
            }
            reviewers.insert(p.payment.to);
            paid_here.insert(p.payment.to);
            let (author, shop) = (p.payment.to, &c.v.shops[p.shop as usize]);
            acc.shops.insert(shop.id.clone());
            acc.reviews_by
                .entry(author)
                .or_default()
                .insert(p.review_id.clone());
            acc.times.push(p.at);
            acc.ev.node(c.name(author), "Account", None);
            acc.ev.node(
                p.review_id.clone(),
                "Review",
                Some(format!("rating {}", p.rating)),
            );
            acc.ev.node(shop.id.clone(), "Shop", Some("target".into()));
            acc.ev
                .edge(EvidenceEdge::new(c.name(author), p.review_id.clone(), "WROTE").at(p.at));
            acc.ev.edge(EvidenceEdge::new(
                p.review_id.clone(),
                shop.id.clone(),
                "ABOUT",
            ));
            acc.ev.node(
                p.payment.payment_id.clone(),
                "Payment",
                Some("private".into()),
            );
            acc.ev.edge(
                EvidenceEdge::new(c.name(x.payer), c.name(author), "PAID")
                    .record(p.payment.payment_id.clone())
                    .at(p.payment.at)
                    .amount(p.payment.amount, &p.payment.currency),
            );
            let gap = (p.payment.at - p.at) as f64 / DAY as f64;
            lines.push(format!(
                "{} ({}, {}, {:.1} days {} its {}-star review {} of shop {})",
                c.name(author),
                p.payment.payment_id,
                money(p.payment.amount, &p.payment.currency),
                gap.abs(),
                if gap >= 0.0 { "after" } else { "before" },
                p.rating,
                p.review_id,
                shop.id
            ));
        }
        if !lines.is_empty() {
            acc.reasons.push(format!(
                "{} privately paid {} accounts for {} negative or neutral reviews of shops in category {}: {}.",
                c.name(x.payer),
                paid_here.len(),
                lines.len(),
                x.category,
                lines.join("; ")
            ));
        }
    }
    score::repeated(0.15, reviewers.len(), 0.7)
}

/// Every pair of members with the ties between them.
fn member_pairs<'c>(c: &'c Ctx) -> impl Iterator<Item = (u32, u32, &'c Via)> + 'c {
    c.members.iter().enumerate().flat_map(move |(i, &a)| {
        c.members[i + 1..]
            .iter()
            .flat_map(move |&b| c.ties.between(a, b).iter().map(move |v| (a, b, v)))
    })
}

/// **Identity.** Members share rare identifiers: noisy-OR of `0.5/(n-1)` per identifier
/// shared by `n` accounts, at most 0.5.
pub fn identity(c: &Ctx, acc: &mut Acc) -> f64 {
    let mut shared: BTreeMap<String, (String, i64, BTreeSet<String>)> = BTreeMap::new();
    for (a, b, via) in member_pairs(c) {
        if let Via::Identifier {
            kind,
            key,
            accounts,
        } = via
        {
            let e = shared
                .entry(key.clone())
                .or_insert_with(|| (kind.clone(), *accounts, BTreeSet::new()));
            e.2.insert(c.name(a));
            e.2.insert(c.name(b));
            acc.ev.node(key.clone(), "Identifier", Some(kind.clone()));
            acc.ev
                .edge(EvidenceEdge::new(c.name(a), key.clone(), "USES"));
            acc.ev
                .edge(EvidenceEdge::new(c.name(b), key.clone(), "USES"));
        }
    }
    for (key, (kind, n, accts)) in &shared {
        let list: Vec<&str> = accts.iter().map(String::as_str).collect();
        acc.reasons.push(format!(
            "{} share {kind} {key} (used by {n} accounts in all).",
            list.join(", ")
        ));
    }
    score::noisy_or(
        shared
            .values()
            .map(|(_, n, _)| 0.5 / ((*n).max(2) - 1) as f64),
    )
    .min(0.5)
}

/// **Referrals.** A member invited another: 0.15 each, noisy-OR, at most 0.4.
pub fn referrals(c: &Ctx, acc: &mut Acc) -> f64 {
    let mut n = 0usize;
    for (a, b, via) in member_pairs(c) {
        if let Via::Referral { inviter, at } = via {
            n += 1;
            let invitee = if *inviter == a { b } else { a };
            acc.acts
                .entry(*inviter)
                .or_default()
                .invited
                .insert(invitee);
            let mut e = EvidenceEdge::new(c.name(*inviter), c.name(invitee), "REFERRED");
            if let Some(t) = at {
                e = e.at(*t);
            }
            acc.ev.edge(e);
            acc.reasons
                .push(format!("{} invited {}.", c.name(*inviter), c.name(invitee)));
        }
    }
    score::repeated(0.15, n, 0.4)
}

/// **Internal money.** Private transfers among members (shares, fees): 0.1 each, noisy-OR,
/// at most 0.4. Payments above the commerce floor make the payer a coordinator of the payee.
pub fn internal_money(c: &Ctx, acc: &mut Acc) -> f64 {
    let floor = crate::detect::thresholds::current();
    let mut n = 0usize;
    for (a, b, via) in member_pairs(c) {
        if let Via::Transfer {
            payment_id,
            from,
            amount,
            currency,
            at,
        } = via
        {
            n += 1;
            let to = if *from == a { b } else { a };
            if floor.above_commerce(*amount) {
                acc.acts.entry(*from).or_default().paid.insert(to);
            }
            if !c.funders.contains(from) {
                acc.money_out.add(*amount, currency);
            }
            acc.times.push(*at);
            acc.ev
                .node(payment_id.clone(), "Payment", Some("private".into()));
            acc.ev.edge(
                EvidenceEdge::new(c.name(*from), c.name(to), "PAID")
                    .record(payment_id.clone())
                    .at(*at)
                    .amount(*amount, currency),
            );
        }
    }
    let mut payers: Vec<(&u32, &MemberActs)> =
        acc.acts.iter().filter(|(_, x)| x.paid.len() >= 2).collect();
    payers.sort_by_key(|(a, _)| c.name(**a));
    let lines: Vec<String> = payers
        .iter()
        .map(|(a, x)| {
            format!(
                "{} privately paid {} other members.",
                c.name(**a),
                x.paid.len()
            )
        })
        .collect();
    acc.reasons.extend(lines);
    score::repeated(0.1, n, 0.4)
}

/// The members' messages to each other, into the evidence (no score: talking is no proof);
/// a message makes the sender a coordinator of the receiver.
pub fn member_messages(c: &Ctx, acc: &mut Acc) {
    for (a, b, via) in member_pairs(c) {
        if let Via::Message {
            message_id,
            from,
            at,
        } = via
        {
            let to = if *from == a { b } else { a };
            acc.acts.entry(*from).or_default().messaged.insert(to);
            acc.ev.edge(
                EvidenceEdge::new(c.name(*from), c.name(to), "MESSAGED")
                    .record(message_id.clone())
                    .at(*at),
            );
        }
    }
}

/// **Seller money.** The shared money walk found a seller competing with the victims whose
/// money reached the organizer, directly or through mules: 0.8.
pub fn seller_money(c: &Ctx, funding: Option<&Funding>, acc: &mut Acc) -> f64 {
    let Some(f) = funding else { return 0.0 };
    let hops: Vec<String> = f
        .chain
        .iter()
        .map(|l| {
            format!(
                "{} → {} {} ({}, {})",
                c.name(l.from),
                c.name(l.to),
                money(l.amount, &l.currency),
                l.payment_id,
                time(l.at)
            )
        })
        .collect();
    let through = match &f.sponsor {
        Some(s) => {
            let hand = c.name(f.chain[0].from);
            acc.ev
                .node(c.name(s.seller), "Account", Some("sponsor".into()));
            acc.ev
                .node(s.key.clone(), "Identifier", Some(s.kind.clone()));
            acc.ev
                .edge(EvidenceEdge::new(c.name(s.seller), s.key.clone(), "USES"));
            acc.ev
                .edge(EvidenceEdge::new(hand.clone(), s.key.clone(), "USES"));
            format!(
                " through {hand}, who owns no shop and shares the {} {} with the seller (used by {} accounts)",
                s.kind, s.key, s.accounts
            )
        }
        None => String::new(),
    };
    acc.reasons.push(format!(
        "Seller {}, a competitor of the targeted shops, funded the group{through}: {}.",
        c.name(f.beneficiary()),
        hops.join("; ")
    ));
    for l in &f.chain {
        acc.times.push(l.at);
        acc.ev.node(c.name(l.from), "Account", None);
        acc.ev
            .node(l.payment_id.clone(), "Payment", Some("private".into()));
        acc.ev.edge(
            EvidenceEdge::new(c.name(l.from), c.name(l.to), "PAID")
                .record(l.payment_id.clone())
                .at(l.at)
                .amount(l.amount, &l.currency),
        );
    }
    0.8
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::money::Transfer;
    use crate::detect::victim::{NegativeReview, OwnerContact, OwnerTransfer, ShopInfo};

    /// Accounts 0..=4 are named a0..a4; shops s0, s1 owned by o0, o1 (accounts 5, 6).
    fn side() -> VictimSide {
        let mut v = VictimSide::default();
        for i in 0..5 {
            v.accounts.intern(&format!("a{i}"));
        }
        for s in 0..2u32 {
            let owner = v.accounts.intern(&format!("o{s}"));
            v.shops.push(ShopInfo {
                id: format!("s{s}"),
                owner,
                category: Some("tea".into()),
            });
        }
        for (i, (author, shop, day)) in [(1u32, 0u32, 1i64), (1, 1, 2), (2, 0, 1), (2, 1, 2)]
            .into_iter()
            .enumerate()
        {
            v.negative.push(NegativeReview {
                id: format!("r{i}"),
                author,
                shop,
                rating: 1,
                at: day * DAY,
            });
        }
        v
    }

    fn ctx<'a>(v: &'a VictimSide, ties: &'a Ties, members: &'a [u32]) -> Ctx<'a> {
        Ctx {
            v,
            ties,
            members,
            set: members.iter().copied().collect(),
            window_ms: 7 * DAY,
            funders: HashSet::new(),
        }
    }

    fn hit(review: usize, payee: Option<u32>, contact: Option<u32>) -> Hit {
        Hit {
            review,
            payment: payee.map(|to| OwnerTransfer {
                household: None,
                payment_id: format!("pay{review}"),
                to,
                amount: 80_000,
                currency: "CNY".into(),
                at: 3 * DAY,
            }),
            contact: contact.map(|from| OwnerContact {
                message_id: format!("msg{review}"),
                from,
                at: 2 * DAY,
            }),
        }
    }

    #[test]
    fn extortion_counts_paid_hits_and_names_the_payment() {
        let (v, ties) = (side(), Ties::default());
        let members = [0, 1];
        let c = ctx(&v, &ties, &members);
        let hits = [hit(0, Some(0), Some(0)), hit(1, Some(0), None)];
        let refs: Vec<&Hit> = hits.iter().collect();
        let mut acc = Acc::default();
        let s = extortion(&c, &refs, &mut acc);
        assert!((s - score::noisy_or([0.75, 0.55])).abs() < 1e-9);
        assert!(acc
            .reasons
            .iter()
            .any(|r| r.contains("privately paid a0 800.00 CNY (payment pay0")));
        assert!(acc.reasons.iter().any(|r| r.starts_with("a0 messaged o0")));
        assert_eq!(acc.money_in.describe(), "1600.00 CNY");
        assert_eq!(acc.acts[&0].owner_payments, 2);
        assert_eq!(acc.acts[&0].owner_contacts, 1);
    }

    #[test]
    fn a_payment_after_several_reviews_counts_once() {
        let (v, ties) = (side(), Ties::default());
        let members = [0, 1, 2];
        let c = ctx(&v, &ties, &members);
        // r0 and r2 (both on s0) were followed by the same payment of o0 to a0
        let mut second = hit(2, Some(0), None);
        second.payment = hit(0, Some(0), None).payment;
        let hits = [hit(0, Some(0), Some(0)), second];
        let refs: Vec<&Hit> = hits.iter().collect();
        let mut acc = Acc::default();
        let s = extortion(&c, &refs, &mut acc);
        assert!(
            (s - 0.75).abs() < 1e-9,
            "one payment, the strongest hit: {s}"
        );
        assert_eq!(acc.money_in.describe(), "800.00 CNY");
        assert_eq!(acc.acts[&0].owner_payments, 1);
        let paid: Vec<&String> = acc
            .reasons
            .iter()
            .filter(|r| r.contains("privately paid"))
            .collect();
        assert_eq!(paid.len(), 1, "{paid:?}");
        assert!(
            paid[0].contains("also followed review(s) r2 and is counted once"),
            "{}",
            paid[0]
        );
        // both reviews stay in the evidence
        assert_eq!(acc.reviews_by[&1].len(), 1);
        assert_eq!(acc.reviews_by[&2].len(), 1);
    }

    #[test]
    fn contact_without_payment_is_weak() {
        let (v, ties) = (side(), Ties::default());
        let members = [0, 1];
        let c = ctx(&v, &ties, &members);
        let hits = [hit(0, None, Some(0))];
        let refs: Vec<&Hit> = hits.iter().collect();
        let mut acc = Acc::default();
        assert!((contact_only(&c, &refs, &mut acc) - 0.3).abs() < 1e-9);
        assert_eq!(extortion(&c, &refs, &mut Acc::default()), 0.0);
    }

    #[test]
    fn lockstep_names_the_shops_and_the_category() {
        let (v, ties) = (side(), Ties::default());
        let members = [1, 2, 3];
        let c = ctx(&v, &ties, &members);
        let block = LockstepBlock {
            accounts: vec![1, 2, 3],
            shops: vec![0, 1],
            reviews: vec![0, 1, 2, 3],
            density: 1.2,
            fringe: vec![],
        };
        let mut acc = Acc::default();
        let s = lockstep(&c, &[&block], &mut acc);
        assert_eq!(s, score::lockstep_strength(3, 2));
        assert!(acc.reasons[0].contains(
            "posted 4 negative reviews on the same 2 shops (s0, s1, all rivals in category tea)"
        ));
    }

    #[test]
    fn identity_referrals_and_money_among_members() {
        let v = side();
        let mut ties = Ties::default();
        ties.add(
            0,
            1,
            Via::Identifier {
                kind: "device".into(),
                key: "device:x".into(),
                accounts: 2,
            },
        );
        ties.add(
            0,
            1,
            Via::Referral {
                inviter: 0,
                at: Some(DAY),
            },
        );
        for (k, to) in [1u32, 2].into_iter().enumerate() {
            ties.add(
                0,
                to,
                Via::Transfer {
                    payment_id: format!("fee{k}"),
                    from: 0,
                    amount: 5_000,
                    currency: "CNY".into(),
                    at: DAY,
                },
            );
        }
        // cashback below the commerce floor coordinates nobody
        ties.add(
            0,
            3,
            Via::Transfer {
                payment_id: "cb".into(),
                from: 0,
                amount: 500,
                currency: "CNY".into(),
                at: DAY,
            },
        );
        let members = [0, 1, 2, 3];
        let c = ctx(&v, &ties, &members);
        let mut acc = Acc::default();
        assert_eq!(identity(&c, &mut acc), 0.5);
        assert!(acc.reasons[0].contains("a0, a1 share device device:x (used by 2 accounts in all)"));
        assert!((referrals(&c, &mut acc) - 0.15).abs() < 1e-9);
        assert!(acc.reasons.contains(&"a0 invited a1.".to_string()));
        let s = internal_money(&c, &mut acc);
        assert!((s - score::repeated(0.1, 3, 0.4)).abs() < 1e-9);
        assert_eq!(acc.acts[&0].paid.len(), 2);
        assert!(acc
            .reasons
            .contains(&"a0 privately paid 2 other members.".to_string()));
        assert_eq!(acc.money_out.describe(), "105.00 CNY");
    }

    #[test]
    fn seller_money_explains_the_chain() {
        let (v, ties) = (side(), Ties::default());
        let members = [0, 1];
        let c = ctx(&v, &ties, &members);
        let f = Funding {
            sponsor: None,
            organizer: 0,
            chain: vec![
                Transfer {
                    payment_id: "f1".into(),
                    from: 5,
                    to: 4,
                    amount: 300_000,
                    currency: "CNY".into(),
                    at: DAY,
                },
                Transfer {
                    payment_id: "f2".into(),
                    from: 4,
                    to: 0,
                    amount: 290_000,
                    currency: "CNY".into(),
                    at: 2 * DAY,
                },
            ],
        };
        let mut acc = Acc::default();
        assert_eq!(seller_money(&c, Some(&f), &mut acc), 0.8);
        assert!(acc.reasons[0].starts_with("Seller o0, a competitor of the targeted shops, funded the group: o0 → a4 3000.00 CNY (f1"));
        assert_eq!(seller_money(&c, None, &mut Acc::default()), 0.0);
    }
}
