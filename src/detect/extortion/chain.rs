//! One extortion chain per negative review, from the candidate contacts and payments, with
//! the ties that link each step's account to the reviewer, and its confidence.

use crate::detect::rings::candidates::Candidate;
use crate::detect::ties::{Ties, Via};
use crate::detect::victim::{OwnerContact, OwnerTransfer, Retraction, VictimSide};
use std::collections::HashMap;

/// How a step's account is linked to the reviewer.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TieUsed {
    /// The reviewer (the owner, for `owner_household:*`).
    pub from: String,
    /// The contacting or paid account (the paying household member, for `owner_household:*`).
    pub to: String,
    /// `same_account`, `device`, `phone`, `address`, `card`, `ip`, `referral`, `transfer`,
    /// `same_ring`, `forwarded_to:<account>`, `settles_with:<account>`,
    /// `contact_tied_to_payee:<kind>`, `owner_household:<kind>`.
    pub kind: String,
    /// The identifier key, payment id or ring id behind the tie.
    pub detail: Option<String>,
    /// 0..1: how much the tie alone says the two act together.
    pub strength: f64,
}

#[derive(Debug, Clone)]
pub struct Chain {
    pub review: usize,
    pub contact: Option<OwnerContact>,
    /// The first payment of the deal.
    pub payment: OwnerTransfer,
    /// The payments after it that belong to the same deal ([`installments`]), oldest first.
    pub installments: Vec<OwnerTransfer>,
    pub retraction: Option<Retraction>,
    pub ties: Vec<TieUsed>,
    pub confidence: f64,
}

#[derive(Debug, Clone, Copy)]
pub struct Windows {
    pub contact_ms: i64,
    pub pay_after_contact_ms: i64,
    pub pay_without_contact_ms: i64,
    pub retract_ms: i64,
    /// What hush money is ([`crate::detect::thresholds::Thresholds::is_hush_money`]).
    pub thresholds: crate::detect::thresholds::Thresholds,
}

/// Confidence of a chain from its steps and the weakest tie used.
pub fn confidence(contact: bool, retracted: bool, weakest_tie: f64) -> f64 {
    let base = match (contact, retracted) {
        (true, true) => 0.95,
        (true, false) => 0.7,
        (false, true) => 0.65,
        (false, false) => 0.35,
    };
    base * weakest_tie
}

/// A payee tied to the reviewer directly, passing the money on to someone who is, or
/// settling up with someone who is ([`Ties::settles_with`]).
pub fn payee_tie(
    v: &VictimSide,
    ties: &Ties,
    rings: &HashMap<u32, Vec<String>>,
    a: u32,
    p: &OwnerTransfer,
) -> Option<TieUsed> {
    if let Some(t) = tie(v, ties, rings, a, p.to) {
        return Some(t);
    }
    let (n, via, kind, strength) = match ties.forwarded(p.to, p.at, FORWARD_WINDOW_MS, a) {
        Some((n, via)) => (n, via, "forwarded_to", 0.9),
        // an owner paying the crew is what a victim does, not a collector settling up
        None if v.is_owner(p.to) => return None,
        None => {
            let (n, via) = ties.settles_with(p.to, a)?;
            (n, via, "settles_with", SETTLEMENT_STRENGTH)
        }
    };
    let id = match via {
        Via::Transfer { payment_id, .. } => Some(payment_id.clone()),
        _ => None,
    };
    Some(TieUsed {
        from: v.accounts.name(a).to_string(),
        to: v.accounts.name(p.to).to_string(),
        kind: format!("{kind}:{}", v.accounts.name(n)),
        detail: id,
        strength,
    })
}

/// How strongly a payee that pays the reviewer's associate at some other time ([`Ties::settles_with`])
/// is tied to the reviewer: a complete chain through it stays above the reporting threshold,
/// below one through a direct tie or a timely forward.
pub const SETTLEMENT_STRENGTH: f64 = 0.8;

/// The payee must pass the money on within this long to count as forwarding.
pub const FORWARD_WINDOW_MS: i64 = 3 * 24 * 3600 * 1000;

/// How strongly a shared identifier ties two accounts in an incident: `0.9 + 0.1/(n-1)` for
/// an identifier of `n` accounts (1.0 for two, 0.95 for three), the shared rare-identifier
/// weight ([`crate::detect::thresholds::Thresholds::identifier_weight`]) on top of 0.9.
pub fn identifier_strength(accounts: i64) -> f64 {
    0.9 + 0.1 * crate::detect::thresholds::current().identifier_weight(accounts)
}

/// The strongest tie between reviewer `a` and `b` that the pattern accepts (not messages:
/// talking to someone is no accomplice link).
pub fn tie(
    v: &VictimSide,
    ties: &Ties,
    rings: &HashMap<u32, Vec<String>>,
    a: u32,
    b: u32,
) -> Option<TieUsed> {
    let mk = |kind: &str, detail: Option<String>, strength: f64| TieUsed {
        from: v.accounts.name(a).to_string(),
        to: v.accounts.name(b).to_string(),
        kind: kind.to_string(),
        detail,
        strength,
    };
    if a == b {
        return Some(mk("same_account", None, 1.0));
    }
    let mut best: Option<TieUsed> = None;
    for via in ties.between(a, b) {
        let t = match via {
            Via::Identifier {
                kind,
                key,
                accounts,
            } => mk(kind, Some(key.clone()), identifier_strength(*accounts)),
            Via::Referral { .. } => mk("referral", None, 1.0),
            Via::Transfer { payment_id, .. } => mk("transfer", Some(payment_id.clone()), 0.9),
            Via::Message { .. } => continue,
        };
        if best.as_ref().is_none_or(|x| t.strength > x.strength) {
            best = Some(t);
        }
    }
    if best.as_ref().is_none_or(|x| x.strength < 1.0) {
        if let (Some(ra), Some(rb)) = (rings.get(&a), rings.get(&b)) {
            if let Some(r) = ra.iter().find(|r| rb.contains(r)) {
                return Some(mk("same_ring", Some(r.clone()), 1.0));
            }
        }
    }
    best
}

/// For a payment a member of the owner's household made: how the payer is tied to the owner
/// (`owner_household:<kind>`, from the owner to the payer, as strong as the shared identifier).
pub fn household_tie(v: &VictimSide, owner: u32, p: &OwnerTransfer) -> Option<TieUsed> {
    let h = p.household.as_ref()?;
    Some(TieUsed {
        from: v.accounts.name(owner).to_string(),
        to: v.accounts.name(h.payer).to_string(),
        kind: format!("owner_household:{}", h.kind),
        detail: Some(h.key.clone()),
        strength: identifier_strength(h.accounts),
    })
}

/// The most complete chain for one candidate review, if any payment is tied to the reviewer.
pub fn best_chain(
    v: &VictimSide,
    ties: &Ties,
    rings: &HashMap<u32, Vec<String>>,
    c: &Candidate,
    w: Windows,
) -> Option<Chain> {
    let r = &v.negative[c.review];
    let a = r.author;
    let retraction_after = |at: i64| {
        v.retractions
            .get(&r.id)
            .and_then(|list| list.iter().find(|x| x.at > at && x.at <= at + w.retract_ms))
            .cloned()
    };
    let mut best: Option<Chain> = None;
    let mut consider = |chain: Chain| {
        if best
            .as_ref()
            .is_none_or(|b| chain.confidence > b.confidence)
        {
            best = Some(chain);
        }
    };
    for m in c.contacts(v) {
        // Past the contact window only the review's withdrawal right after the payment ties
        // a contact to it: stockpiled reviews sold off together, weeks after they were posted.
        let late = m.at > r.at + w.contact_ms;
        let t1 = tie(v, ties, rings, a, m.from);
        for p in c
            .payments(v)
            .filter(|p| p.at > m.at && p.at <= m.at + w.pay_after_contact_ms)
        {
            let retraction = retraction_after(p.at);
            if late && retraction.is_none() {
                continue;
            }
            if !w
                .thresholds
                .is_hush_money(p.amount, p.to == a, true, retraction.is_some())
            {
                continue;
            }
            let Some(t2) = payee_tie(v, ties, rings, a, p) else {
                continue;
            };
            // the contact is tied to the reviewer, is the paid account itself, or is tied to
            // the paid account (a split crew's negotiator)
            let t1 = match (&t1, m.from == p.to) {
                (Some(t), _) => t.clone(),
                (None, true) => TieUsed {
                    kind: "contact_is_payee".into(),
                    ..t2.clone()
                },
                (None, false) => match tie(v, ties, rings, p.to, m.from) {
                    Some(t) => TieUsed {
                        kind: format!("contact_tied_to_payee:{}", t.kind),
                        ..t
                    },
                    None => continue,
                },
            };
            let mut used = vec![t1.clone(), t2];
            used.extend(household_tie(v, v.owner_of(r), p));
            let weakest = used.iter().map(|t| t.strength).fold(1.0, f64::min);
            consider(Chain {
                review: c.review,
                contact: Some(m.clone()),
                payment: p.clone(),
                installments: Vec::new(),
                confidence: confidence(true, retraction.is_some(), weakest),
                retraction,
                ties: used,
            });
        }
    }
    for p in c.payments(v).filter(|p| {
        p.at <= r.at + w.pay_without_contact_ms
            && w.thresholds
                .is_hush_money(p.amount, p.to == a, false, false)
    }) {
        let Some(t2) = payee_tie(v, ties, rings, a, p) else {
            continue;
        };
        let retraction = retraction_after(p.at);
        let mut used = vec![t2];
        used.extend(household_tie(v, v.owner_of(r), p));
        let weakest = used.iter().map(|t| t.strength).fold(1.0, f64::min);
        consider(Chain {
            review: c.review,
            contact: None,
            payment: p.clone(),
            installments: Vec::new(),
            confidence: confidence(false, retraction.is_some(), weakest),
            retraction,
            ties: used,
        });
    }
    best
}

/// A payment followed by the withdrawal of some of the shop's reviews bought those: a chain
/// through the same payment whose review stayed up is not part of that deal (a recruit's
/// later review, posted the day before the organizer sold off the old ones).
pub fn keep_what_payments_bought(chains: &mut Vec<Chain>) {
    let bought: std::collections::HashSet<String> = chains
        .iter()
        .filter(|c| c.retraction.is_some())
        .map(|c| c.payment.payment_id.clone())
        .collect();
    chains.retain(|c| c.retraction.is_some() || !bought.contains(&c.payment.payment_id));
}

/// Two payments of one deal are at most this far apart: extortionists let a merchant pay in
/// installments, days apart, and withdraw the review only after the last one.
pub const INSTALLMENT_GAP_MS: i64 = 7 * 24 * 3600 * 1000;

impl Chain {
    /// The weakest tie the chain rests on (1.0 without any: the reviewer was paid).
    pub fn weakest_tie(&self) -> f64 {
        self.ties.iter().map(|t| t.strength).fold(1.0, f64::min)
    }

    /// Every payment of the deal, the first one first.
    pub fn payments(&self) -> impl Iterator<Item = &OwnerTransfer> {
        std::iter::once(&self.payment).chain(&self.installments)
    }

    /// The total paid, in the first payment's currency (installments share it).
    pub fn amount(&self) -> i64 {
        self.payments().map(|p| p.amount).sum()
    }
}

/// Extends each chain over the installments of its deal: the owner's later private payments
/// to the same payee, in the same currency and of at least `min_payment`, each within
/// [`INSTALLMENT_GAP_MS`] of the one before. A run of installments ends at the review's
/// withdrawal (what follows it is not paid for this review) and at a payment another chain
/// of the same owner and payee starts with (a second deal). The withdrawal is then looked
/// for within `retract_ms` of the last installment, and the confidence follows.
pub fn extend_over_installments(
    v: &VictimSide,
    chains: &mut [Chain],
    min_payment: i64,
    retract_ms: i64,
) {
    let firsts: std::collections::HashSet<(u32, &str)> = chains
        .iter()
        .map(|ch| {
            (
                v.owner_of(&v.negative[ch.review]),
                ch.payment.payment_id.as_str(),
            )
        })
        .collect();
    let mut found: Vec<(Vec<OwnerTransfer>, Option<Retraction>)> = Vec::with_capacity(chains.len());
    for ch in chains.iter() {
        let r = &v.negative[ch.review];
        let owner = v.owner_of(r);
        let first = &ch.payment;
        let retractions = v.retractions.get(&r.id).map_or(&[][..], Vec::as_slice);
        let withdrawn_before = |at: i64| retractions.iter().any(|x| x.at > first.at && x.at < at);
        let mut more: Vec<OwnerTransfer> = Vec::new();
        let mut last = first.at;
        let later = v.transfers_range(owner, first.at, i64::MAX);
        for q in &v.transfers_of(owner)[later] {
            if q.to != first.to || q.payment_id == first.payment_id {
                continue;
            }
            if q.at - last > INSTALLMENT_GAP_MS
                || withdrawn_before(q.at)
                || firsts.contains(&(owner, q.payment_id.as_str()))
            {
                break;
            }
            if q.currency != first.currency || q.amount < min_payment {
                continue;
            }
            last = q.at;
            more.push(q.clone());
        }
        let retraction = retractions
            .iter()
            .find(|x| x.at > first.at && x.at <= last + retract_ms)
            .cloned();
        found.push((more, retraction));
    }
    for (ch, (more, retraction)) in chains.iter_mut().zip(found) {
        ch.installments = more;
        ch.retraction = retraction;
        ch.confidence = confidence(
            ch.contact.is_some(),
            ch.retraction.is_some(),
            ch.weakest_tie(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn complete_chains_are_most_confident() {
        let complete = confidence(true, true, 1.0);
        let no_withdrawal = confidence(true, false, 1.0);
        let no_contact = confidence(false, true, 1.0);
        let payment_only = confidence(false, false, 1.0);
        assert!(complete > no_withdrawal && no_withdrawal > no_contact);
        assert!(no_contact >= super::super::DEFAULT_MIN_CONFIDENCE);
        assert!(payment_only < super::super::DEFAULT_MIN_CONFIDENCE);
        assert!(confidence(true, true, 0.9) < complete);
    }

    const D: i64 = 24 * 3600 * 1000;

    /// Owner `o` of shop `s`, reviewer `a`, payee `x`; the review is posted on day 0.
    fn side(payments: &[(&str, &str, i64, i64)], retracted_on: Option<i64>) -> VictimSide {
        let mut v = VictimSide::default();
        let (o, a) = (v.accounts.intern("o"), v.accounts.intern("a"));
        v.shops.push(crate::detect::victim::ShopInfo {
            id: "s".into(),
            owner: o,
            category: None,
        });
        v.negative.push(crate::detect::victim::NegativeReview {
            id: "r".into(),
            author: a,
            shop: 0,
            rating: 1,
            at: 0,
        });
        for (id, to, amount, day) in payments {
            let to = v.accounts.intern(to);
            v.transfers.entry(o).or_default().push(OwnerTransfer {
                household: None,
                payment_id: id.to_string(),
                to,
                amount: *amount,
                currency: "CNY".into(),
                at: day * D,
            });
        }
        if let Some(day) = retracted_on {
            v.retractions
                .entry("r".into())
                .or_default()
                .push(Retraction {
                    event_id: "e".into(),
                    action: "withdrawn".into(),
                    at: day * D,
                    new_rating: None,
                });
        }
        v
    }

    fn chain_on(v: &VictimSide, first: usize) -> Chain {
        let payment = v.transfers_of(0)[first].clone();
        Chain {
            review: 0,
            contact: Some(OwnerContact {
                message_id: "m".into(),
                from: payment.to,
                at: 1,
            }),
            payment,
            installments: Vec::new(),
            retraction: None,
            ties: vec![TieUsed {
                from: "a".into(),
                to: "x".into(),
                kind: "device".into(),
                detail: None,
                strength: 0.95,
            }],
            confidence: confidence(true, false, 0.95),
        }
    }

    fn ids(ch: &Chain) -> Vec<&str> {
        ch.payments().map(|p| p.payment_id.as_str()).collect()
    }

    /// `side` with the reviewer `a` messaging the owner on `contact_day`.
    fn side_contacted(pay_day: i64, contact_day: i64, retracted_on: Option<i64>) -> VictimSide {
        let mut v = side(&[("p", "a", 200_000, pay_day)], retracted_on);
        let (o, a) = (v.accounts.intern("o"), v.accounts.intern("a"));
        v.contacts.entry(o).or_default().push(OwnerContact {
            message_id: "m".into(),
            from: a,
            at: contact_day * D,
        });
        v
    }

    fn chain_of(v: &VictimSide) -> Option<Chain> {
        let w = Windows {
            contact_ms: 7 * D,
            pay_after_contact_ms: 7 * D,
            pay_without_contact_ms: 14 * D,
            retract_ms: 7 * D,
            thresholds: Default::default(),
        };
        let cands = crate::detect::rings::candidates::generate(v, 14 * D, 7 * D, true);
        cands
            .iter()
            .find_map(|c| best_chain(v, &Ties::default(), &HashMap::new(), c, w))
    }

    #[test]
    fn stockpiled_reviews_sold_off_weeks_later_chain_only_through_their_withdrawal() {
        // contacted on day 17, paid on day 18, withdrawn on day 19: a complete chain
        let ch = chain_of(&side_contacted(18, 17, Some(19))).expect("a chain");
        assert!(ch.retraction.is_some() && ch.contact.is_some());
        assert_eq!(ch.payment.payment_id, "p");
        // the same contact and payment without the withdrawal: nothing links them to the review
        assert!(chain_of(&side_contacted(18, 17, None)).is_none());
        // withdrawn long after the payment: no link either
        assert!(chain_of(&side_contacted(18, 17, Some(30))).is_none());
    }

    #[test]
    fn a_payment_that_bought_withdrawals_is_not_also_a_stayed_reviews_deal() {
        let v = side(&[("p", "x", 200_000, 2), ("q", "x", 200_000, 3)], None);
        let mut stayed = chain_on(&v, 0);
        let mut bought = chain_on(&v, 0);
        bought.review = 1;
        bought.retraction = Some(Retraction {
            event_id: "e".into(),
            action: "withdrawn".into(),
            at: 3 * D,
            new_rating: None,
        });
        let other = chain_on(&v, 1);
        stayed.review = 2;
        let mut chains = vec![stayed, bought, other];
        keep_what_payments_bought(&mut chains);
        let left: Vec<(usize, &str)> = chains
            .iter()
            .map(|c| (c.review, c.payment.payment_id.as_str()))
            .collect();
        assert_eq!(left, vec![(1, "p"), (0, "q")]);
    }

    #[test]
    fn installments_join_their_deal_and_the_withdrawal_counts_from_the_last() {
        // p2 and p3 follow within a week each; q goes to someone else; p9 is weeks later;
        // small is below the minimum. The withdrawal comes 6 days after p3 (13 after p1).
        let payments = [
            ("p1", "x", 600, 1),
            ("p2", "x", 800, 4),
            ("q", "y", 900, 5),
            ("small", "x", 10, 6),
            ("p3", "x", 500, 9),
            ("p9", "x", 700, 30),
        ];
        let v = side(&payments, Some(15));
        let mut chains = vec![chain_on(&v, 0)];
        extend_over_installments(&v, &mut chains, 100, 7 * D);
        let ch = &chains[0];
        assert_eq!(ids(ch), ["p1", "p2", "p3"]);
        assert_eq!(ch.amount(), 1900);
        assert_eq!(ch.retraction.as_ref().map(|x| x.at), Some(15 * D));
        assert_eq!(ch.confidence, confidence(true, true, 0.95));
    }

    #[test]
    fn owners_paying_under_the_minimum_do_not_make_a_payee_a_freelancer() {
        let mut v = side(&[("p1", "x", 600, 1)], Some(3));
        let x = v.accounts.intern("x");
        for other in ["o2", "o3"] {
            let o = v.accounts.intern(other);
            v.transfers.entry(o).or_default().push(OwnerTransfer {
                household: None,
                payment_id: format!("{other}-tip"),
                to: x,
                amount: 20,
                currency: "CNY".into(),
                at: 2 * D,
            });
        }
        let kept = |min_payment| {
            crate::detect::extortion::explained_payees(
                &v,
                vec![chain_on(&v, 0)],
                &[],
                0.5,
                min_payment,
            )
            .len()
        };
        // three owners paid x, one of them hush money: the tips say nothing about x
        assert_eq!(kept(100), 1);
        // counted with the tips, x would look paid by many shops for something else
        assert_eq!(kept(0), 0);
    }

    #[test]
    fn installments_stop_at_the_withdrawal_and_at_a_second_deal() {
        let payments = [
            ("p1", "x", 600, 1),
            ("p2", "x", 800, 4),
            ("p3", "x", 500, 9),
        ];
        // withdrawn on day 5: p3 pays for something else
        let v = side(&payments, Some(5));
        let mut chains = vec![chain_on(&v, 0)];
        extend_over_installments(&v, &mut chains, 100, 7 * D);
        assert_eq!(ids(&chains[0]), ["p1", "p2"]);
        // p2 starts another chain of the same owner and payee: each deal keeps its own
        let v = side(&payments, None);
        let mut chains = vec![chain_on(&v, 0), chain_on(&v, 1)];
        extend_over_installments(&v, &mut chains, 100, 7 * D);
        assert_eq!(ids(&chains[0]), ["p1"]);
        assert_eq!(ids(&chains[1]), ["p2", "p3"]);
        assert!(chains[0].retraction.is_none());
    }
    #[test]
    fn a_collector_settling_with_the_reviewers_recruiter_is_tied_unless_it_owns_a_shop() {
        // x is paid on day 1 and hands money to the organizer g, who referred the reviewer a,
        // weeks later (a monthly settlement, far past the forward window)
        let mut v = side(&[("p1", "x", 600, 1)], Some(3));
        let (a, x, g) = (
            v.accounts.intern("a"),
            v.accounts.intern("x"),
            v.accounts.intern("g"),
        );
        let mut ties = Ties::default();
        ties.add(
            a,
            g,
            Via::Referral {
                inviter: g,
                at: None,
            },
        );
        ties.add(
            x,
            g,
            Via::Transfer {
                payment_id: "settle".into(),
                from: x,
                amount: 3000,
                currency: "CNY".into(),
                at: 40 * D,
            },
        );
        let rings = HashMap::new();
        let pay = v.transfers_of(0)[0].clone();
        let t = payee_tie(&v, &ties, &rings, a, &pay).expect("settlement ties x to a");
        assert_eq!(t.kind, "settles_with:g");
        assert_eq!(t.detail.as_deref(), Some("settle"));
        assert_eq!(t.strength, SETTLEMENT_STRENGTH);
        // money the other way (g paid x) is no settlement by x
        let mut wages = Ties::default();
        wages.add(
            a,
            g,
            Via::Referral {
                inviter: g,
                at: None,
            },
        );
        wages.add(
            x,
            g,
            Via::Transfer {
                payment_id: "wage".into(),
                from: g,
                amount: 3000,
                currency: "CNY".into(),
                at: 40 * D,
            },
        );
        assert!(payee_tie(&v, &wages, &rings, a, &pay).is_none());
        // g only messaged the reviewer: no accomplice link to settle with
        let mut chat = Ties::default();
        chat.add(
            a,
            g,
            Via::Message {
                message_id: "m".into(),
                from: g,
                at: 0,
            },
        );
        chat.add(x, g, ties.between(x, g)[0].clone());
        assert!(payee_tie(&v, &chat, &rings, a, &pay).is_none());
        // a shop owner paying the crew is a victim, not a collector
        v.owners.insert(x);
        assert!(payee_tie(&v, &ties, &rings, a, &pay).is_none());
    }
}
