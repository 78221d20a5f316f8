//! Evidence: the subgraph behind a finding (nodes and edges with their types, times and
//! amounts) and the human-readable reasons that produced its score. Every detector returns
//! this one shape, so investigation UIs draw all findings the same way and a court exhibit
//! can cite each node and edge by id.

use serde::{Deserialize, Serialize};

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
    /// The record id (`a-du`, `r-81`, …); identifiers use their opaque `Identifier.key`.
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

    pub fn edge(&mut self, edge: EvidenceEdge) {
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
}
