//! Role inference over an expanded neighbourhood (pure: no database). One function per step
//! and per role, each with the sentences that explain it:
//!
//! | step | function |
//! |---|---|
//! | attacks: negative reviews (≤ 2★) of reached accounts | [`attacks`] |
//! | campaign victims: shops panned by two reached accounts, in the start's categories when the start panned | [`campaign_victims`] |
//! | extortion victims: the owner (or its household) privately paid a reached account (hush money) after a reached account's negative review | [`extortion_victims`] |
//! | ORGANIZER: coordinates the most reviewers of victim shops; the start's own organizer first | [`organizer`] |
//! | OPERATIVE: a reviewer the organizer pays, invites or messages | [`operatives`] |
//! | RECRUIT: a reviewer invited by or sharing a household with an operative (but one the organizer coordinates itself only when it is the inviter's relative: invited *and* sharing its household), or a dormant account invited by an operative *and* sharing its household | [`recruits`] |
//! | NEGOTIATOR: collected a victim's money or messaged a victim's owner for the crew; a coordinated account that did only that keeps the role whatever else it reviewed | [`negotiators`], [`talkers_among`] |
//! | BENEFICIARY, INTERMEDIARY: the shared money walk back from the organizer | [`funding`] |
//! | the start: always returned, with its role or the reason none was found | [`start_without_role`] |
//!
//! Coordination never rests on ordinary commerce: transfers at or below the commerce floor
//! (cashback, red packets) and buyer↔seller chats about an order make nobody an organizer.

use super::{money, when, OwnedShop, ReviewRow, Role, Tie, TieKind};
use crate::detect::money::{walk_back, Transfer, WalkGraph, WalkRules};
use crate::detect::thresholds::Thresholds;
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// Ratings at or below this are attacks; rating 3 reviews are listed but never decide.
const NEGATIVE: i64 = 2;
const DAY: i64 = 86_400_000;
/// An owner's hush money follows the negative review within this long.
const PAY_WINDOW_MS: i64 = 14 * DAY;
/// A negotiator's message follows the negative review within this long.
const CONTACT_WINDOW_MS: i64 = 7 * DAY;
/// A payee passes hush money on to the organizer within this long.
const FORWARD_WINDOW_MS: i64 = 3 * DAY;
/// A single operative's review of a rival is part of the campaign within this long of the
/// campaign's other attacks.
const CAMPAIGN_SLACK_MS: i64 = 14 * DAY;

pub(crate) struct Input<'a> {
    pub start: &'a str,
    pub start_shop: Option<&'a str>,
    pub ties: &'a [Tie],
    pub reviews: &'a [ReviewRow],
    pub shops: &'a [OwnedShop],
    pub walk: WalkRules,
    pub thresholds: Thresholds,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Assigned {
    /// `None` only for the start when no role was found.
    pub role: Option<Role>,
    pub reasons: Vec<String>,
}

#[derive(Debug, Default)]
pub(crate) struct Inferred {
    pub roles: BTreeMap<String, Assigned>,
    pub victim_shops: BTreeSet<String>,
    pub reviews: Vec<String>,
    /// Money chain from the beneficiary to the organizer, in time order.
    pub chain: Vec<Tie>,
    pub summary: Vec<String>,
}

/// A victim shop and why.
#[derive(Debug, Clone)]
pub(crate) struct Victim<'a> {
    pub shop: &'a str,
    pub owner: &'a str,
    /// The attacks on it by reached accounts.
    pub attacks: Vec<&'a ReviewRow>,
    /// Hush money: the owner's private payments after an attack (extortion victims).
    pub paid: Vec<&'a Tie>,
    /// Messages to the owner after an attack, from someone other than the reviewer.
    pub contacted: Vec<&'a Tie>,
}

pub(crate) fn tie_phrase(t: &Tie) -> String {
    let at = t.at.map(when).unwrap_or_default();
    match t.kind {
        TieKind::Transfer => format!(
            "{} paid {} to {} on {at} (payment {})",
            t.from,
            money(t.amount.unwrap_or(0), t.currency.as_deref()),
            t.to,
            t.record.as_deref().unwrap_or("?")
        ),
        TieKind::Referred => format!("{} referred {} on {at}", t.from, t.to),
        TieKind::Messaged => format!(
            "{} messaged {} on {at} (message {})",
            t.from,
            t.to,
            t.record.as_deref().unwrap_or("?")
        ),
        TieKind::Shares => format!(
            "{} and {} share a rarely shared {} identifier",
            t.from,
            t.to,
            t.via.as_deref().unwrap_or("household")
        ),
    }
}

fn list<'s>(items: impl IntoIterator<Item = &'s String>) -> String {
    items.into_iter().cloned().collect::<Vec<_>>().join(", ")
}

/// True when `t` is `x` coordinating `r`: paying above the commerce floor or referring
/// (`x` → `r`), or messaging either way (commerce chats never reach here).
pub(crate) fn coordinates(t: &Tie, x: &str, r: &str, th: &Thresholds) -> bool {
    match t.kind {
        TieKind::Transfer => t.from == x && t.to == r && th.above_commerce(t.amount.unwrap_or(0)),
        TieKind::Referred => t.from == x && t.to == r,
        TieKind::Messaged => (t.from == x && t.to == r) || (t.from == r && t.to == x),
        TieKind::Shares => false,
    }
}

/// Negative reviews of reached accounts.
pub(crate) fn attacks<'a>(inp: &Input<'a>) -> Vec<&'a ReviewRow> {
    inp.reviews
        .iter()
        .filter(|r| r.rating <= NEGATIVE)
        .collect()
}

/// The categories the start attacked (or its review's shop is in): campaign victims must be
/// in one of them, so a trace from an operative never drifts to a neighbour's campaign.
fn start_categories<'a>(inp: &Input<'a>) -> BTreeSet<&'a str> {
    inp.reviews
        .iter()
        .filter(|r| {
            (r.author_id == inp.start && r.rating <= NEGATIVE)
                || Some(r.shop_id.as_str()) == inp.start_shop
        })
        .filter_map(|r| r.category.as_deref())
        .collect()
}

fn victim<'a>(r: &'a ReviewRow) -> Victim<'a> {
    Victim {
        shop: &r.shop_id,
        owner: &r.owner_id,
        attacks: Vec::new(),
        paid: Vec::new(),
        contacted: Vec::new(),
    }
}

/// Shops panned by two or more reached accounts (or the start's reviewed shop), in the
/// start's categories when it has any.
pub(crate) fn campaign_victims<'a>(
    inp: &Input<'a>,
    attacks: &[&'a ReviewRow],
) -> BTreeMap<&'a str, Victim<'a>> {
    let cats = start_categories(inp);
    let mut out: BTreeMap<&str, Victim> = BTreeMap::new();
    for r in attacks {
        out.entry(&r.shop_id)
            .or_insert_with(|| victim(r))
            .attacks
            .push(r);
    }
    out.retain(|shop, v| {
        let authors: BTreeSet<&str> = v.attacks.iter().map(|r| r.author_id.as_str()).collect();
        let in_category = cats.is_empty()
            || v.attacks[0]
                .category
                .as_deref()
                .is_some_and(|c| cats.contains(c));
        (authors.len() >= 2 || Some(*shop) == inp.start_shop) && in_category
    });
    out
}

/// A shared rare device, address, phone or card ([`crate::detect::ties::HOUSEHOLD_KINDS`]).
fn is_household_tie(t: &Tie) -> bool {
    t.kind == TieKind::Shares
        && t.via
            .as_deref()
            .is_some_and(|k| crate::detect::ties::HOUSEHOLD_KINDS.contains(&k))
}

/// Whether `x` belongs to `owner`'s household (and so its private payments are the owner's):
/// `x` owns no shop and shares a rare device, address, phone or card with the owner. Rings and
/// incidents count the same payers ([`crate::detect::victim`]).
fn pays_for(inp: &Input<'_>, x: &str, owner: &str) -> bool {
    x != owner
        && !inp.shops.iter().any(|s| s.owner_id == x)
        && inp.ties.iter().any(|t| {
            is_household_tie(t)
                && ((t.from == x && t.to == owner) || (t.from == owner && t.to == x))
        })
}

/// Shops whose owner (or its household) privately paid a reached account at least the hush-money minimum within
/// 14 days after a reached account's negative review on them; with the messages the owner got
/// from others within 7 days after the review.
pub(crate) fn extortion_victims<'a>(
    inp: &Input<'a>,
    attacks: &[&'a ReviewRow],
) -> BTreeMap<&'a str, Victim<'a>> {
    let mut out: BTreeMap<&str, Victim> = BTreeMap::new();
    for r in attacks {
        let after = |t: &Tie, window: i64| {
            t.at.is_some_and(|at| at > r.posted_at && at <= r.posted_at + window)
        };
        // a crew's small takings need a contact before them and the withdrawal after
        // (`Thresholds::is_hush_money`, as incidents and rings count them)
        let contacted_before = |at: i64| {
            inp.ties.iter().any(|m| {
                m.kind == TieKind::Messaged
                    && m.to == r.owner_id
                    && m.at.is_some_and(|x| x > r.posted_at && x < at)
            })
        };
        let withdrawn_after = |at: i64| {
            r.retracted_at
                .iter()
                .any(|&x| x > at && x <= at + crate::detect::thresholds::WITHDRAWAL_WINDOW_MS)
        };
        let paid: Vec<&Tie> = inp
            .ties
            .iter()
            .filter(|t| {
                t.kind == TieKind::Transfer
                    && (t.from == r.owner_id || pays_for(inp, &t.from, &r.owner_id))
                    && t.to != r.owner_id
                    && after(t, PAY_WINDOW_MS)
                    && t.at.is_some_and(|at| {
                        inp.thresholds.is_hush_money(
                            t.amount.unwrap_or(0),
                            t.to == r.author_id,
                            contacted_before(at),
                            withdrawn_after(at),
                        )
                    })
            })
            .collect();
        if paid.is_empty() {
            continue;
        }
        let contacted: Vec<&Tie> = inp
            .ties
            .iter()
            .filter(|t| {
                t.kind == TieKind::Messaged
                    && t.to == r.owner_id
                    && t.from != r.author_id
                    && after(t, CONTACT_WINDOW_MS)
            })
            .collect();
        let v = out.entry(&r.shop_id).or_insert_with(|| victim(r));
        v.attacks.push(r);
        v.paid.extend(paid);
        v.contacted.extend(contacted);
    }
    out
}

/// Every account's coordinated reviewers among `reviewers`, in one pass over the ties.
fn coordination<'a>(
    inp: &Input<'a>,
    reviewers: &BTreeSet<&'a str>,
) -> BTreeMap<&'a str, BTreeSet<&'a str>> {
    let mut out: BTreeMap<&'a str, BTreeSet<&'a str>> = BTreeMap::new();
    for t in inp.ties {
        let (a, b) = (t.from.as_str(), t.to.as_str());
        if a == b {
            continue;
        }
        if reviewers.contains(b) && coordinates(t, a, b, &inp.thresholds) {
            out.entry(a).or_default().insert(b);
        }
        if reviewers.contains(a) && coordinates(t, b, a, &inp.thresholds) {
            out.entry(b).or_default().insert(a);
        }
    }
    out
}

/// True when `x` collected the hush money of an extortion victim attacked by one of `cell`:
/// paid by the owner directly, or passed on by the account the owner paid, within 3 days.
fn collects_for(
    inp: &Input<'_>,
    x: &str,
    cell: &BTreeSet<&str>,
    extortion: &BTreeMap<&str, Victim<'_>>,
) -> bool {
    extortion.values().any(|v| {
        v.attacks.iter().any(|r| cell.contains(r.author_id.as_str()))
            && v.paid.iter().any(|t| {
                t.to == x
                    || inp.ties.iter().any(|f| {
                        f.kind == TieKind::Transfer
                            && f.from == t.to
                            && f.to == x
                            && matches!((t.at, f.at), (Some(a), Some(b)) if b > a && b <= a + FORWARD_WINDOW_MS)
                    })
            })
    })
}

/// (collector, reviewer) pairs where the collector was paid hush money directly for the
/// reviewer's attack and shares a rare household identifier (device, address, phone, card)
/// with it: a crew of two at one address needs no other tie, the talker is paid for the
/// reviewer's work (the tie incidents accept between reviewer and payee).
fn household_collections<'a>(
    inp: &Input<'a>,
    reviewers: &BTreeSet<&'a str>,
    extortion: &BTreeMap<&str, Victim<'_>>,
) -> Vec<(&'a str, &'a str)> {
    let mut out = Vec::new();
    for t in inp.ties.iter().filter(|t| is_household_tie(t)) {
        for (x, r) in [
            (t.from.as_str(), t.to.as_str()),
            (t.to.as_str(), t.from.as_str()),
        ] {
            let collected = reviewers.contains(r)
                && extortion.values().any(|v| {
                    v.attacks.iter().any(|a| a.author_id == r) && v.paid.iter().any(|p| p.to == x)
                });
            if collected && x != r {
                out.push((x, r));
            }
        }
    }
    out
}

/// The account coordinating the most reviewers, victims' owners excluded: two reviewers at
/// least, or one whose victims' hush money it collected (a crew of one operative). The
/// start's own organizer comes first: the start itself, the one coordinating the start, or
/// one tied to it directly; so a trace never hands the start's lineage to a neighbour.
pub(crate) fn organizer<'a>(
    inp: &Input<'a>,
    reviewers: &BTreeSet<&'a str>,
    victim_owners: &HashSet<&str>,
    extortion: &BTreeMap<&str, Victim<'_>>,
) -> Option<(&'a str, BTreeSet<&'a str>)> {
    let near_start = |x: &str, c: &BTreeSet<&str>| {
        x == inp.start
            || c.contains(inp.start)
            || inp.ties.iter().any(|t| {
                t.kind != TieKind::Shares
                    && ((t.from == x && t.to == inp.start) || (t.to == x && t.from == inp.start))
            })
    };
    let mut coordinated = coordination(inp, reviewers);
    for (x, r) in household_collections(inp, reviewers, extortion) {
        coordinated.entry(x).or_default().insert(r);
    }
    coordinated
        .into_iter()
        .filter(|(x, _)| !victim_owners.contains(x))
        .filter(|(x, c)| c.len() >= 2 || (c.len() == 1 && collects_for(inp, x, c, extortion)))
        .max_by(|a, b| {
            (near_start(a.0, &a.1), a.1.len())
                .cmp(&(near_start(b.0, &b.1), b.1.len()))
                .then_with(|| b.0.cmp(a.0))
        })
}

/// Authors of one of `reviews` within `[lo, hi]` whom `org` paid above the commerce floor
/// within 14 days before or after it: paid per review (or up front), like hired reviewers.
fn paid_after_attack<'a>(
    inp: &Input<'a>,
    org: &str,
    reviews: &[&'a ReviewRow],
    lo: i64,
    hi: i64,
) -> BTreeSet<&'a str> {
    reviews
        .iter()
        .filter(|r| r.posted_at >= lo && r.posted_at <= hi)
        .filter(|r| {
            inp.ties.iter().any(|t| {
                t.kind == TieKind::Transfer
                    && t.from == org
                    && t.to == r.author_id
                    && inp.thresholds.above_commerce(t.amount.unwrap_or(0))
                    && t.at
                        .is_some_and(|at| (at - r.posted_at).abs() <= PAY_WINDOW_MS)
            })
        })
        .map(|r| r.author_id.as_str())
        .collect()
}

/// The operatives: the reviewers the organizer coordinates, with the ties that show it (a
/// shared household identifier when that is all there is: see [`household_collections`]).
pub(crate) fn operatives<'a>(
    inp: &Input<'a>,
    organizer: &str,
    coordinated: &BTreeSet<&'a str>,
) -> BTreeMap<&'a str, Vec<String>> {
    coordinated
        .iter()
        .map(|&m| {
            let mut why: Vec<String> = inp
                .ties
                .iter()
                .filter(|t| coordinates(t, organizer, m, &inp.thresholds))
                .map(tie_phrase)
                .collect();
            if why.is_empty() {
                why.extend(
                    inp.ties
                        .iter()
                        .filter(|t| {
                            t.kind == TieKind::Shares
                                && ((t.from == organizer && t.to == m)
                                    || (t.from == m && t.to == organizer))
                        })
                        .map(|t| {
                            format!(
                                "{}; {organizer} collected the hush money for its reviews",
                                tie_phrase(t)
                            )
                        }),
                );
            }
            (m, why)
        })
        .collect()
}

/// `from` invited `to`.
fn referred(inp: &Input<'_>, from: &str, to: &str) -> bool {
    inp.ties
        .iter()
        .any(|t| t.kind == TieKind::Referred && t.from == from && t.to == to)
}

/// `a` and `b` share a rare household identifier.
fn shares(inp: &Input<'_>, a: &str, b: &str) -> bool {
    inp.ties.iter().any(|t| {
        t.kind == TieKind::Shares && ((t.from == a && t.to == b) || (t.from == b && t.to == a))
    })
}

/// Recruits of the operatives: reviewers an operative referred or shares a household
/// identifier with, and accounts with no attack (yet) an operative referred *and* shares a
/// household identifier with (dormant recruits). Grows until stable: a recruit who recruits
/// brings in recruits too.
pub(crate) fn recruits<'a>(
    inp: &Input<'a>,
    organizer: &str,
    operatives: &BTreeSet<&'a str>,
    reviewers: &BTreeSet<&'a str>,
    excluded: &HashSet<&str>,
) -> BTreeMap<&'a str, Vec<String>> {
    let referred = |from: &str, to: &str| referred(inp, from, to);
    let shares = |a: &str, b: &str| shares(inp, a, b);
    let mut members: BTreeSet<&str> = operatives.clone();
    let mut out: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    loop {
        let mut grew = false;
        for t in inp.ties {
            let pair = match t.kind {
                TieKind::Referred => Some((t.from.as_str(), t.to.as_str())),
                // a shared household identifier has no direction: the recruit is the one
                // not in the cell yet, or the one the organizer did not refer himself
                TieKind::Shares => {
                    let (a, b) = (t.from.as_str(), t.to.as_str());
                    match (referred(organizer, a), referred(organizer, b)) {
                        (true, false) => Some((a, b)),
                        (false, true) => Some((b, a)),
                        _ if !members.contains(b) => Some((a, b)),
                        _ if !members.contains(a) => Some((b, a)),
                        _ => None,
                    }
                }
                _ => None,
            };
            let Some((recruiter, recruit)) = pair else {
                continue;
            };
            // two operatives the organizer coordinates sharing a farm device are peers; only
            // an invitation makes one the other's recruit. And an invitation alone does not:
            // an account the organizer coordinates itself is its operative, whoever brought it
            // in, unless it is the inviter's relative (a shared household as well)
            if operatives.contains(recruit)
                && (t.kind == TieKind::Shares || !shares(recruiter, recruit))
            {
                continue;
            }
            if recruiter == organizer
                || recruit == organizer
                || !members.contains(recruiter)
                || excluded.contains(recruit)
            {
                continue;
            }
            let attacked = reviewers.contains(recruit);
            let dormant = referred(recruiter, recruit) && shares(recruiter, recruit);
            if !attacked && !dormant {
                continue;
            }
            let why = if attacked {
                format!("{}; {recruiter} is an operative", tie_phrase(t))
            } else {
                format!(
                    "invited by operative {recruiter} and shares their household; no negative review yet"
                )
            };
            let e = out.entry(recruit).or_default();
            if !e.contains(&why) {
                e.push(why);
            }
            grew |= members.insert(recruit);
        }
        if !grew {
            break;
        }
    }
    out
}

/// True when `a` and `b` are tied by more than talk: a transfer, a referral or a shared
/// household identifier.
fn bound_together(inp: &Input<'_>, a: &str, b: &str) -> bool {
    inp.ties.iter().any(|t| {
        t.kind != TieKind::Messaged && ((t.from == a && t.to == b) || (t.from == b && t.to == a))
    })
}

/// Negotiators: accounts that collected a victim's hush money or messaged a victim's owner
/// after an attack by the crew, and are bound to the crew (the organizer, a cell member or
/// another negotiator) by a transfer, a referral or a shared identifier — or talk with the
/// organizer. Grows until stable (the negotiator who talks is tied to the payee who is paid).
pub(crate) fn negotiators<'a>(
    inp: &Input<'a>,
    organizer: &'a str,
    cell: &BTreeSet<&'a str>,
    victims: &BTreeMap<&'a str, Victim<'a>>,
) -> BTreeMap<&'a str, Vec<String>> {
    let mut candidates: BTreeMap<&'a str, Vec<String>> = BTreeMap::new();
    for v in victims.values() {
        if !v
            .attacks
            .iter()
            .any(|r| cell.contains(r.author_id.as_str()))
        {
            continue;
        }
        for t in &v.paid {
            candidates.entry(&t.to).or_default().push(format!(
                "collected hush money from the owner of victim shop {}: {}",
                v.shop,
                tie_phrase(t)
            ));
        }
        for t in &v.contacted {
            candidates.entry(&t.from).or_default().push(format!(
                "messaged the owner of victim shop {} after the crew's review: {}",
                v.shop,
                tie_phrase(t)
            ));
        }
    }
    // a victim's owner is the crew's target, never its negotiator: one victim paying another
    // (sellers settle with suppliers and each other privately) is commerce between victims
    let victim_owners: HashSet<&str> = victims.values().map(|v| v.owner).collect();
    candidates.retain(|a, _| *a != organizer && !cell.contains(a) && !victim_owners.contains(a));
    let mut crew: BTreeSet<&str> = cell.clone();
    crew.insert(organizer);
    let mut out: BTreeMap<&'a str, Vec<String>> = BTreeMap::new();
    loop {
        let mut grew = false;
        for (a, why) in &candidates {
            if out.contains_key(a) {
                continue;
            }
            let talks_to_organizer = inp.ties.iter().any(|t| {
                t.kind == TieKind::Messaged
                    && ((t.from == *a && t.to == organizer) || (t.to == *a && t.from == organizer))
            });
            let tied = crew.iter().find(|m| bound_together(inp, a, m)).copied();
            if let Some(m) = tied.or(talks_to_organizer.then_some(organizer)) {
                let mut why = why.clone();
                why.push(format!("tied to the crew through {m}"));
                out.insert(a, why);
                crew.insert(a);
                grew = true;
            }
        }
        if !grew {
            break;
        }
    }
    out
}

/// Coordinated accounts that did the crew's talking or collecting, not its reviewing: each
/// messaged the owner of an extortion victim another coordinated account attacked (or took
/// that owner's hush money), and attacked no extortion victim and no shop another
/// coordinated account attacked. A negotiator is a buyer too, and a lone negative review of
/// its own (months off, of some other shop) never makes it an operative or its shop a
/// victim; [`negotiators`] then names it with its evidence.
pub(crate) fn talkers_among<'a>(
    coordinated: &BTreeSet<&'a str>,
    attacks: &[&ReviewRow],
    extortion: &BTreeMap<&str, Victim<'_>>,
) -> BTreeSet<&'a str> {
    let attacked_by = |shop: &str, other_than: &str| {
        attacks.iter().any(|r| {
            r.shop_id == shop
                && r.author_id != other_than
                && coordinated.contains(r.author_id.as_str())
        })
    };
    coordinated
        .iter()
        .copied()
        .filter(|&m| {
            let talked = extortion.values().any(|v| {
                attacked_by(v.shop, m)
                    && (v.contacted.iter().any(|t| t.from == m) || v.paid.iter().any(|t| t.to == m))
            });
            let reviewed_for_the_crew = attacks.iter().any(|r| {
                r.author_id == m
                    && (extortion.contains_key(r.shop_id.as_str()) || attacked_by(&r.shop_id, m))
            });
            talked && !reviewed_for_the_crew
        })
        .collect()
}

/// The shared money walk from the organizer back to a seller competing with the victims.
pub(crate) fn funding(
    inp: &Input<'_>,
    organizer: &str,
    crew: &BTreeSet<&str>,
    victim_owners: &HashSet<&str>,
    victim_categories: &BTreeSet<&str>,
    bound: i64,
) -> Option<Vec<Tie>> {
    let incoming = |a: &String| -> Vec<Transfer<String>> {
        inp.ties
            .iter()
            .filter(|t| t.kind == TieKind::Transfer && &t.to == a)
            .filter_map(|t| {
                Some(Transfer {
                    payment_id: t.record.clone()?,
                    from: t.from.clone(),
                    to: t.to.clone(),
                    amount: t.amount?,
                    currency: t.currency.clone().unwrap_or_else(|| "CNY".into()),
                    at: t.at?,
                })
            })
            .collect()
    };
    let is_head = |a: &String| {
        rival_shops(inp, a, victim_owners, victim_categories)
            .next()
            .is_some()
            || household_rival(inp, a, victim_owners, victim_categories).is_some()
    };
    let may_pass = |a: &String| !crew.contains(a.as_str()) && !victim_owners.contains(a.as_str());
    let g = WalkGraph {
        incoming: &incoming,
        is_head: &is_head,
        may_pass: &may_pass,
    };
    let chain = walk_back(&organizer.to_string(), bound, &g, &inp.walk)?;
    Some(
        chain
            .iter()
            .map(|t| {
                inp.ties
                    .iter()
                    .find(|x| {
                        x.kind == TieKind::Transfer && x.record.as_deref() == Some(&t.payment_id)
                    })
                    .cloned()
                    .expect("the walk only returns known transfers")
            })
            .collect(),
    )
}

/// The rival seller `x` pays for, and the tie that says so: `x` owns no shop, is no victim,
/// and shares a rare identifier of a household kind (device, address, phone, card) with a
/// seller competing with the victims (the seller's id, then the identifier, decide between
/// several). Rings name the same sponsor ([`crate::detect::rings::funding::Sponsor`]).
pub(crate) fn household_rival<'i>(
    inp: &'i Input<'_>,
    x: &str,
    victim_owners: &HashSet<&str>,
    victim_categories: &BTreeSet<&str>,
) -> Option<(&'i str, &'i Tie)> {
    if victim_owners.contains(x) || inp.shops.iter().any(|s| s.owner_id == x) {
        return None;
    }
    inp.ties
        .iter()
        .filter(|t| is_household_tie(t) && (t.from == x || t.to == x))
        .map(|t| {
            (
                if t.from == x {
                    t.to.as_str()
                } else {
                    t.from.as_str()
                },
                t,
            )
        })
        .filter(|(seller, _)| {
            rival_shops(inp, seller, victim_owners, victim_categories)
                .next()
                .is_some()
        })
        .min_by(|a, b| (a.0, &a.1.record).cmp(&(b.0, &b.1.record)))
}

/// Shops of `x` in the victims' categories, unless `x` owns a victim.
fn rival_shops<'a, 'i>(
    inp: &'i Input<'a>,
    x: &'i str,
    victim_owners: &'i HashSet<&str>,
    victim_categories: &'i BTreeSet<&str>,
) -> impl Iterator<Item = &'a OwnedShop> + 'i {
    inp.shops.iter().filter(move |s| {
        s.owner_id == x
            && !victim_owners.contains(x)
            && s.category
                .as_deref()
                .is_some_and(|c| victim_categories.contains(c))
    })
}

/// The start's entry when the trace gave it no role: why not.
pub(crate) fn start_without_role(inp: &Input<'_>, organizer: Option<&str>) -> Assigned {
    let why = match organizer {
        None => format!(
            "no role found: no account reached from {} coordinates two or more reviewers attacking victim shops",
            inp.start
        ),
        Some(o) => format!(
            "no role found: {} is not organizer {o}, a reviewer it coordinates, a recruit, a negotiator or a link of its money chain",
            inp.start
        ),
    };
    Assigned {
        role: None,
        reasons: vec![why],
    }
}

fn assigned(role: Role, reasons: Vec<String>) -> Assigned {
    Assigned {
        role: Some(role),
        reasons,
    }
}

/// Where and when a campaign struck: the categories and the time span of the attacks by the
/// organizer's first operatives.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scope<'a> {
    pub categories: BTreeSet<&'a str>,
    /// First and last attack; `None` for a crew that only extorts.
    pub span: Option<(i64, i64)>,
}

impl Scope<'_> {
    fn in_categories(&self, r: &ReviewRow) -> bool {
        r.category
            .as_deref()
            .is_some_and(|c| self.categories.contains(c))
    }

    /// Within the campaign's span, widened by its fortnight of slack.
    fn in_span(&self, at: i64) -> bool {
        self.span
            .is_some_and(|(lo, hi)| at >= lo - CAMPAIGN_SLACK_MS && at <= hi + CAMPAIGN_SLACK_MS)
    }
}

/// The scope of the campaign victims the `operatives` attacked.
pub(crate) fn campaign_scope<'a>(
    campaign: &BTreeMap<&'a str, Victim<'a>>,
    operatives: &BTreeSet<&str>,
) -> Scope<'a> {
    let attacks: Vec<&ReviewRow> = campaign
        .values()
        .flat_map(|v| v.attacks.iter().copied())
        .filter(|r| operatives.contains(r.author_id.as_str()))
        .collect();
    Scope {
        categories: attacks
            .iter()
            .filter_map(|r| r.category.as_deref())
            .collect(),
        span: attacks
            .iter()
            .map(|r| r.posted_at)
            .min()
            .zip(attacks.iter().map(|r| r.posted_at).max()),
    }
}

/// **OPERATIVE, beyond the first victims.** Accounts the organizer paid per review for a
/// negative or neutral review of a shop in the campaign's categories within its span (each
/// farm or operative may take a rival of its own, and agents rate "negative or neutral").
pub(crate) fn more_operatives<'a>(
    inp: &Input<'a>,
    org: &str,
    scope: &Scope<'_>,
    owners: &HashSet<&str>,
) -> BTreeSet<&'a str> {
    let Some((lo, hi)) = scope.span else {
        return BTreeSet::new();
    };
    let panned: Vec<&ReviewRow> = inp
        .reviews
        .iter()
        .filter(|r| scope.in_categories(r))
        .collect();
    paid_after_attack(
        inp,
        org,
        &panned,
        lo - CAMPAIGN_SLACK_MS,
        hi + CAMPAIGN_SLACK_MS,
    )
    .into_iter()
    .filter(|a| !owners.contains(a))
    .collect()
}

/// Victims of the crew: shops panned by two of its reviewers (or the start's reviewed shop),
/// a rival in the campaign's categories panned by one operative within the campaign's span,
/// and extortion victims attacked by the cell whose money reached the crew.
pub(crate) fn crew_victims<'v, 'a>(
    inp: &Input<'_>,
    by_shop: &'v BTreeMap<&'a str, Victim<'a>>,
    extortion: &'v BTreeMap<&'a str, Victim<'a>>,
    cell: &BTreeSet<&str>,
    crew: &BTreeSet<&str>,
    operatives: &BTreeSet<&str>,
    scope: &Scope<'_>,
) -> BTreeMap<&'a str, &'v Victim<'a>> {
    let mut victims: BTreeMap<&'a str, &'v Victim<'a>> = BTreeMap::new();
    let cell_authors = |v: &Victim| -> usize {
        v.attacks
            .iter()
            .map(|r| r.author_id.as_str())
            .filter(|a| cell.contains(a))
            .collect::<BTreeSet<&str>>()
            .len()
    };
    for v in by_shop.values() {
        let start_target = Some(v.shop) == inp.start_shop && cell_authors(v) > 0;
        let one_operative = v.attacks.iter().any(|r| {
            operatives.contains(r.author_id.as_str())
                && scope.in_categories(r)
                && scope.in_span(r.posted_at)
        });
        if cell_authors(v) >= 2 || start_target || one_operative {
            victims.insert(v.shop, v);
        }
    }
    for v in extortion.values() {
        let attacked = v
            .attacks
            .iter()
            .any(|r| cell.contains(r.author_id.as_str()));
        let paid_to_crew = v.paid.iter().any(|t| crew.contains(t.to.as_str()));
        if attacked && paid_to_crew {
            victims.entry(v.shop).or_insert(v);
        }
    }
    victims
}

/// Recruits who reviewed, but no shop an operative attacked too, and share no household with
/// a cell member: an operative's invitee who happened to pan some other shop is no recruit.
pub(crate) fn stray_recruits<'a>(
    inp: &Input<'_>,
    recruits: &BTreeMap<&'a str, Vec<String>>,
    reviewers: &BTreeSet<&str>,
    operatives: &BTreeSet<&str>,
    cell: &BTreeSet<&str>,
    victims: &BTreeMap<&str, &Victim<'_>>,
) -> Vec<&'a str> {
    let attacked_with_operative = |a: &str| {
        victims.values().any(|v| {
            v.attacks.iter().any(|r| r.author_id == a)
                && v.attacks
                    .iter()
                    .any(|r| operatives.contains(r.author_id.as_str()))
        })
    };
    let household = |a: &str| {
        cell.iter()
            .any(|m| *m != a && referred(inp, m, a) && shares(inp, m, a))
    };
    recruits
        .keys()
        .copied()
        .filter(|a| reviewers.contains(a) && !operatives.contains(a))
        .filter(|a| !attacked_with_operative(a) && !household(a))
        .collect()
}

/// The bound of the money walk: the organizer's last payout to the cell (above the commerce
/// floor), else the cell's last attack.
pub(crate) fn walk_bound(
    inp: &Input<'_>,
    org: &str,
    cell: &BTreeSet<&str>,
    last_attack: Option<i64>,
) -> i64 {
    inp.ties
        .iter()
        .filter(|t| {
            t.kind == TieKind::Transfer
                && t.from == org
                && cell.contains(t.to.as_str())
                && inp.thresholds.above_commerce(t.amount.unwrap_or(0))
        })
        .filter_map(|t| t.at)
        .max()
        .or(last_attack)
        .unwrap_or(i64::MAX)
}

/// **BENEFICIARY and INTERMEDIARY** from the money chain, with their reasons.
pub(crate) fn funding_roles(
    inp: &Input<'_>,
    chain: &[Tie],
    org: &str,
    victims: &BTreeMap<&str, &Victim<'_>>,
    victim_owners: &HashSet<&str>,
    victim_categories: &BTreeSet<&str>,
) -> Vec<(String, Assigned)> {
    let first = chain[0].from.as_str();
    // the first sender is the rival seller, or its household member paying for it
    let hand = rival_shops(inp, first, victim_owners, victim_categories)
        .next()
        .is_none()
        .then(|| household_rival(inp, first, victim_owners, victim_categories))
        .flatten();
    let ben = hand.map_or(first, |(seller, _)| seller).to_string();
    let owned: Vec<&OwnedShop> = rival_shops(inp, &ben, victim_owners, victim_categories).collect();
    let shops: Vec<String> = owned
        .iter()
        .map(|s| {
            format!(
                "{} in category {}",
                s.shop_id,
                s.category.as_deref().unwrap_or("?")
            )
        })
        .collect();
    let ben_categories: BTreeSet<&str> =
        owned.iter().filter_map(|s| s.category.as_deref()).collect();
    let rivals: Vec<&str> = victims
        .values()
        .filter(|v| {
            v.attacks[0]
                .category
                .as_deref()
                .is_some_and(|c| ben_categories.contains(c))
        })
        .map(|v| v.shop)
        .collect();
    let mut reasons = vec![match hand {
        Some((_, shared)) => format!(
            "{}, who owns no shop, shares a rarely shared {} ({}) with {ben}, who owns shop {}, the same category as victim shops {}: {} for {ben}",
            first,
            shared.via.as_deref().unwrap_or("household"),
            shared.record.as_deref().unwrap_or("?"),
            shops.join(", "),
            rivals.join(", "),
            tie_phrase(&chain[0]),
        ),
        None => format!(
            "{} and owns shop {}, the same category as victim shops {}",
            tie_phrase(&chain[0]),
            shops.join(", "),
            rivals.join(", ")
        ),
    }];
    if chain.len() > 1 {
        reasons.push(format!(
            "the money reached organizer {org} through {} intermediary account(s), each transfer after the one funding it and passing most of it on",
            chain.len() - 1
        ));
    }
    let mut out = vec![(ben.clone(), assigned(Role::Beneficiary, reasons))];
    if hand.is_some() {
        out.push((
            first.to_string(),
            assigned(
                Role::Intermediary,
                vec![format!(
                    "sent {ben}'s money on its behalf: {}",
                    tie_phrase(&chain[0])
                )],
            ),
        ));
    }
    for w in chain.windows(2) {
        out.push((
            w[0].to.clone(),
            assigned(
                Role::Intermediary,
                vec![tie_phrase(&w[0]), format!("then {}", tie_phrase(&w[1]))],
            ),
        ));
    }
    out
}

/// **OPERATIVE and RECRUIT** for each cell member: its reviews of victims, then why it is in
/// the cell (the organizer's ties, or its recruiter's).
pub(crate) fn cell_roles(
    cell: &BTreeSet<&str>,
    operatives: &BTreeMap<&str, Vec<String>>,
    recruits: &BTreeMap<&str, Vec<String>>,
    attacks_by: &BTreeMap<&str, Vec<&ReviewRow>>,
) -> Vec<(String, Assigned)> {
    cell.iter()
        .map(|m| {
            let mut reasons: Vec<String> = attacks_by
                .get(m)
                .into_iter()
                .flatten()
                .map(|r| {
                    format!(
                        "posted review {} (rating {}) on victim shop {} on {}",
                        r.review_id,
                        r.rating,
                        r.shop_id,
                        when(r.posted_at)
                    )
                })
                .collect();
            let role = match recruits.get(m) {
                Some(why) => {
                    reasons.extend(why.iter().cloned());
                    Role::Recruit
                }
                None => {
                    reasons.extend(operatives.get(m).into_iter().flatten().cloned());
                    Role::Operative
                }
            };
            (m.to_string(), assigned(role, reasons))
        })
        .collect()
}

/// Runs every step and assigns the roles (see the module header).
pub(crate) fn infer(inp: &Input<'_>) -> Inferred {
    let mut out = Inferred::default();
    let attacks = attacks(inp);
    let campaign = campaign_victims(inp, &attacks);
    let extortion = extortion_victims(inp, &attacks);
    let owners: HashSet<&str> = campaign
        .values()
        .chain(extortion.values())
        .map(|v| v.owner)
        .collect();
    // a victim's owner who happens to have panned some shop is never the crew's reviewer
    let mut reviewers: BTreeSet<&str> = campaign
        .values()
        .chain(extortion.values())
        .flat_map(|v| v.attacks.iter().map(|r| r.author_id.as_str()))
        .filter(|a| !owners.contains(a))
        .collect();
    let Some((org, mut coordinated)) = organizer(inp, &reviewers, &owners, &extortion) else {
        out.summary.push(format!(
            "no account reached from {} coordinates two or more reviewers attacking the same shops or paid off by their owners",
            inp.start
        ));
        out.roles
            .insert(inp.start.to_string(), start_without_role(inp, None));
        return out;
    };
    let talkers = talkers_among(&coordinated, &attacks, &extortion);
    coordinated.retain(|m| !talkers.contains(m));
    let scope = campaign_scope(&campaign, &coordinated);
    coordinated.extend(more_operatives(inp, org, &scope, &owners));
    reviewers.extend(coordinated.iter().copied());
    let ops = operatives(inp, org, &coordinated);
    let mut excluded: HashSet<&str> = owners.clone();
    excluded.insert(org);
    excluded.extend(talkers.iter().copied());
    let mut recs = recruits(inp, org, &coordinated, &reviewers, &excluded);
    let mut by_shop: BTreeMap<&str, Victim> = BTreeMap::new();
    for r in &attacks {
        by_shop
            .entry(&r.shop_id)
            .or_insert_with(|| victim(r))
            .attacks
            .push(r);
    }
    let mut cell: BTreeSet<&str> = coordinated.clone();
    cell.extend(recs.keys().copied());
    let negs = negotiators(inp, org, &cell, &extortion);
    let mut crew = cell.clone();
    crew.insert(org);
    crew.extend(negs.keys().copied());
    let mut victims = crew_victims(
        inp,
        &by_shop,
        &extortion,
        &cell,
        &crew,
        &coordinated,
        &scope,
    );
    let stray = stray_recruits(inp, &recs, &reviewers, &coordinated, &cell, &victims);
    if !stray.is_empty() {
        for a in &stray {
            recs.remove(a);
            cell.remove(a);
            crew.remove(a);
        }
        victims = crew_victims(
            inp,
            &by_shop,
            &extortion,
            &cell,
            &crew,
            &coordinated,
            &scope,
        );
    }
    if victims.is_empty() {
        out.summary.push(format!(
            "{org} coordinates reviewers, but no shop was attacked by two of them or paid them off"
        ));
        out.roles
            .insert(inp.start.to_string(), start_without_role(inp, None));
        return out;
    }
    out.victim_shops = victims.keys().map(|s| s.to_string()).collect();
    let victim_owners: HashSet<&str> = victims.values().map(|v| v.owner).collect();
    let victim_categories: BTreeSet<&str> = victims
        .values()
        .filter_map(|v| v.attacks[0].category.as_deref())
        .collect();
    let mut attacks_by: BTreeMap<&str, Vec<&ReviewRow>> = BTreeMap::new();
    for r in inp.reviews {
        if cell.contains(r.author_id.as_str()) && out.victim_shops.contains(&r.shop_id) {
            attacks_by.entry(&r.author_id).or_default().push(r);
            out.reviews.push(r.review_id.clone());
        }
    }
    out.reviews.sort();
    let last_attack = attacks_by.values().flatten().map(|r| r.posted_at).max();
    let bound = walk_bound(inp, org, &cell, last_attack);
    // every owner the cell panned is a victim, paid off or not: money it sends the crew (hush
    // money under the minimum, say) is never a sponsor's
    let mut panned_owners = victim_owners.clone();
    panned_owners.extend(
        inp.reviews
            .iter()
            .filter(|r| {
                r.rating <= crate::detect::victim::NEGATIVE_MAX_RATING
                    && cell.contains(r.author_id.as_str())
            })
            .map(|r| r.owner_id.as_str()),
    );
    let chain = funding(inp, org, &crew, &panned_owners, &victim_categories, bound);
    let victims_list = list(&out.victim_shops);
    let mut org_reasons = vec![format!(
        "coordinates {} of the accounts that posted negative reviews on victim shops {victims_list}",
        coordinated.len()
    )];
    org_reasons.extend(ops.values().flatten().cloned());
    for v in victims.values() {
        for t in v.paid.iter().filter(|t| t.to == org) {
            org_reasons.push(format!("collected hush money: {}", tie_phrase(t)));
        }
    }
    if let Some(chain) = chain {
        out.roles.extend(funding_roles(
            inp,
            &chain,
            org,
            &victims,
            &panned_owners,
            &victim_categories,
        ));
        org_reasons.push(format!(
            "funded by {}",
            tie_phrase(chain.last().expect("chain is never empty"))
        ));
        out.chain = chain;
    }
    out.roles
        .insert(org.to_string(), assigned(Role::Organizer, org_reasons));
    for (n, why) in &negs {
        out.roles
            .entry(n.to_string())
            .or_insert_with(|| assigned(Role::Negotiator, why.clone()));
    }
    for (m, a) in cell_roles(&cell, &ops, &recs, &attacks_by) {
        out.roles.entry(m).or_insert(a);
    }
    out.summary.push(format!(
        "organizer {org} coordinates {} reviewer(s) attacking {} victim shop(s): {victims_list}",
        cell.len(),
        out.victim_shops.len()
    ));
    if !negs.is_empty() {
        out.summary.push(format!(
            "negotiators {} talked to or collected from the victims for the crew",
            negs.keys().copied().collect::<Vec<_>>().join(", ")
        ));
    }
    let beneficiary = out
        .roles
        .iter()
        .find(|(_, a)| a.role == Some(Role::Beneficiary))
        .map(|(id, _)| id.clone());
    if let Some(ben) = beneficiary.filter(|_| !out.chain.is_empty()) {
        out.summary.push(format!(
            "beneficiary {ben} funded the campaign: {} hop(s) of money, forward in time",
            out.chain.len()
        ));
    }
    if !out.roles.contains_key(inp.start) {
        out.roles
            .insert(inp.start.to_string(), start_without_role(inp, Some(org)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tie(from: &str, to: &str, kind: TieKind, at: i64, amount: Option<i64>) -> Tie {
        Tie {
            from: from.into(),
            to: to.into(),
            kind,
            record: Some(format!("{from}-{to}-{at}")),
            amount,
            currency: amount.map(|_| "CNY".into()),
            at: Some(at),
            via: None,
        }
    }

    fn shares(a: &str, b: &str) -> Tie {
        Tie {
            via: Some("address".into()),
            record: Some(format!("addr:{a}")),
            at: None,
            ..tie(a.min(b), a.max(b), TieKind::Shares, 0, None)
        }
    }

    fn review(author: &str, shop: &str, day: i64) -> ReviewRow {
        ReviewRow {
            author_id: author.into(),
            review_id: format!("r-{author}-{shop}"),
            rating: 1,
            posted_at: day * DAY,
            shop_id: shop.into(),
            category: Some("tea".into()),
            owner_id: format!("o-{shop}"),
            retracted_at: Vec::new(),
        }
    }

    fn shop(owner: &str, id: &str) -> OwnedShop {
        OwnedShop {
            owner_id: owner.into(),
            shop_id: id.into(),
            category: Some("tea".into()),
        }
    }

    fn campaign_reviews() -> Vec<ReviewRow> {
        vec![
            review("op1", "v1", 5),
            review("op1", "v2", 5),
            review("op2", "v1", 6),
            review("op2", "v2", 6),
        ]
    }

    fn run(start: &str, ties: &[Tie], reviews: &[ReviewRow]) -> Inferred {
        let shops = vec![shop("ben", "s-ben"), shop("o-v1", "v1")];
        infer(&Input {
            start,
            start_shop: None,
            ties,
            reviews,
            shops: &shops,
            walk: WalkRules {
                floor: 1_000,
                ..WalkRules::default()
            },
            thresholds: Thresholds::default(),
        })
    }

    fn role(inf: &Inferred, id: &str) -> Option<Role> {
        inf.roles.get(id).and_then(|a| a.role)
    }

    #[test]
    fn forward_chain_names_beneficiary_intermediary_and_organizer() {
        let ties = [
            tie("ben", "mule", TieKind::Transfer, DAY, Some(500_000)),
            tie("mule", "org", TieKind::Transfer, 2 * DAY, Some(490_000)),
            tie("org", "op1", TieKind::Transfer, 8 * DAY, Some(10_000)),
            tie("org", "op2", TieKind::Referred, 0, None),
        ];
        let inf = run("op1", &ties, &campaign_reviews());
        assert_eq!(role(&inf, "ben"), Some(Role::Beneficiary));
        assert_eq!(role(&inf, "mule"), Some(Role::Intermediary));
        assert_eq!(role(&inf, "org"), Some(Role::Organizer));
        assert_eq!(role(&inf, "op2"), Some(Role::Operative));
        assert_eq!(inf.chain.len(), 2);
        assert_eq!(inf.victim_shops.len(), 2);
    }

    #[test]
    fn a_rival_paying_through_its_relative_is_the_beneficiary() {
        // "rel" owns no shop and shares ben's address: its money is ben's
        let ties = [
            shares("ben", "rel"),
            tie("rel", "mule", TieKind::Transfer, DAY, Some(500_000)),
            tie("mule", "org", TieKind::Transfer, 2 * DAY, Some(490_000)),
            tie("org", "op1", TieKind::Transfer, 8 * DAY, Some(10_000)),
            tie("org", "op2", TieKind::Referred, 0, None),
        ];
        let inf = run("op1", &ties, &campaign_reviews());
        assert_eq!(role(&inf, "ben"), Some(Role::Beneficiary));
        assert_eq!(role(&inf, "rel"), Some(Role::Intermediary));
        assert_eq!(role(&inf, "mule"), Some(Role::Intermediary));
        assert!(
            inf.roles["ben"].reasons[0]
                .contains("rel, who owns no shop, shares a rarely shared address"),
            "{:?}",
            inf.roles["ben"]
        );
        assert!(inf.summary.iter().any(|l| l.starts_with("beneficiary ben")));
        // without the shared identifier nobody heads the chain
        let inf = run("op1", &ties[1..], &campaign_reviews());
        assert_eq!(role(&inf, "ben"), None);
        assert_eq!(role(&inf, "rel"), None);
    }

    #[test]
    fn backward_chain_is_not_a_lineage() {
        let ties = [
            tie("ben", "mule", TieKind::Transfer, 3 * DAY, Some(500_000)),
            tie("mule", "org", TieKind::Transfer, 2 * DAY, Some(490_000)),
            tie("org", "op1", TieKind::Transfer, 8 * DAY, Some(10_000)),
            tie("org", "op2", TieKind::Transfer, 8 * DAY, Some(10_000)),
        ];
        let inf = run("op1", &ties, &campaign_reviews());
        assert_eq!(role(&inf, "org"), Some(Role::Organizer));
        assert_eq!(role(&inf, "ben"), None);
        assert_eq!(role(&inf, "mule"), None);
    }

    #[test]
    fn the_start_is_always_returned() {
        let ties = [tie("x", "op1", TieKind::Messaged, DAY, None)];
        let inf = run("x", &ties, &campaign_reviews());
        let start = &inf.roles["x"];
        assert_eq!(start.role, None);
        assert!(start.reasons[0].starts_with("no role found"), "{start:?}");
    }

    #[test]
    fn cashback_makes_no_organizer() {
        // a seller paying two reviewers a few yuan is ordinary commerce
        let ties = [
            tie("seller", "op1", TieKind::Transfer, DAY, Some(500)),
            tie("seller", "op2", TieKind::Transfer, DAY, Some(800)),
        ];
        let inf = run("seller", &ties, &campaign_reviews());
        assert_eq!(role(&inf, "seller"), None);
        assert!(inf.roles["seller"].reasons[0].starts_with("no role found"));
    }

    /// An extortion crew: the organizer paid by two owners after its operatives' reviews on
    /// two different shops (no shop is attacked twice), a split negotiator whose second
    /// account collects one payment, and a dormant recruit of the operative.
    fn crew() -> (Vec<Tie>, Vec<ReviewRow>) {
        let ties = vec![
            tie("org", "op", TieKind::Referred, 0, None),
            tie("o-s1", "org", TieKind::Transfer, 3 * DAY, Some(180_000)),
            tie("o-s2", "payee", TieKind::Transfer, 9 * DAY, Some(60_000)),
            tie("neg", "o-s2", TieKind::Messaged, 8 * DAY, None),
            shares("neg", "payee"),
            tie("payee", "org", TieKind::Transfer, 10 * DAY, Some(40_000)),
            tie("org", "op", TieKind::Transfer, 4 * DAY, Some(50_000)),
            tie("org", "rec", TieKind::Transfer, 11 * DAY, Some(20_000)),
            tie("op", "rec", TieKind::Referred, DAY, None),
            shares("op", "rec"),
            tie("op", "sleeper", TieKind::Referred, DAY, None),
            shares("op", "sleeper"),
            // a neighbour: a seller's cashback to both, and an unrelated buyer
            tie("o-s9", "op", TieKind::Transfer, DAY, Some(600)),
            tie("o-s9", "rec", TieKind::Transfer, DAY, Some(600)),
        ];
        let reviews = vec![review("op", "s1", 2), review("rec", "s2", 7)];
        (ties, reviews)
    }

    #[test]
    fn an_extortion_organizer_traces_its_own_crew() {
        let (ties, reviews) = crew();
        let inf = run("org", &ties, &reviews);
        assert_eq!(role(&inf, "org"), Some(Role::Organizer));
        assert_eq!(role(&inf, "op"), Some(Role::Operative));
        assert_eq!(role(&inf, "rec"), Some(Role::Recruit));
        assert_eq!(role(&inf, "sleeper"), Some(Role::Recruit));
        assert!(inf.roles["sleeper"].reasons[0].contains("no negative review yet"));
        assert_eq!(role(&inf, "payee"), Some(Role::Negotiator));
        assert_eq!(role(&inf, "neg"), Some(Role::Negotiator));
        assert_eq!(
            inf.victim_shops.iter().collect::<Vec<_>>(),
            vec!["s1", "s2"]
        );
        assert!(!inf.roles.contains_key("o-s9"));
    }

    #[test]
    fn hush_money_from_the_owners_household_makes_a_victim() {
        // s1's owner never pays; its relative (no shop, the owner's address) does
        let (mut ties, reviews) = crew();
        let direct = ties
            .iter()
            .position(|t| t.from == "o-s1" && t.to == "org")
            .unwrap();
        ties[direct].from = "rel".into();
        let without = run("org", &ties, &reviews);
        assert!(
            !without.victim_shops.contains("s1"),
            "{:?}",
            without.victim_shops
        );
        ties.push(shares("rel", "o-s1"));
        let inf = run("org", &ties, &reviews);
        assert_eq!(
            inf.victim_shops.iter().collect::<Vec<_>>(),
            vec!["s1", "s2"]
        );
        assert_eq!(role(&inf, "org"), Some(Role::Organizer));
        assert_eq!(role(&inf, "op"), Some(Role::Operative));
        assert_eq!(
            role(&inf, "rel"),
            None,
            "the payer is a victim's, not the crew's"
        );
    }

    #[test]
    fn a_trace_from_the_operative_finds_the_same_crew() {
        let (ties, reviews) = crew();
        let inf = run("op", &ties, &reviews);
        assert_eq!(role(&inf, "org"), Some(Role::Organizer));
        assert_eq!(role(&inf, "op"), Some(Role::Operative));
    }

    fn input<'a>(
        start: &'a str,
        ties: &'a [Tie],
        reviews: &'a [ReviewRow],
        shops: &'a [OwnedShop],
    ) -> Input<'a> {
        Input {
            start,
            start_shop: None,
            ties,
            reviews,
            shops,
            walk: WalkRules {
                floor: 1_000,
                ..WalkRules::default()
            },
            thresholds: Thresholds::default(),
        }
    }

    #[test]
    fn campaign_victims_need_two_reached_authors() {
        let reviews = vec![
            review("op1", "v1", 5),
            review("op2", "v1", 6),
            review("op1", "v9", 6),
        ];
        let inp = input("op1", &[], &reviews, &[]);
        let v = campaign_victims(&inp, &attacks(&inp));
        assert_eq!(v.keys().copied().collect::<Vec<_>>(), vec!["v1"]);
    }

    #[test]
    fn extortion_victims_need_hush_money_after_the_review() {
        let reviews = vec![review("op", "s1", 2), review("op", "s2", 2)];
        let ties = vec![
            tie("o-s1", "org", TieKind::Transfer, 3 * DAY, Some(60_000)),
            // too small to be hush money, and money paid before the review
            tie("o-s2", "org", TieKind::Transfer, 3 * DAY, Some(5_000)),
            tie("o-s2", "org", TieKind::Transfer, DAY, Some(60_000)),
        ];
        let inp = input("org", &ties, &reviews, &[]);
        let v = extortion_victims(&inp, &attacks(&inp));
        assert_eq!(v.keys().copied().collect::<Vec<_>>(), vec!["s1"]);
        assert_eq!(v["s1"].paid.len(), 1);
    }

    #[test]
    fn the_start_s_own_organizer_comes_first() {
        // two organizers of two reviewers each: the trace from op3 names op3's
        let reviews: Vec<ReviewRow> = ["op1", "op2", "op3", "op4"]
            .iter()
            .flat_map(|o| [review(o, "v1", 5), review(o, "v2", 5)])
            .collect();
        let ties = vec![
            tie("big", "op1", TieKind::Referred, 0, None),
            tie("big", "op2", TieKind::Referred, 0, None),
            tie("small", "op3", TieKind::Referred, 0, None),
            tie("small", "op4", TieKind::Referred, 0, None),
        ];
        let inp = input("op3", &ties, &reviews, &[]);
        let reviewers: BTreeSet<&str> = ["op1", "op2", "op3", "op4"].into_iter().collect();
        let (org, c) = organizer(&inp, &reviewers, &HashSet::new(), &BTreeMap::new()).unwrap();
        assert_eq!((org, c.len()), ("small", 2));
    }

    #[test]
    fn farm_peers_are_no_recruits_but_an_invited_housemate_is() {
        let reviews = campaign_reviews();
        let ties = vec![
            shares("op1", "op2"),
            tie("op1", "kid", TieKind::Referred, DAY, None),
            shares("op1", "kid"),
            tie("op1", "stranger", TieKind::Referred, DAY, None),
        ];
        let inp = input("op1", &ties, &reviews, &[]);
        let ops: BTreeSet<&str> = ["op1", "op2"].into_iter().collect();
        let reviewers = ops.clone();
        let recs = recruits(&inp, "org", &ops, &reviewers, &HashSet::new());
        assert_eq!(recs.keys().copied().collect::<Vec<_>>(), vec!["kid"]);
        assert!(recs["kid"][0].contains("no negative review yet"));
    }

    #[test]
    fn an_operative_brought_in_by_another_is_a_recruit_only_when_it_is_a_relative() {
        let reviews = campaign_reviews();
        // the organizer pays both itself; op1 invited op2 (a referral tree, no household)
        let ties = vec![tie("op1", "op2", TieKind::Referred, DAY, None)];
        let inp = input("op1", &ties, &reviews, &[]);
        let ops: BTreeSet<&str> = ["op1", "op2"].into_iter().collect();
        let recs = recruits(&inp, "org", &ops, &ops, &HashSet::new());
        assert!(recs.is_empty(), "{recs:?}");
        // the same invitation into op1's household makes op2 op1's relative: a recruit
        let ties = vec![
            tie("op1", "op2", TieKind::Referred, DAY, None),
            shares("op1", "op2"),
        ];
        let inp = input("op1", &ties, &reviews, &[]);
        let recs = recruits(&inp, "org", &ops, &ops, &HashSet::new());
        assert_eq!(recs.keys().copied().collect::<Vec<_>>(), vec!["op2"]);
    }

    #[test]
    fn a_neutral_review_paid_for_makes_an_operative() {
        let mut neutral = review("op3", "v3", 6);
        neutral.rating = 3;
        let reviews = vec![review("op1", "v1", 5), review("op2", "v1", 6), neutral];
        let ties = vec![
            tie("org", "op3", TieKind::Transfer, 7 * DAY, Some(3_000)),
            tie("org", "op9", TieKind::Transfer, 7 * DAY, Some(3_000)),
        ];
        let inp = input("op1", &ties, &reviews, &[]);
        let campaign = campaign_victims(&inp, &attacks(&inp));
        let first: BTreeSet<&str> = ["op1", "op2"].into_iter().collect();
        let scope = campaign_scope(&campaign, &first);
        let more = more_operatives(&inp, "org", &scope, &HashSet::new());
        assert_eq!(more.into_iter().collect::<Vec<_>>(), vec!["op3"]);
    }

    #[test]
    fn a_split_negotiator_joins_through_its_payee() {
        let (ties, reviews) = crew();
        let inp = input("org", &ties, &reviews, &[]);
        let ext = extortion_victims(&inp, &attacks(&inp));
        let cell: BTreeSet<&str> = ["op", "rec"].into_iter().collect();
        let negs = negotiators(&inp, "org", &cell, &ext);
        assert_eq!(
            negs.keys().copied().collect::<Vec<_>>(),
            vec!["neg", "payee"]
        );
        assert!(negs["neg"]
            .iter()
            .any(|r| r.contains("tied to the crew through payee")));
    }

    #[test]
    fn a_negotiator_with_negative_reviews_of_its_own_stays_the_negotiator() {
        let (mut ties, mut reviews) = crew();
        // the organizer's invitee does the talking to s1's owner after the operative's review;
        // months later it pans a bad shop, as another buyer does
        ties.push(tie("org", "talker", TieKind::Referred, 0, None));
        ties.push(tie("org", "talker", TieKind::Messaged, 2 * DAY, None));
        ties.push(tie("talker", "o-s1", TieKind::Messaged, 3 * DAY, None));
        reviews.push(review("talker", "s8", 150));
        reviews.push(review("buyer", "s8", 151));
        let inf = run("org", &ties, &reviews);
        assert_eq!(role(&inf, "talker"), Some(Role::Negotiator), "{inf:?}");
        assert!(inf.roles["talker"]
            .reasons
            .iter()
            .any(|r| r.contains("messaged the owner of victim shop s1")));
        assert!(!inf.victim_shops.contains("s8"), "{:?}", inf.victim_shops);
        assert_eq!(role(&inf, "op"), Some(Role::Operative));

        // an operative that also talks to the owner of the shop it panned stays an operative
        ties.push(tie("op", "o-s1", TieKind::Messaged, 3 * DAY, None));
        ties.push(tie("org", "op2", TieKind::Transfer, 4 * DAY, Some(50_000)));
        reviews.push(review("op2", "s1", 2));
        let inf = run("org", &ties, &reviews);
        assert_eq!(role(&inf, "op"), Some(Role::Operative));
        assert_eq!(role(&inf, "op2"), Some(Role::Operative));
    }

    #[test]
    fn a_victim_paid_by_another_victim_is_no_negotiator() {
        let (mut ties, reviews) = crew();
        // the owner of s2 (also attacked) shares an office IP with the organizer, and the
        // owner of s1 pays it privately after the crew's review: a supplier payment
        ties.push(tie(
            "o-s1",
            "o-s2",
            TieKind::Transfer,
            4 * DAY,
            Some(125_394),
        ));
        ties.push(shares("o-s2", "org"));
        let inp = input("org", &ties, &reviews, &[]);
        let ext = extortion_victims(&inp, &attacks(&inp));
        let cell: BTreeSet<&str> = ["op", "rec"].into_iter().collect();
        let negs = negotiators(&inp, "org", &cell, &ext);
        assert_eq!(
            negs.keys().copied().collect::<Vec<_>>(),
            vec!["neg", "payee"]
        );
    }

    #[test]
    fn a_talker_paid_for_the_reviews_of_its_housemate_organizes_a_crew_of_two() {
        let reviews = vec![review("rev", "v1", 5)];
        let paid = tie("o-v1", "talk", TieKind::Transfer, 6 * DAY, Some(200_000));
        let inf = run("talk", &[shares("rev", "talk"), paid.clone()], &reviews);
        assert_eq!(role(&inf, "talk"), Some(Role::Organizer));
        assert_eq!(role(&inf, "rev"), Some(Role::Operative));
        assert!(
            inf.roles["rev"]
                .reasons
                .iter()
                .any(|r| r.contains("address")),
            "{:?}",
            inf.roles["rev"]
        );
        // a shared IP is no household: nobody is tied to the reviewer
        let ip = Tie {
            via: Some("ip".into()),
            ..shares("rev", "talk")
        };
        let inf = run("talk", &[ip, paid.clone()], &reviews);
        assert_eq!(role(&inf, "talk"), None);
        // nor is the housemate of a reviewer whose shop paid somebody else
        let elsewhere = tie("o-v1", "other", TieKind::Transfer, 6 * DAY, Some(200_000));
        let inf = run("talk", &[shares("rev", "talk"), elsewhere], &reviews);
        assert_eq!(role(&inf, "talk"), None);
    }

    #[test]
    fn a_crews_small_takings_make_a_victim_only_with_a_contact_and_the_withdrawal() {
        let mut r = review("op", "v1", 5);
        let ties = vec![
            tie("op", "o-v1", TieKind::Messaged, 5 * DAY + 3_600_000, None),
            tie("o-v1", "org", TieKind::Transfer, 6 * DAY, Some(6_000)),
        ];
        let victims = |r: &ReviewRow| {
            let reviews = vec![r.clone()];
            let inp = input("org", &ties, &reviews, &[]);
            extortion_victims(&inp, &attacks(&inp)).len()
        };
        assert_eq!(victims(&r), 0, "60 yuan and the review left up");
        r.retracted_at.push(6 * DAY + 3_600_000);
        assert_eq!(victims(&r), 1, "60 yuan that bought the withdrawal");
    }

    #[test]
    fn the_walk_is_bounded_by_the_last_payout_else_the_last_attack() {
        let ties = vec![
            tie("org", "op1", TieKind::Transfer, 8 * DAY, Some(10_000)),
            tie("org", "op2", TieKind::Transfer, 9 * DAY, Some(500)),
        ];
        let inp = input("op1", &ties, &[], &[]);
        let cell: BTreeSet<&str> = ["op1", "op2"].into_iter().collect();
        assert_eq!(walk_bound(&inp, "org", &cell, Some(DAY)), 8 * DAY);
        assert_eq!(walk_bound(&inp, "nobody", &cell, Some(DAY)), DAY);
    }
}
