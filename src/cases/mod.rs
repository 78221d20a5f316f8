//! Cases: an analyst's investigation of findings. A `Case` holds the findings and entities
//! attached to it (each with a snapshot of the finding as it was when attached, so a case
//! and its evidence bundle do not change when detection runs again), notes, and a history
//! of who changed what and when. Dismissing a case records a `Dismissal` per attached
//! finding, keyed by the finding's member signature: when a later detection run finds the
//! same group again, the finding says it was dismissed (see [`signature`]).
//!
//! Queries: `queries/case_*.cypher`, `cases_list`, `dismissals_of`, `finding_run`.

pub mod findings;
mod store;

pub use findings::{resolve, Resolved, Snapshot};
pub use store::*;

use sha2::{Digest, Sha256};

/// What can be attached to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ItemKind {
    Ring,
    Incident,
    InsiderSuspect,
    /// An agent lineage, by its start account (computed on demand, snapshotted on attach).
    Lineage,
    Account,
    Shop,
}

impl ItemKind {
    pub const ALL: [ItemKind; 6] = [
        ItemKind::Ring,
        ItemKind::Incident,
        ItemKind::InsiderSuspect,
        ItemKind::Lineage,
        ItemKind::Account,
        ItemKind::Shop,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Ring => "RING",
            ItemKind::Incident => "INCIDENT",
            ItemKind::InsiderSuspect => "INSIDER_SUSPECT",
            ItemKind::Lineage => "LINEAGE",
            ItemKind::Account => "ACCOUNT",
            ItemKind::Shop => "SHOP",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s))
    }

    /// Findings can be dismissed; accounts and shops are only attached.
    pub fn is_finding(self) -> bool {
        !matches!(self, ItemKind::Account | ItemKind::Shop)
    }

    /// The word used in bundle and route names: `ring`, `incident`, `insider`, `lineage`.
    pub fn slug(self) -> &'static str {
        match self {
            ItemKind::Ring => "ring",
            ItemKind::Incident => "incident",
            ItemKind::InsiderSuspect => "insider",
            ItemKind::Lineage => "lineage",
            ItemKind::Account => "account",
            ItemKind::Shop => "shop",
        }
    }

    pub fn from_slug(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.slug() == s)
    }
}

/// A case's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Open,
    Confirmed,
    Dismissed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Confirmed => "confirmed",
            Status::Dismissed => "dismissed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Status::Open, Status::Confirmed, Status::Dismissed]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

/// The identity of a finding's group: `kind` and its members (accounts, and the review of an
/// incident), sorted, as SHA-256 hex. The same group found by another run has the same
/// signature whatever its score or evidence, so a dismissal sticks to it; a group with a
/// member more or less is a different finding and is triaged afresh.
pub fn signature(kind: ItemKind, members: &[String]) -> String {
    let mut m: Vec<&str> = members.iter().map(String::as_str).collect();
    m.sort_unstable();
    m.dedup();
    let digest = Sha256::digest(format!("{}|{}", kind.as_str(), m.join(",")).as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The group of an extortion incident: its review, reviewer, payee and contact.
pub fn incident_members(i: &crate::detect::extortion::Incident) -> Vec<String> {
    let mut m = vec![
        i.review_id.clone(),
        i.reviewer_id.clone(),
        i.payee_id.clone(),
    ];
    m.extend(i.contact_id.clone());
    m.sort();
    m.dedup();
    m
}

/// Now, in epoch milliseconds.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// A fresh random id with a prefix: `case-3f9a0c1d2e4b`.
pub fn new_id(prefix: &str) -> String {
    format!("{prefix}-{:012x}", rand::random::<u64>() & 0xffff_ffff_ffff)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_ignore_order_and_tell_groups_apart() {
        let a = signature(ItemKind::Ring, &["b".into(), "a".into()]);
        let b = signature(ItemKind::Ring, &["a".into(), "b".into(), "a".into()]);
        assert_eq!(a, b);
        assert_ne!(a, signature(ItemKind::Ring, &["a".into()]));
        assert_ne!(a, signature(ItemKind::Incident, &["a".into(), "b".into()]));
        assert_eq!(a.len(), 64);
    }

    #[test]
    fn kinds_and_statuses_round_trip() {
        for k in ItemKind::ALL {
            assert_eq!(ItemKind::parse(k.as_str()), Some(k));
            assert_eq!(ItemKind::from_slug(k.slug()), Some(k));
        }
        assert_eq!(Status::parse("dismissed"), Some(Status::Dismissed));
        assert!(new_id("case").starts_with("case-"));
    }
}
