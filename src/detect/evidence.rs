//! Evidence: the subgraph behind a finding (nodes and edges with their types, times and
//! amounts) and the human-readable reasons that produced its score. Every detector returns
//! this one shape, so investigation UIs draw all findings the same way and a court exhibit
//! can cite each node and edge by id.
//!
//! Every edge has a stable id ([`EvidenceEdge::stable_id`], a digest of what the edge says),
//! and every edge that stands for a record carries that record's id: the detector sets it
//! for payments, messages and review events; [`Evidence::edge`] fills it in for the edges
//! whose record follows from their ends (a review for `WROTE`/`ABOUT`, a shop for `OWNS`,
//! the `referral:`/`link:` keys of records the contract gives no id). Evidence is stored
//! whole: nothing here is ever cut; views that show less say so (`total`, `truncated`).

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub nodes: Vec<EvidenceNode>,
    pub edges: Vec<EvidenceEdge>,
    /// Why, in sentences a person can check against the nodes and edges.
    pub reasons: Vec<String>,
}

/// A node of the evidence subgraph.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceNode {
    /// The record id (`a-du`, `r-81`, …); identifiers use their `Identifier.key`
    /// (`kind:value`, personal data: masked at the API boundary).
    pub id: String,
    /// Graph label: `Account`, `Shop`, `Review`, `Payment`, `Message`, `Identifier`, …
    pub label: String,
    /// Short caption for display (role, rating, kind…), never raw personal data.
    pub caption: Option<String>,
}

/// An edge of the evidence subgraph, directed `from` → `to`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceEdge {
    pub from: String,
    pub to: String,
    /// `PAID`, `MESSAGED`, `WROTE`, `USES`, `REFERRED`, `REMOVED`, `WITHDREW`, …
    pub kind: String,
    /// The record behind the edge (payment id, message id, event id), when there is one.
    pub record_id: Option<String>,
    /// Epoch milliseconds.
    pub at: Option<i64>,
    /// Minor units (fen).
    pub amount: Option<i64>,
    pub currency: Option<String>,
}

/// The record an edge stands for when the detector did not name one: derivable from the
/// edge's ends for the kinds below, `None` for derived relations (shared identifiers seen
/// through two links, ties) that have no single record.
fn implied_record(kind: &str, from: &str, to: &str) -> Option<String> {
    match kind {
        // (Account)-[:WROTE]->(Review): the review record
        "WROTE" => Some(to.to_string()),
        // (Review)-[:ABOUT]->(Shop): the review record
        "ABOUT" => Some(from.to_string()),
        // (Account)-[:OWNS]->(Shop): the shop record (ownerId)
        "OWNS" => Some(to.to_string()),
        // referrals and links have no id in the contract: their natural keys
        "REFERRED" => Some(format!("referral:{from}>{to}")),
        "USES" => Some(format!("link:{from}|{to}")),
        _ => None,
    }
}

impl Evidence {
    pub fn node(&mut self, id: impl Into<String>, label: &str, caption: Option<String>) {
        let id = id.into();
        if !self.nodes.iter().any(|n| n.id == id && n.label == label) {
            self.nodes.push(EvidenceNode {
                id,
                label: label.to_string(),
                caption,
            });
        }
    }

    /// Adds an edge (once), naming the record it stands for when its ends imply one.
    pub fn edge(&mut self, mut edge: EvidenceEdge) {
        if edge.record_id.is_none() {
            edge.record_id = implied_record(&edge.kind, &edge.from, &edge.to);
        }
        if !self.edges.contains(&edge) {
            self.edges.push(edge);
        }
    }

    pub fn reason(&mut self, reason: impl Into<String>) {
        self.reasons.push(reason.into());
    }

    /// Adds everything of `other` not already present.
    pub fn merge(&mut self, other: Evidence) {
        for n in other.nodes {
            self.node(n.id, &n.label, n.caption);
        }
        for e in other.edges {
            self.edge(e);
        }
        self.reasons.extend(other.reasons);
    }

    /// The same evidence with implied record ids filled in on every edge (evidence stored
    /// before edges carried them reads back complete).
    pub fn normalized(self) -> Evidence {
        let mut out = Evidence {
            nodes: self.nodes,
            edges: Vec::with_capacity(self.edges.len()),
            reasons: self.reasons,
        };
        for e in self.edges {
            out.edge(e);
        }
        out
    }
}

impl EvidenceEdge {
    pub fn new(from: impl Into<String>, to: impl Into<String>, kind: &str) -> Self {
        EvidenceEdge {
            from: from.into(),
            to: to.into(),
            kind: kind.to_string(),
            record_id: None,
            at: None,
            amount: None,
            currency: None,
        }
    }

    pub fn record(mut self, id: impl Into<String>) -> Self {
        self.record_id = Some(id.into());
        self
    }

    pub fn at(mut self, millis: i64) -> Self {
        self.at = Some(millis);
        self
    }

    pub fn amount(mut self, minor: i64, currency: &str) -> Self {
        self.amount = Some(minor);
        self.currency = Some(currency.to_string());
        self
    }

    /// A stable id: `e-` and 16 hex digits of the SHA-256 of what the edge says (kind, ends,
    /// record, time, amount). The same edge found by any run, or exported by anyone, has the
    /// same id; it reveals nothing of the (possibly personal) values it digests.
    pub fn stable_id(&self) -> String {
        let text = format!(
            "{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
            self.kind,
            self.from,
            self.to,
            self.record_id.as_deref().unwrap_or(""),
            self.at.map(|t| t.to_string()).unwrap_or_default(),
            self.amount.map(|t| t.to_string()).unwrap_or_default(),
            self.currency.as_deref().unwrap_or("")
        );
        let digest = Sha256::digest(text.as_bytes());
        let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        format!("e-{hex}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edges_whose_ends_imply_a_record_carry_it() {
        let mut e = Evidence::default();
        e.edge(EvidenceEdge::new("a-1", "r-1", "WROTE"));
        e.edge(EvidenceEdge::new("r-1", "s-1", "ABOUT"));
        e.edge(EvidenceEdge::new("a-2", "s-1", "OWNS"));
        e.edge(EvidenceEdge::new("a-1", "a-3", "REFERRED"));
        e.edge(EvidenceEdge::new("a-1", "phone:1", "USES"));
        e.edge(EvidenceEdge::new("a-2", "a-1", "PAID").record("p-9"));
        let records: Vec<_> = e
            .edges
            .iter()
            .map(|x| x.record_id.clone().unwrap())
            .collect();
        assert_eq!(
            records,
            [
                "r-1",
                "r-1",
                "s-1",
                "referral:a-1>a-3",
                "link:a-1|phone:1",
                "p-9"
            ]
        );
    }

    #[test]
    fn edge_ids_are_stable_and_distinct() {
        let a = EvidenceEdge::new("a", "b", "PAID").record("p-1").at(5);
        let b = EvidenceEdge::new("a", "b", "PAID").record("p-2").at(5);
        assert_eq!(a.stable_id(), a.clone().stable_id());
        assert_ne!(a.stable_id(), b.stable_id());
        assert!(a.stable_id().starts_with("e-") && a.stable_id().len() == 18);
    }

    #[test]
    fn normalizing_fills_records_of_stored_evidence() {
        let stored = Evidence {
            edges: vec![EvidenceEdge::new("a-1", "r-1", "WROTE")],
            ..Evidence::default()
        };
        assert_eq!(
            stored.normalized().edges[0].record_id.as_deref(),
            Some("r-1")
        );
    }
}
