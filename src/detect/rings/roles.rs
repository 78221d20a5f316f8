//! The role of each ring member, by rules a reviewer can read: [`RULES`] lists them in the
//! order they are tried; the first that fires decides the role and gives the sentence that
//! explains it.
//!
//! | role | rule |
//! |---|---|
//! | BENEFICIARY | [`beneficiary`]: heads the money chain into the organizer |
//! | INTERMEDIARY | [`intermediary`]: passed the seller's money on |
//! | ORGANIZER | [`organizer`]: pays, invites or messages two or more reviewing members and reviews little itself |
//! | RECRUIT | [`dormant_recruit`]: invited by an operative and sharing their household, no negative review yet |
//! | RECRUIT | [`recruit`]: reviews, brought in by an operative, neither invites nor collects |
//! | OPERATIVE | [`operative`]: posts the group's negative reviews |
//! | NEGOTIATOR | [`negotiator`]: contacts victims or collects their money, coordinates no reviewer |
//! | ORGANIZER | [`coordinator`]: joined the group by its own acts towards members |

use super::funding::Funding;
use super::score::{MemberActs, Role};
use std::collections::BTreeSet;

/// What the rules know about one member.
pub struct Facts<'a> {
    pub account: u32,
    pub acts: &'a MemberActs,
    /// Reviewing members this one paid, invited or messaged.
    pub coordinated: usize,
    pub funding: Option<&'a Funding>,
    /// The operative who invited this member into their household, if any.
    pub recruited_by: Option<&'a str>,
}

/// A role rule: the sentence explaining the role when it applies.
pub type Rule = fn(&Facts) -> Option<String>;

/// Every role rule, in the order tried.
pub const RULES: &[(Role, Rule)] = &[
    (Role::Beneficiary, beneficiary),
    (Role::Intermediary, intermediary),
    (Role::Organizer, organizer),
    (Role::Recruit, dormant_recruit),
    (Role::Recruit, recruit),
    (Role::Operative, operative),
    (Role::Negotiator, negotiator),
    (Role::Organizer, coordinator),
];

/// The role of a member and why.
pub fn assign(f: &Facts) -> (Role, String) {
    RULES
        .iter()
        .find_map(|(role, rule)| rule(f).map(|why| (*role, why)))
        .unwrap_or((
            Role::Organizer,
            "joined the group by its ties to members".into(),
        ))
}

/// Heads the chain of transfers that reached the organizer.
pub fn beneficiary(f: &Facts) -> Option<String> {
    let fd = f.funding?;
    (fd.beneficiary() == f.account).then(|| match &fd.sponsor {
        Some(s) => format!(
            "its household (a shared {}) sent money that reached the organizer in {} transfer(s), each after the one funding it",
            s.kind,
            fd.chain.len()
        ),
        None => format!(
            "its money reached the organizer in {} transfer(s), each after the one funding it",
            fd.chain.len()
        ),
    })
}

/// Received the seller's money and passed it on towards the organizer.
pub fn intermediary(f: &Facts) -> Option<String> {
    let fd = f.funding?;
    fd.intermediaries()
        .contains(&f.account)
        .then(|| "passed the seller's money on towards the organizer".to_string())
}

/// Coordinates at least two reviewing members (pays, invites or messages them) and posts
/// few reviews itself (its organizing acts outweigh its reviews five to one), or is the
/// account the funding reached.
pub fn organizer(f: &Facts) -> Option<String> {
    if f.funding.is_some_and(|fd| fd.organizer == f.account) {
        return Some("received the seller's money and paid the reviewing members".into());
    }
    let incidental = f.acts.organizing() >= 5 * f.acts.negative_reviews;
    (f.coordinated >= 2 && incidental).then(|| {
        format!(
            "pays, invites or messages {} reviewing members and reviews little itself",
            f.coordinated
        )
    })
}

/// Invited by an operative into their household (shared device, address, phone or card) and
/// has posted no negative review yet: a recruit in waiting.
pub fn dormant_recruit(f: &Facts) -> Option<String> {
    let op = f.recruited_by?;
    (f.acts.negative_reviews == 0).then(|| {
        format!("invited by operative {op} and shares their household; no negative review yet")
    })
}

/// Posts reviews, was invited by an operative or shares an identifier with a busier one,
/// and neither invites members nor collects owners' money.
pub fn recruit(f: &Facts) -> Option<String> {
    let a = f.acts;
    if a.negative_reviews == 0 || !a.invited.is_empty() || a.owner_payments > 0 {
        return None;
    }
    if let Some(op) = f.recruited_by {
        return Some(format!(
            "invited by operative {op} and shares their household"
        ));
    }
    (a.invited_by_operative || a.tied_to_busier_operative).then(|| {
        "brought in by an operative (invited by or sharing an identifier with a busier one)".into()
    })
}

/// Posts the group's negative reviews.
pub fn operative(f: &Facts) -> Option<String> {
    (f.acts.negative_reviews > 0).then(|| {
        format!(
            "posted {} of the group's negative reviews",
            f.acts.negative_reviews
        )
    })
}

/// Contacts victims' owners or collects their money, but coordinates no reviewer.
pub fn negotiator(f: &Facts) -> Option<String> {
    let a = f.acts;
    (a.owner_contacts > 0 || a.owner_payments > 0).then(|| {
        format!(
            "messaged victims' owners {} time(s) and received {} of their payments, coordinating no reviewer",
            a.owner_contacts, a.owner_payments
        )
    })
}

/// Posts no review and is in the group by its own acts towards members.
pub fn coordinator(f: &Facts) -> Option<String> {
    let a = f.acts;
    let members: BTreeSet<&u32> = a.paid.iter().chain(&a.invited).chain(&a.messaged).collect();
    (!members.is_empty()).then(|| {
        format!(
            "posts no review; paid, invited or messaged {} member(s)",
            members.len()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::money::Transfer;

    fn facts<'a>(acts: &'a MemberActs, coordinated: usize) -> Facts<'a> {
        Facts {
            account: 1,
            acts,
            coordinated,
            funding: None,
            recruited_by: None,
        }
    }

    fn role(f: &Facts) -> Role {
        assign(f).0
    }

    #[test]
    fn the_coordinator_of_reviewers_organizes() {
        let acts = MemberActs {
            owner_payments: 3,
            paid: [2, 3].into_iter().collect(),
            ..Default::default()
        };
        assert_eq!(role(&facts(&acts, 2)), Role::Organizer);
        assert!(assign(&facts(&acts, 2)).1.contains("2 reviewing members"));
        // a busy reviewer who also collects stays an operative
        let op = MemberActs {
            negative_reviews: 3,
            owner_payments: 2,
            paid: [2].into_iter().collect(),
            ..Default::default()
        };
        assert_eq!(role(&facts(&op, 1)), Role::Operative);
    }

    #[test]
    fn the_split_negotiator_and_its_payee_account() {
        let talks = MemberActs {
            owner_contacts: 4,
            ..Default::default()
        };
        assert_eq!(role(&facts(&talks, 0)), Role::Negotiator);
        let collects = MemberActs {
            owner_payments: 4,
            paid: [7].into_iter().collect(),
            ..Default::default()
        };
        assert_eq!(role(&facts(&collects, 0)), Role::Negotiator);
    }

    #[test]
    fn recruits_with_and_without_reviews() {
        let dormant = MemberActs::default();
        let mut f = facts(&dormant, 0);
        f.recruited_by = Some("a-op");
        assert_eq!(
            assign(&f),
            (
                Role::Recruit,
                "invited by operative a-op and shares their household; no negative review yet"
                    .into()
            )
        );
        let active = MemberActs {
            negative_reviews: 1,
            invited_by_operative: true,
            ..Default::default()
        };
        assert_eq!(role(&facts(&active, 0)), Role::Recruit);
        let inviter = MemberActs {
            negative_reviews: 2,
            invited_by_operative: true,
            invited: [5].into_iter().collect(),
            ..Default::default()
        };
        assert_eq!(role(&facts(&inviter, 0)), Role::Operative);
    }

    #[test]
    fn the_money_chain_decides_beneficiary_and_intermediary() {
        let chain = |from: u32, to: u32| Transfer {
            payment_id: format!("p{from}"),
            from,
            to,
            amount: 100_000,
            currency: "CNY".into(),
            at: 0,
        };
        let fd = Funding {
            sponsor: None,
            organizer: 3,
            chain: vec![chain(1, 2), chain(2, 3)],
        };
        let none = MemberActs::default();
        let mut f = facts(&none, 0);
        f.funding = Some(&fd);
        assert_eq!(role(&f), Role::Beneficiary);
        f.account = 2;
        assert_eq!(role(&f), Role::Intermediary);
        f.account = 3;
        assert_eq!(role(&f), Role::Organizer);
    }

    #[test]
    fn an_outsider_joined_by_messages_is_a_coordinator() {
        let acts = MemberActs {
            messaged: [4, 5].into_iter().collect(),
            ..Default::default()
        };
        let (r, why) = assign(&facts(&acts, 0));
        assert_eq!(r, Role::Organizer);
        assert!(why.contains("2 member(s)"));
    }
}
