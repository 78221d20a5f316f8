//! One extortion chain per negative review, from the candidate contacts and payments, with
//! the ties that link each step's account to the reviewer, and its confidence.

use crate::detect::rings::candidates::Candidate;
use crate::detect::ties::{Ties, Via};
use crate::detect::victim::{OwnerContact, OwnerTransfer, Retraction, VictimSide};
use std::collections::HashMap;

/// How a step's account is linked to the reviewer.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TieUsed {
    /// The reviewer.
    pub from: String,
    /// The contacting or paid account.
    pub to: String,
    /// `same_account`, `device`, `phone`, `address`, `card`, `ip`, `referral`, `transfer`,
    /// `same_ring`.
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
    pub payment: OwnerTransfer,
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

/// A payee tied to the reviewer directly, or passing the money on to someone who is.
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
    let (n, via) = ties.forwarded(p.to, p.at, FORWARD_WINDOW_MS, a)?;
    let id = match via {
        Via::Transfer { payment_id, .. } => Some(payment_id.clone()),
        _ => None,
    };
    Some(TieUsed {
        from: v.accounts.name(a).to_string(),
        to: v.accounts.name(p.to).to_string(),
        kind: format!("forwarded_to:{}", v.accounts.name(n)),
        detail: id,
        strength: 0.9,
    })
}

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
    for m in c.contacts(v).filter(|m| m.at <= r.at + w.contact_ms) {
        let t1 = tie(v, ties, rings, a, m.from);
        for p in c
            .payments(v)
            .filter(|p| p.at > m.at && p.at <= m.at + w.pay_after_contact_ms)
        {
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
            let retraction = retraction_after(p.at);
            let weakest = t1.strength.min(t2.strength);
            consider(Chain {
                review: c.review,
                contact: Some(m.clone()),
                payment: p.clone(),
                confidence: confidence(true, retraction.is_some(), weakest),
                retraction,
                ties: vec![t1.clone(), t2],
            });
        }
    }
    for p in c
        .payments(v)
        .filter(|p| p.at <= r.at + w.pay_without_contact_ms)
    {
        let Some(t2) = payee_tie(v, ties, rings, a, p) else {
            continue;
        };
        let retraction = retraction_after(p.at);
        consider(Chain {
            review: c.review,
            contact: None,
            payment: p.clone(),
            confidence: confidence(false, retraction.is_some(), t2.strength),
            retraction,
            ties: vec![t2],
        });
    }
    best
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
}
