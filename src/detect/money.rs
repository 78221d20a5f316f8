//! Money as the detectors see it: totals kept per currency (amounts in different currencies
//! are never added into one figure), and **the** money walk that rings and lineage share.
//!
//! **The money walk.** A campaign is funded by a seller (the beneficiary) whose money reaches
//! the organizer directly or through up to three mule accounts. Walking back from the
//! organizer, a chain of private transfers is accepted when:
//! - it has 1 to [`WalkRules::max_hops`] transfers and starts at an account `is_head` accepts
//!   (for campaigns: a seller owning a shop in the victims' category who is no victim, or
//!   such a seller's household member paying for it);
//! - the transfer into the organizer is made at most [`WalkRules::lead_ms`] before `bound`
//!   (the organizer's last payout to the cell, or the last attack) and not after it;
//! - each transfer is made before the one it funds, at most [`WalkRules::hop_ms`] before it;
//! - each account passes on a plausible share of what it received: between
//!   [`WalkRules::min_passed`] and [`WalkRules::max_passed`] of it, in the same currency (a
//!   mule keeps a cut; nobody passes on far more than they got);
//! - every amount is above the commerce floor, and intermediaries are accounts `may_pass`
//!   accepts (for rings and lineage: not cell members, not victims' owners).
//!
//! Of the accepted chains the one moving the most money wins (the largest smallest amount),
//! then the shortest, then the latest. Pure: the callers fetch the transfers.

use crate::model::{format_minor, Money};
use std::collections::BTreeMap;
use std::hash::Hash;

const DAY: i64 = 24 * 3_600_000;

/// Amounts summed per currency.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals(BTreeMap<String, i64>);

impl Totals {
    pub fn add(&mut self, minor: i64, currency: &str) {
        *self.0.entry(currency.to_string()).or_default() += minor;
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The total in one currency (0 when none).
    pub fn get(&self, currency: &str) -> i64 {
        self.0.get(currency).copied().unwrap_or(0)
    }

    /// One amount per currency, in currency order.
    pub fn to_vec(&self) -> Vec<Money> {
        self.0
            .iter()
            .map(|(c, m)| Money {
                minor: *m,
                currency: c.clone(),
            })
            .collect()
    }

    /// `"1200.00 CNY"`, `"1200.00 CNY and 50.00 USD"`, or `"nothing"`.
    pub fn describe(&self) -> String {
        if self.0.is_empty() {
            return "nothing".into();
        }
        self.0
            .iter()
            .map(|(c, m)| format!("{} {c}", format_minor(*m)))
            .collect::<Vec<_>>()
            .join(" and ")
    }
}

/// One private transfer between two accounts (ids of any kind: interned numbers, strings).
#[derive(Debug, Clone, PartialEq)]
pub struct Transfer<A> {
    pub payment_id: String,
    pub from: A,
    pub to: A,
    pub amount: i64,
    pub currency: String,
    pub at: i64,
}

/// Limits of the money walk (see the module header).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WalkRules {
    /// Transfers in a chain, at most (1 = the beneficiary paid the organizer directly).
    pub max_hops: usize,
    /// The organizer's funding arrives at most this long before the bound (ms).
    pub lead_ms: i64,
    /// An intermediary passes the money on at most this long after receiving it (ms).
    pub hop_ms: i64,
    /// An intermediary passes on at least this share of what it received...
    pub min_passed: f64,
    /// ... and at most this share (a small top-up of fees is allowed).
    pub max_passed: f64,
    /// Transfers of at most this many minor units are commerce, never funding.
    pub floor: i64,
}

impl Default for WalkRules {
    fn default() -> Self {
        WalkRules {
            max_hops: 4,
            lead_ms: 30 * DAY,
            hop_ms: 30 * DAY,
            min_passed: 0.5,
            max_passed: 1.05,
            floor: super::thresholds::current().commerce_floor_minor,
        }
    }
}

/// What the walk needs to know about the accounts it meets.
pub struct WalkGraph<'a, A> {
    /// Private transfers received by an account.
    pub incoming: &'a dyn Fn(&A) -> Vec<Transfer<A>>,
    /// The account may start a chain (a funding seller).
    pub is_head: &'a dyn Fn(&A) -> bool,
    /// The account may pass money on inside a chain (a mule).
    pub may_pass: &'a dyn Fn(&A) -> bool,
}

/// True when `next` plausibly passes on the money of `prev` (see the module header).
pub fn passes_on<A>(prev: &Transfer<A>, next: &Transfer<A>, r: &WalkRules) -> bool {
    prev.at < next.at
        && next.at - prev.at <= r.hop_ms
        && prev.currency == next.currency
        && (next.amount as f64) >= prev.amount as f64 * r.min_passed
        && (next.amount as f64) <= prev.amount as f64 * r.max_passed
}

/// The best chain of transfers ending at `target`, head first (see the module header).
pub fn walk_back<A: Clone + Eq + Hash>(
    target: &A,
    bound: i64,
    g: &WalkGraph<'_, A>,
    r: &WalkRules,
) -> Option<Vec<Transfer<A>>> {
    let mut best: Option<(i64, usize, i64, Vec<Transfer<A>>)> = None;
    let mut path: Vec<Transfer<A>> = Vec::new();
    step(target, target, bound, g, r, &mut path, &mut best);
    best.map(|b| b.3)
}

fn step<A: Clone + Eq + Hash>(
    node: &A,
    target: &A,
    bound: i64,
    g: &WalkGraph<'_, A>,
    r: &WalkRules,
    path: &mut Vec<Transfer<A>>,
    best: &mut Option<(i64, usize, i64, Vec<Transfer<A>>)>,
) {
    for t in (g.incoming)(node) {
        if t.amount <= r.floor || &t.from == target || path.iter().any(|p| p.to == t.from) {
            continue;
        }
        let fits = match path.last() {
            None => t.at <= bound && bound - t.at <= r.lead_ms,
            Some(next) => passes_on(&t, next, r),
        };
        if !fits {
            continue;
        }
        path.push(t.clone());
        if (g.is_head)(&t.from) {
            let low = path.iter().map(|x| x.amount).min().unwrap_or(0);
            let key = (low, std::cmp::Reverse(path.len()), t.at);
            let better = best
                .as_ref()
                .is_none_or(|(l, n, at, _)| key > (*l, std::cmp::Reverse(*n), *at));
            if better {
                let chain: Vec<Transfer<A>> = path.iter().rev().cloned().collect();
                *best = Some((low, path.len(), t.at, chain));
            }
        } else if path.len() < r.max_hops && (g.may_pass)(&t.from) {
            step(&t.from.clone(), target, bound, g, r, path, best);
        }
        path.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tr(
        id: &str,
        from: &'static str,
        to: &'static str,
        amount: i64,
        day: i64,
    ) -> Transfer<&'static str> {
        Transfer {
            payment_id: id.into(),
            from,
            to,
            amount,
            currency: "CNY".into(),
            at: day * DAY,
        }
    }

    fn walk(ts: &[Transfer<&'static str>], heads: &[&str], bound_day: i64) -> Option<Vec<String>> {
        let incoming = |a: &&'static str| ts.iter().filter(|t| t.to == *a).cloned().collect();
        let is_head = |a: &&'static str| heads.contains(a);
        let may_pass = |a: &&'static str| !a.starts_with("member");
        let g = WalkGraph {
            incoming: &incoming,
            is_head: &is_head,
            may_pass: &may_pass,
        };
        walk_back(
            &"org",
            bound_day * DAY,
            &g,
            &WalkRules {
                floor: 1_000,
                ..WalkRules::default()
            },
        )
        .map(|c| c.into_iter().map(|t| t.payment_id).collect())
    }

    #[test]
    fn one_two_and_three_hops_in_time_order() {
        let direct = [tr("p1", "ben", "org", 500_000, 1)];
        assert_eq!(walk(&direct, &["ben"], 10), Some(vec!["p1".into()]));
        let three = [
            tr("p1", "ben", "m1", 500_000, 1),
            tr("p2", "m1", "m2", 490_000, 2),
            tr("p3", "m2", "org", 480_000, 3),
        ];
        assert_eq!(
            walk(&three, &["ben"], 10),
            Some(vec!["p1".into(), "p2".into(), "p3".into()])
        );
    }

    #[test]
    fn money_never_flows_backwards_in_time() {
        let back = [
            tr("p1", "ben", "m1", 500_000, 5),
            tr("p2", "m1", "org", 490_000, 3),
        ];
        assert_eq!(walk(&back, &["ben"], 10), None);
    }

    #[test]
    fn amounts_must_be_plausibly_passed_on() {
        // the mule passes on twice what it got: not the same money
        let grown = [
            tr("p1", "ben", "m1", 100_000, 1),
            tr("p2", "m1", "org", 200_000, 2),
        ];
        assert_eq!(walk(&grown, &["ben"], 10), None);
        // a small part of a big payment: not the same money either
        let shrunk = [
            tr("p1", "ben", "m1", 1_000_000, 1),
            tr("p2", "m1", "org", 100_000, 2),
        ];
        assert_eq!(walk(&shrunk, &["ben"], 10), None);
        let mut usd = tr("p1", "ben", "m1", 500_000, 1);
        usd.currency = "USD".into();
        assert_eq!(
            walk(&[usd, tr("p2", "m1", "org", 490_000, 2)], &["ben"], 10),
            None
        );
    }

    #[test]
    fn commerce_members_and_stale_money_are_no_chain() {
        assert_eq!(walk(&[tr("p1", "ben", "org", 800, 1)], &["ben"], 10), None);
        let via_member = [
            tr("p1", "ben", "member1", 500_000, 1),
            tr("p2", "member1", "org", 490_000, 2),
        ];
        assert_eq!(walk(&via_member, &["ben"], 10), None);
        assert_eq!(
            walk(&[tr("p1", "ben", "org", 500_000, 1)], &["ben"], 60),
            None
        );
    }

    #[test]
    fn the_chain_moving_most_money_wins() {
        let ts = [
            tr("small", "ben", "org", 20_000, 2),
            tr("p1", "ben", "m1", 500_000, 1),
            tr("p2", "m1", "org", 490_000, 2),
        ];
        assert_eq!(
            walk(&ts, &["ben"], 10),
            Some(vec!["p1".into(), "p2".into()])
        );
    }

    #[test]
    fn totals_keep_currencies_apart() {
        let mut t = Totals::default();
        t.add(100_000, "CNY");
        t.add(5_000, "USD");
        t.add(20_000, "CNY");
        assert_eq!(t.describe(), "1200.00 CNY and 50.00 USD");
        assert_eq!(t.to_vec().len(), 2);
        assert_eq!(Totals::default().describe(), "nothing");
    }
}
