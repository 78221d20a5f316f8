//! Victim hits: a member's negative review on a shop followed, within windows, by a private
//! payment from the shop's owner to the author or an account tied to the author, and/or a
//! message to the owner from such a tied account — or from an account tied to the *payee*:
//! crews split the roles, and the negotiator who talks to the owner is often not the account
//! that is paid, but it shares a device, phone or address with it, or money passes between
//! them. A payee also counts when it passes the money on to an account tied to the author,
//! or, being no shop owner, pays such an account at any time (a collector settling up with
//! the organizer: [`Ties::settles_with`]). The untied candidates are generated from the victim-side projection; [`validate`]
//! keeps those whose accounts are actually tied.

use crate::detect::thresholds::{Thresholds, WITHDRAWAL_WINDOW_MS};
use crate::detect::ties::Ties;
use crate::detect::victim::{OwnerContact, OwnerTransfer, VictimSide};
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone)]
pub struct Candidate {
    /// Index into [`VictimSide::negative`].
    pub review: usize,
    /// The owner's private transfers in the payment window to anyone but itself, as
    /// positions in its list ([`VictimSide::transfers_of`]; positions, not copies, for the
    /// same reason as the contacts).
    payments: Vec<u32>,
    /// The owner's messages in the contact window, as positions in its list
    /// ([`VictimSide::contacts_of`]): a busy owner's week holds hundreds of messages, and a
    /// copy of them for each of its negative reviews came to most of detection's memory at a
    /// million accounts.
    contacts: (u32, u32),
}

impl Candidate {
    /// The owner's private transfers in the review's payment window, oldest first.
    pub fn payments<'v>(&'v self, v: &'v VictimSide) -> impl Iterator<Item = &'v OwnerTransfer> {
        let list = v.transfers_of(v.owner_of(&v.negative[self.review]));
        self.payments.iter().map(move |&k| &list[k as usize])
    }

    /// Keeps the payments `keep` accepts; false when none is left.
    pub fn retain_payments(
        &mut self,
        v: &VictimSide,
        keep: impl Fn(&OwnerTransfer) -> bool,
    ) -> bool {
        let list = v.transfers_of(v.owner_of(&v.negative[self.review]));
        self.payments.retain(|&k| keep(&list[k as usize]));
        !self.payments.is_empty()
    }

    /// The messages in the review's contact window from the author, or from anyone but a
    /// fellow critic of the owner (a household panning one bad shop all message the owner),
    /// oldest first.
    pub fn contacts<'v>(&'v self, v: &'v VictimSide) -> impl Iterator<Item = &'v OwnerContact> {
        let r = &v.negative[self.review];
        let owner = v.owner_of(r);
        let (start, end) = (self.contacts.0 as usize, self.contacts.1 as usize);
        v.contacts_of(owner)[start..end]
            .iter()
            .filter(move |c| c.from == r.author || !v.is_critic(c.from, owner))
    }
}

#[derive(Debug, Clone)]
pub struct Hit {
    pub review: usize,
    pub payment: Option<OwnerTransfer>,
    pub contact: Option<OwnerContact>,
}

impl Hit {
    /// A member other than the author contacted the owner, or the contact led to payment.
    pub fn contacted_by_member(&self, author: u32) -> bool {
        self.contact
            .as_ref()
            .is_some_and(|c| c.from != author || self.payment.is_some())
    }
}

/// Negative reviews followed by owner payments or contacts from someone other than a fellow
/// critic of the same owner's shops (a household panning one bad shop all message the owner).
/// With `to_withdrawal`, a review its author later withdrew (or revised up) also keeps the
/// payments and contacts up to that withdrawal, however late: a crew that stockpiles reviews
/// sells their removal together, weeks after the first (extortion checks the rest).
pub fn generate(
    v: &VictimSide,
    pay_window_ms: i64,
    contact_window_ms: i64,
    to_withdrawal: bool,
) -> Vec<Candidate> {
    let mut out = Vec::new();
    for (i, r) in v.negative.iter().enumerate() {
        let owner = v.owner_of(r);
        if r.author == owner {
            continue;
        }
        let withdrawn = to_withdrawal
            .then(|| v.retractions.get(&r.id))
            .flatten()
            .and_then(|list| list.iter().map(|x| x.at).max())
            .unwrap_or(i64::MIN);
        let sent = v.transfers_of(owner);
        let payments: Vec<u32> = v
            .transfers_range(owner, r.at, (r.at + pay_window_ms).max(withdrawn))
            .filter(|&k| sent[k].to != owner)
            .map(|k| k as u32)
            .collect();
        let window = v.contacts_range(owner, r.at, (r.at + contact_window_ms).max(withdrawn));
        let c = Candidate {
            review: i,
            payments,
            contacts: (window.start as u32, window.end as u32),
        };
        let other_contact = c.contacts(v).any(|m| m.from != r.author);
        if c.payments.is_empty() && !other_contact {
            continue;
        }
        out.push(c);
    }
    tracing::debug!(
        candidates = out.len(),
        payment_refs = out.iter().map(|c| c.payments.len()).sum::<usize>(),
        contact_refs = out
            .iter()
            .map(|c| (c.contacts.1 - c.contacts.0) as usize)
            .sum::<usize>(),
        "candidates generated"
    );
    out
}

/// Limits of hit validation.
#[derive(Debug, Clone, Copy)]
pub struct HitRules {
    /// Payments below this (minor units) are not hush money.
    pub min_payment: i64,
    /// A payee must owe at least this share of the shop owners paying it privately to hits:
    /// an insider's proxy paid by dozens of owners is not explained by a few coincidences.
    pub min_explained: f64,
    /// Accept payees and contacts two ties away from the author (a negotiator paid by the
    /// owner who passes the money to the organizer who recruited the author).
    pub two_hops: bool,
    /// A payee not tied to the author counts when it passes the money on, within this
    /// long, to an account tied to the author.
    pub forward_window_ms: i64,
}

impl HitRules {
    /// The shared thresholds with this run's hush-money minimum: what may be hush money
    /// ([`Thresholds::is_hush_money`]).
    pub fn thresholds(&self) -> Thresholds {
        Thresholds {
            hush_money_min_minor: self.min_payment,
            ..crate::detect::thresholds::current()
        }
    }
}

impl Default for HitRules {
    fn default() -> Self {
        HitRules {
            min_payment: crate::detect::thresholds::current().hush_money_min_minor,
            min_explained: 0.5,
            two_hops: false,
            forward_window_ms: 3 * 24 * 3600 * 1000,
        }
    }
}

/// The negotiator of a split crew: the account that messaged the owner shares a rare
/// identifier with the paid account, was referred by or referred it, or money passed between
/// them (messages alone are no tie).
pub fn contact_tied_to_payee(ties: &Ties, contact: u32, payee: u32) -> bool {
    contact != payee
        && ties
            .between(contact, payee)
            .iter()
            .any(|v| !matches!(v, crate::detect::ties::Via::Message { .. }))
}

fn tied(ties: &Ties, a: u32, b: u32, two_hops: bool) -> bool {
    if a == b || !ties.between(a, b).is_empty() {
        return true;
    }
    two_hops && ties.neighbours(b).any(|n| !ties.between(a, n).is_empty())
}

/// Keeps the payments to the author or tied accounts, and contacts by tied accounts; then
/// drops payees whose owner money is mostly unexplained by hits.
pub fn validate(
    v: &VictimSide,
    ties: &Ties,
    candidates: &[Candidate],
    rules: HitRules,
) -> Vec<Hit> {
    let mut out = Vec::new();
    let th = rules.thresholds();
    for c in candidates {
        let (author, review) = (v.negative[c.review].author, &v.negative[c.review].id);
        let withdrawn_after = |at: i64| {
            v.retractions.get(review).is_some_and(|list| {
                list.iter()
                    .any(|x| x.at > at && x.at <= at + WITHDRAWAL_WINDOW_MS)
            })
        };
        let payment = c
            .payments(v)
            .filter(|p| {
                th.is_hush_money(
                    p.amount,
                    p.to == author,
                    c.contacts(v).any(|m| m.at < p.at),
                    withdrawn_after(p.at),
                )
            })
            .find(|p| {
                tied(ties, author, p.to, rules.two_hops)
                    || ties
                        .forwarded(p.to, p.at, rules.forward_window_ms, author)
                        .is_some()
                    || (!v.is_owner(p.to) && ties.settles_with(p.to, author).is_some())
            })
            .cloned();
        let payee = payment.as_ref().map(|p| p.to);
        let other = c
            .contacts(v)
            .find(|m| {
                m.from != author
                    && (Some(m.from) == payee
                        || tied(ties, author, m.from, rules.two_hops)
                        || payee.is_some_and(|p| contact_tied_to_payee(ties, m.from, p)))
            })
            .cloned();
        out.push(Hit {
            review: c.review,
            payment,
            contact: other,
        });
    }
    // explained share of each payee's private money from owners (payments under the minimum
    // are no hush money, and no sign of a freelancer either)
    let mut payers: HashMap<u32, HashSet<u32>> = HashMap::new();
    for (owner, list) in &v.transfers {
        for t in list.iter().filter(|t| t.amount >= rules.min_payment) {
            payers.entry(t.to).or_default().insert(*owner);
        }
    }
    let mut explained: HashMap<u32, HashSet<u32>> = HashMap::new();
    for h in &out {
        if let Some(p) = &h.payment {
            explained
                .entry(p.to)
                .or_default()
                .insert(v.owner_of(&v.negative[h.review]));
        }
    }
    for h in &mut out {
        if let Some(p) = &h.payment {
            let all = payers.get(&p.to).map_or(1, HashSet::len).max(1);
            let ok = explained.get(&p.to).map_or(0, HashSet::len);
            if (ok as f64) < rules.min_explained * all as f64 {
                h.payment = None;
            }
        }
    }
    // a contact by the author counts only when it preceded a kept payment
    for (h, c) in out.iter_mut().zip(candidates) {
        let author = v.negative[c.review].author;
        if h.contact.is_none() {
            if let Some(p) = &h.payment {
                h.contact = c
                    .contacts(v)
                    .find(|m| m.from == author && m.at <= p.at)
                    .cloned();
            }
        }
    }
    out.retain(|h| h.payment.is_some() || h.contact.is_some());
    out
}
