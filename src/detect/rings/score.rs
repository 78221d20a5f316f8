//! Ring scoring: per-signal strengths in 0..1 combined by noisy-OR,
//! `score = 1 - Π (1 - s_i)`, so several weak signals add up while none alone reaches the
//! threshold unless it is itself strong. A ring with no *malicious* signal (owner money or
//! owner contact after a member's negative review, lockstep negative reviews, or reviewers
//! paid for panning) is capped at
//! [`BENIGN_CAP`], below the default threshold: households, office Wi-Fi and friends who pay
//! each other share identifiers and money but never extort or pan shops together.
//!
//! | signal | strength |
//! |---|---|
//! | victim hit (owner paid a member after a member's negative review) | 0.55 each, 0.75 with a member's contact; noisy-OR over hits |
//! | contact only (a tied member other than the author messaged the owner) | 0.3 each |
//! | lockstep block of `n` accounts on `k` shops | `(1 - 0.6^(n-2)) · (1 - 0.5^(k-1))` |
//! | paid panning: a member paid `n` others after their negative reviews of one category | noisy-OR of 0.15 each, at most 0.7 |
//! | shared rare identifiers | noisy-OR of `0.5/(n-1)` per identifier, at most 0.5 |
//! | referrals among members | noisy-OR of 0.15 each, at most 0.4 |
//! | private transfers among members | noisy-OR of 0.1 each, at most 0.4 |
//! | a competing seller's money reaching the organizer (the shared money walk) | 0.8 |

/// Highest score of a group without any malicious signal.
pub const BENIGN_CAP: f64 = 0.3;

use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RingKind {
    ExtortionCrew,
    HiredCampaign,
    Mixed,
    Unknown,
}

impl RingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RingKind::ExtortionCrew => "EXTORTION_CREW",
            RingKind::HiredCampaign => "HIRED_CAMPAIGN",
            RingKind::Mixed => "MIXED",
            RingKind::Unknown => "UNKNOWN",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            RingKind::ExtortionCrew,
            RingKind::HiredCampaign,
            RingKind::Mixed,
            RingKind::Unknown,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    Organizer,
    Operative,
    Recruit,
    /// A seller whose money reached the group (hired campaigns).
    Beneficiary,
    /// An account that passed the seller's money on to the group.
    Intermediary,
    /// Talks to the victims or collects their money for the crew, without coordinating the
    /// reviewers (a split crew's negotiator or its payee account).
    Negotiator,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Organizer => "ORGANIZER",
            Role::Operative => "OPERATIVE",
            Role::Recruit => "RECRUIT",
            Role::Beneficiary => "BENEFICIARY",
            Role::Intermediary => "INTERMEDIARY",
            Role::Negotiator => "NEGOTIATOR",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Role::Organizer,
            Role::Operative,
            Role::Recruit,
            Role::Beneficiary,
            Role::Intermediary,
            Role::Negotiator,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// Strength of each signal of one group, 0..1.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Signals {
    pub extortion: f64,
    pub contact: f64,
    pub lockstep: f64,
    pub paid_panning: f64,
    pub identity: f64,
    pub referral: f64,
    pub internal_money: f64,
    pub seller_money: f64,
}

pub fn noisy_or(xs: impl IntoIterator<Item = f64>) -> f64 {
    1.0 - xs
        .into_iter()
        .map(|x| 1.0 - x.clamp(0.0, 1.0))
        .product::<f64>()
}

/// Noisy-OR of `n` equal contributions, capped.
pub fn repeated(each: f64, n: usize, cap: f64) -> f64 {
    noisy_or(std::iter::repeat_n(each, n)).min(cap)
}

/// One victim hit: the owner paid a member after a member's negative review.
pub fn hit_strength(paid: bool, contacted_by_member: bool) -> f64 {
    match (paid, contacted_by_member) {
        (true, true) => 0.75,
        (true, false) => 0.55,
        (false, true) => 0.3,
        (false, false) => 0.0,
    }
}

pub fn lockstep_strength(accounts: usize, shops: usize) -> f64 {
    if accounts < 3 || shops < 2 {
        return 0.0;
    }
    (1.0 - 0.6f64.powi(accounts as i32 - 2)) * (1.0 - 0.5f64.powi(shops as i32 - 1))
}

impl Signals {
    pub fn malicious(&self) -> bool {
        self.extortion > 0.0 || self.contact > 0.0 || self.lockstep > 0.0 || self.paid_panning > 0.0
    }

    pub fn score(&self) -> f64 {
        let all = noisy_or([
            self.extortion,
            self.contact,
            self.lockstep,
            self.paid_panning,
            self.identity,
            self.referral,
            self.internal_money,
            self.seller_money,
        ]);
        if self.malicious() {
            all
        } else {
            all.min(BENIGN_CAP)
        }
    }

    /// Extortion when owner money/contact dominates, hired when lockstep or paid panning
    /// (with or without a seller's money) dominates, mixed when both are substantial.
    pub fn kind(&self) -> RingKind {
        let ext = noisy_or([self.extortion, self.contact]);
        let hired = if self.lockstep > 0.0 || self.paid_panning > 0.0 {
            noisy_or([self.lockstep, self.paid_panning, self.seller_money])
        } else {
            0.0
        };
        match (ext > 0.0, hired > 0.0) {
            (false, false) => RingKind::Unknown,
            (true, false) => RingKind::ExtortionCrew,
            (false, true) => RingKind::HiredCampaign,
            (true, true) if ext >= 2.0 * hired => RingKind::ExtortionCrew,
            (true, true) if hired >= 2.0 * ext => RingKind::HiredCampaign,
            _ => RingKind::Mixed,
        }
    }
}

/// What one member did inside the ring.
#[derive(Debug, Clone, Default)]
pub struct MemberActs {
    pub negative_reviews: usize,
    /// Messages to a victim owner about another member's review, or before a payment.
    pub owner_contacts: usize,
    /// Payments received from victims' owners.
    pub owner_payments: usize,
    /// Members this one paid above the commerce floor.
    pub paid: BTreeSet<u32>,
    /// Members this one invited.
    pub invited: BTreeSet<u32>,
    /// Members this one messaged.
    pub messaged: BTreeSet<u32>,
    pub invited_by_operative: bool,
    pub tied_to_busier_operative: bool,
}

impl MemberActs {
    /// Owner contacts and payments count double: they are the extortion itself.
    pub fn organizing(&self) -> usize {
        2 * self.owner_contacts + 2 * self.owner_payments + self.paid.len() + self.invited.len()
    }

    /// How much of the ring's evidence runs through this member (before normalising).
    pub fn weight(&self) -> f64 {
        self.negative_reviews as f64 + self.organizing() as f64 + 0.5
    }

    /// The reviewing members this one paid, invited or messaged.
    pub fn coordinated(&self, reviewers: &BTreeSet<u32>) -> BTreeSet<u32> {
        self.paid
            .iter()
            .chain(&self.invited)
            .chain(&self.messaged)
            .filter(|m| reviewers.contains(m))
            .copied()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noisy_or_combines_weak_signals() {
        assert!((noisy_or([0.5, 0.5]) - 0.75).abs() < 1e-9);
        assert_eq!(noisy_or([]), 0.0);
        assert!((repeated(0.15, 10, 0.4) - 0.4).abs() < 1e-9);
    }

    #[test]
    fn benign_groups_stay_below_threshold() {
        // a household: strong identity, referrals, transfers, but nothing malicious
        let s = Signals {
            identity: 0.5,
            referral: 0.4,
            internal_money: 0.4,
            ..Default::default()
        };
        assert!(!s.malicious());
        assert!(s.score() <= BENIGN_CAP);
        assert_eq!(s.kind(), RingKind::Unknown);
    }

    #[test]
    fn extortion_and_lockstep_decide_the_kind() {
        let crew = Signals {
            extortion: noisy_or([0.75, 0.55]),
            identity: 0.5,
            ..Default::default()
        };
        assert_eq!(crew.kind(), RingKind::ExtortionCrew);
        assert!(crew.score() > 0.9);
        let hired = Signals {
            lockstep: lockstep_strength(8, 4),
            seller_money: 0.8,
            ..Default::default()
        };
        assert_eq!(hired.kind(), RingKind::HiredCampaign);
        let mixed = Signals {
            lockstep: 0.6,
            extortion: 0.55,
            ..Default::default()
        };
        assert_eq!(mixed.kind(), RingKind::Mixed);
    }

    #[test]
    fn small_lockstep_blocks_are_weak() {
        assert!(lockstep_strength(3, 2) < 0.3);
        assert!(lockstep_strength(8, 4) > 0.8);
        assert_eq!(lockstep_strength(2, 5), 0.0);
    }
}
