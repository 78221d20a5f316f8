//! GraphQL view of [`crate::detect::Evidence`], shared by every finding type.

use crate::detect;
use crate::model::{format_minor, Timestamp};
use juniper::GraphQLObject;

/// The subgraph behind a finding and the reasons for its score.
#[derive(GraphQLObject)]
pub struct Evidence {
    pub nodes: Vec<EvidenceNode>,
    pub edges: Vec<EvidenceEdge>,
    /// Human-readable reasons, each checkable against the nodes and edges.
    pub reasons: Vec<String>,
}

#[derive(GraphQLObject)]
pub struct EvidenceNode {
    pub id: String,
    /// Graph label: Account, Shop, Review, Payment, Message, Identifier, …
    pub label: String,
    pub caption: Option<String>,
}

#[derive(GraphQLObject)]
pub struct EvidenceEdge {
    pub from: String,
    pub to: String,
    /// PAID, MESSAGED, WROTE, USES, REFERRED, REMOVED, WITHDREW, …
    pub kind: String,
    /// The record behind the edge (payment, message or event id).
    pub record_id: Option<String>,
    /// RFC 3339, UTC.
    pub at: Option<String>,
    /// Decimal string, e.g. "600.00".
    pub amount: Option<String>,
    pub currency: Option<String>,
}

impl From<detect::Evidence> for Evidence {
    fn from(e: detect::Evidence) -> Self {
        Evidence {
            nodes: e
                .nodes
                .into_iter()
                .map(|n| EvidenceNode {
                    id: n.id,
                    label: n.label,
                    caption: n.caption,
                })
                .collect(),
            edges: e
                .edges
                .into_iter()
                .map(|x| EvidenceEdge {
                    from: x.from,
                    to: x.to,
                    kind: x.kind,
                    record_id: x.record_id,
                    at: x.at.map(|t| Timestamp(t).rfc3339()),
                    amount: x.amount.map(format_minor),
                    currency: x.currency,
                })
                .collect(),
            reasons: e.reasons,
        }
    }
}
