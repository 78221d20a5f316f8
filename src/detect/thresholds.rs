//! The thresholds every detector shares, in one place: what a *rare identifier* is, the
//! *commerce floor* under which a private payment is ordinary commerce, and the smallest
//! *hush money*. Each detector's own
//! params (`RingParams`, `IncidentParams`, `LineageParams`, `InsiderParams`) read them from
//! here, so "rare" and "small" mean the same thing in rings, extortion, lineage and insider.
//!
//! The values come from the configuration (`[detect]` in the TOML file, or
//! `INVESTIGATOR_RARE_IDENTIFIER_MAX`, `INVESTIGATOR_COMMERCE_FLOOR`,
//! `INVESTIGATOR_HUSH_MONEY_MIN`), installed once at
//! start-up by [`install`]; until then, and in tests, the documented defaults apply.

use std::sync::OnceLock;

/// A review its author withdraws (or revises up) within this long after an owner's payment
/// was bought by it: incidents, rings' hits and lineage read the same window.
pub const WITHDRAWAL_WINDOW_MS: i64 = 7 * 24 * 3600 * 1000;

/// The shared thresholds.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Thresholds {
    /// An identifier (device, IP, phone, address, card) used by at most this many accounts is
    /// *rare*: sharing it says the accounts belong together. Above it, the identifier is a hub
    /// and ties nobody.
    ///
    /// Why 10: a household shares a router, a tablet and an address among 2–6 people; a phone
    /// farm runs a handful of accounts per handset; a shop's staff share a phone. Offices,
    /// campuses, cafés and carrier NAT put dozens to thousands of strangers behind one IP,
    /// and the generator's public IPs have 150–600 users. Ten keeps every family and farm
    /// and no public place. How strongly a rare identifier ties is graded by how many share
    /// it ([`Thresholds::identifier_weight`]), never by a second cut-off.
    pub rare_identifier_max_accounts: i64,
    /// Private payments of at most this many minor units (in any currency) are ordinary
    /// commerce — cashback for a good review (好评返现), red packets, tips — and never make an
    /// account a coordinator or a link of a money chain.
    ///
    /// Why 10.00: cashback and red packets on Chinese marketplaces are a few yuan; a review
    /// agent's fee is 15 CNY and up, hush money hundreds to thousands.
    pub commerce_floor_minor: i64,
    /// A shop owner's private payment after a negative review is hush money from this many
    /// minor units up.
    ///
    /// Why 100.00: crews ask hundreds to thousands (the Haimen crew took 600–8,800 CNY a
    /// shop); an owner compensating a disappointed buyer refunds against the order, and the
    /// odd private goodwill transfer is tens of yuan. Incidents take a smaller payment (above
    /// the commerce floor) only where goodwill cannot be: paid to an account other than the
    /// reviewer, after a contact, and followed by the withdrawal
    /// ([`Thresholds::is_hush_money`]).
    pub hush_money_min_minor: i64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            rare_identifier_max_accounts: 10,
            commerce_floor_minor: 1_000,
            hush_money_min_minor: 10_000,
        }
    }
}

static INSTALLED: OnceLock<Thresholds> = OnceLock::new();

/// Sets the thresholds for the process (once; later calls are ignored and return false).
pub fn install(t: Thresholds) -> bool {
    INSTALLED.set(t).is_ok()
}

/// The thresholds in effect: the installed ones, else the defaults.
pub fn current() -> Thresholds {
    INSTALLED.get().copied().unwrap_or_default()
}

impl Thresholds {
    /// True when an identifier used by `accounts` accounts ties them (2..=max).
    pub fn is_rare(&self, accounts: i64) -> bool {
        (2..=self.rare_identifier_max_accounts).contains(&accounts)
    }

    /// How strongly a rare identifier shared by `accounts` accounts ties two of them:
    /// `1/(n-1)` — 1 for two accounts, 0.5 for three, 0.11 for ten; 0 for a hub.
    pub fn identifier_weight(&self, accounts: i64) -> f64 {
        if !self.is_rare(accounts) {
            return 0.0;
        }
        1.0 / (accounts - 1) as f64
    }

    /// True when a private payment of `minor` units is more than ordinary commerce.
    pub fn above_commerce(&self, minor: i64) -> bool {
        minor > self.commerce_floor_minor
    }

    /// Whether an owner's private payment after a negative review can be hush money: the
    /// minimum or more; or, above the commerce floor, a crew's small takings — paid to an
    /// account other than the reviewer, after a contact, and followed by the review's
    /// withdrawal (within [`WITHDRAWAL_WINDOW_MS`]). An owner's goodwill red packet goes to
    /// the disappointed buyer itself. Incidents, rings' hits and lineage use this one rule.
    pub fn is_hush_money(
        &self,
        minor: i64,
        to_reviewer: bool,
        contacted: bool,
        withdrawn: bool,
    ) -> bool {
        minor >= self.hush_money_min_minor
            || (self.above_commerce(minor) && !to_reviewer && contacted && withdrawn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rare_means_two_to_ten_accounts() {
        let t = Thresholds::default();
        assert!(!t.is_rare(1));
        assert!(t.is_rare(2) && t.is_rare(10));
        assert!(!t.is_rare(11));
        assert_eq!(t.identifier_weight(2), 1.0);
        assert_eq!(t.identifier_weight(3), 0.5);
        assert_eq!(t.identifier_weight(150), 0.0);
    }

    #[test]
    fn small_takings_are_hush_money_only_where_goodwill_cannot_be() {
        let t = Thresholds::default();
        assert!(t.is_hush_money(10_000, true, false, false));
        assert!(t.is_hush_money(5_000, false, true, true));
        // to the reviewer itself, without a contact, or with the review left up: no
        assert!(!t.is_hush_money(5_000, true, true, true));
        assert!(!t.is_hush_money(5_000, false, false, true));
        assert!(!t.is_hush_money(5_000, false, true, false));
        // commerce is never hush money
        assert!(!t.is_hush_money(1_000, false, true, true));
    }

    #[test]
    fn cashback_is_commerce_and_a_fee_is_not() {
        let t = Thresholds::default();
        assert!(!t.above_commerce(500));
        assert!(!t.above_commerce(1_000));
        assert!(t.above_commerce(1_500));
    }
}
