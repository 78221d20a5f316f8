//! GraphQL view of [`crate::detect::Evidence`], shared by every finding type, and the one
//! masking step every output of evidence (GraphQL, bundles) goes through: [`masked`].

use super::guard::Guard;
use crate::detect;
use crate::error::{AppError, AppResult};
use crate::model::{format_minor, Timestamp};
use juniper::GraphQLObject;
use std::collections::BTreeSet;

/// The subgraph behind a finding and the reasons for its score. Never cut silently: when
/// `limit` asked for less, `truncated` is true and the totals say how much there is (an
/// evidence bundle always holds all of it).
#[derive(GraphQLObject)]
pub struct Evidence {
    pub nodes: Vec<EvidenceNode>,
    pub edges: Vec<EvidenceEdge>,
    /// Human-readable reasons, each checkable against the nodes and edges.
    pub reasons: Vec<String>,
    /// Nodes in the whole evidence.
    pub nodes_total: i32,
    /// Edges in the whole evidence.
    pub edges_total: i32,
    /// True when `nodes` or `edges` hold fewer than the totals.
    pub truncated: bool,
}

#[derive(GraphQLObject)]
pub struct EvidenceNode {
    /// The record id; an identifier's key is `kind:value` with the value masked unless the
    /// caller may see personal data.
    pub id: String,
    /// Graph label: Account, Shop, Review, Payment, Message, Identifier, …
    pub label: String,
    pub caption: Option<String>,
}

#[derive(GraphQLObject)]
pub struct EvidenceEdge {
    /// Stable: the same edge has the same id in every run, view and bundle.
    pub id: String,
    pub from: String,
    pub to: String,
    /// PAID, MESSAGED, WROTE, USES, REFERRED, REMOVED, WITHDREW, …
    pub kind: String,
    /// The record the edge stands for: payment, message, review event, review (WROTE,
    /// ABOUT), shop (OWNS), `referral:<inviter>><invitee>`, `link:<account>|<identifier>`.
    /// Absent only for derived relations (shared identifiers, ties).
    pub record_id: Option<String>,
    /// RFC 3339, UTC.
    pub at: Option<String>,
    /// Decimal string, e.g. "600.00".
    pub amount: Option<String>,
    pub currency: Option<String>,
}

/// Evidence as one viewer may see it: edges paired with their stable ids (computed before
/// masking, so they do not depend on who looks), identifier keys masked everywhere they
/// appear (node ids, edge ends, record ids, reasons) unless the viewer may see them.
pub struct Masked {
    pub nodes: Vec<detect::EvidenceNode>,
    pub edges: Vec<(String, detect::EvidenceEdge)>,
    pub reasons: Vec<String>,
}

/// Identifier keys named by the evidence: identifier nodes, and what shared-identifier
/// edges cite.
fn identifier_keys(e: &detect::Evidence) -> BTreeSet<String> {
    let mut keys: BTreeSet<String> = e
        .nodes
        .iter()
        .filter(|n| n.label == "Identifier")
        .map(|n| n.id.clone())
        .collect();
    for x in e.edges.iter().filter(|x| x.kind == "SHARES_IDENTIFIER") {
        if let Some(r) = &x.record_id {
            keys.insert(r.clone());
        }
    }
    keys.retain(|k| !k.is_empty());
    keys
}

/// What the viewer sees of every key (a pseudonym like `phone:~3f9a1c0b2d` unless the
/// viewer may unmask: then the key itself), longest key first, so a key that prefixes
/// another is not replaced inside it.
fn masked_keys(keys: &BTreeSet<String>, guard: &Guard) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = keys
        .iter()
        .map(|k| (k.clone(), guard.identifier_key(k)))
        .filter(|(k, m)| k != m)
        .collect();
    out.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
    out
}

/// `e` as `guard`'s viewer may see it. Edge ids are taken from the unmasked edges.
pub fn masked(e: detect::Evidence, guard: &Guard) -> Masked {
    let e = e.normalized();
    guard.register_evidence(&e);
    let swaps = masked_keys(&identifier_keys(&e), guard);
    let fix = |s: &str| -> String {
        let mut s = s.to_string();
        for (k, m) in &swaps {
            if s.contains(k.as_str()) {
                s = s.replace(k.as_str(), m);
            }
        }
        s
    };
    Masked {
        nodes: e
            .nodes
            .into_iter()
            .map(|n| detect::EvidenceNode {
                id: fix(&n.id),
                label: n.label,
                caption: n.caption,
            })
            .collect(),
        edges: e
            .edges
            .into_iter()
            .map(|x| {
                let id = x.stable_id();
                let edge = detect::EvidenceEdge {
                    from: fix(&x.from),
                    to: fix(&x.to),
                    record_id: x.record_id.as_deref().map(fix),
                    ..x
                };
                (id, edge)
            })
            .collect(),
        reasons: e.reasons.iter().map(|r| fix(r)).collect(),
    }
}

/// Largest `limit` an evidence field accepts.
pub const MAX_LIMIT: i32 = 100_000;

impl Evidence {
    /// The GraphQL view: masked for `guard`, cut to `limit` nodes and `limit` edges when
    /// given (edges only between kept nodes, so nothing dangles), with totals. (Not `first`:
    /// evidence is one object, not a connection the cost model should multiply by.)
    pub fn view(e: detect::Evidence, guard: &Guard, limit: Option<i32>) -> AppResult<Self> {
        if let Some(n) = limit {
            if !(0..=MAX_LIMIT).contains(&n) {
                return Err(AppError::bad_input(
                    "limit",
                    format!("must be between 0 and {MAX_LIMIT}"),
                ));
            }
        }
        let m = masked(e, guard);
        let (nodes_total, edges_total) = (m.nodes.len(), m.edges.len());
        let cap = limit.map(|n| n as usize).unwrap_or(usize::MAX);
        let nodes: Vec<_> = m.nodes.into_iter().take(cap).collect();
        let kept: BTreeSet<&str> = nodes.iter().map(|n| n.id.as_str()).collect();
        let edges: Vec<_> = if cap >= edges_total && nodes.len() == nodes_total {
            m.edges
        } else {
            m.edges
                .into_iter()
                .filter(|(_, x)| kept.contains(x.from.as_str()) && kept.contains(x.to.as_str()))
                .take(cap)
                .collect()
        };
        let truncated = nodes.len() < nodes_total || edges.len() < edges_total;
        Ok(Evidence {
            nodes: nodes.into_iter().map(EvidenceNode::from).collect(),
            edges: edges
                .into_iter()
                .map(|(id, x)| EvidenceEdge::from_edge(id, x))
                .collect(),
            reasons: m.reasons,
            nodes_total: nodes_total as i32,
            edges_total: edges_total as i32,
            truncated,
        })
    }
}

impl From<detect::EvidenceNode> for EvidenceNode {
    fn from(n: detect::EvidenceNode) -> Self {
        EvidenceNode {
            id: n.id,
            label: n.label,
            caption: n.caption,
        }
    }
}

impl EvidenceEdge {
    pub fn from_edge(id: String, x: detect::EvidenceEdge) -> Self {
        EvidenceEdge {
            id,
            from: x.from,
            to: x.to,
            kind: x.kind,
            record_id: x.record_id,
            at: x.at.map(|t| Timestamp(t).rfc3339()),
            amount: x.amount.map(format_minor),
            currency: x.currency,
        }
    }

    /// Edges outside an [`Evidence`] (lineage lists them apart), masked for `guard`.
    pub fn list(
        edges: Vec<detect::EvidenceEdge>,
        guard: &Guard,
        nodes: &[detect::EvidenceNode],
    ) -> Vec<Self> {
        let e = detect::Evidence {
            nodes: nodes.to_vec(),
            edges,
            reasons: Vec::new(),
        };
        masked(e, guard)
            .edges
            .into_iter()
            .map(|(id, x)| EvidenceEdge::from_edge(id, x))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::{Identity, PseudonymKey, Role};
    use crate::detect::{Evidence as Ev, EvidenceEdge as Edge};

    fn sample() -> Ev {
        let mut e = Ev::default();
        e.node("a-1", "Account", None);
        e.node("a-2", "Account", None);
        e.node("phone:13800000001", "Identifier", Some("phone".into()));
        e.edge(Edge::new("a-1", "phone:13800000001", "USES"));
        e.edge(Edge::new("a-2", "phone:13800000001", "USES"));
        e.edge(
            Edge::new("a-1", "a-2", "PAID")
                .record("p-1")
                .at(0)
                .amount(60000, "CNY"),
        );
        e.reason("a-1, a-2 share phone phone:13800000001.");
        e
    }

    fn guard(mask: bool) -> Guard {
        Guard::new(
            Identity {
                subject: "t".into(),
                token_id: "tok".into(),
                roles: vec![Role::Analyst],
                unmask: !mask,
            },
            PseudonymKey::fixed("k"),
        )
    }

    #[test]
    fn masks_identifier_keys_everywhere_but_keeps_edge_ids() {
        let open = Evidence::view(sample(), &guard(false), None).unwrap();
        let shut = Evidence::view(sample(), &guard(true), None).unwrap();
        let text = serde_json::to_string(&(
            shut.nodes.iter().map(|n| &n.id).collect::<Vec<_>>(),
            shut.edges
                .iter()
                .map(|x| (&x.to, &x.record_id))
                .collect::<Vec<_>>(),
            &shut.reasons,
        ))
        .unwrap();
        assert!(!text.contains("13800000001"), "{text}");
        assert!(text.contains("phone:"));
        let ids = |e: &Evidence| e.edges.iter().map(|x| x.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&open), ids(&shut));
        assert!(open.reasons[0].contains("13800000001"));
    }

    #[test]
    fn cuts_say_so_and_leave_nothing_dangling() {
        let v = Evidence::view(sample(), &guard(false), Some(2)).unwrap();
        assert!(v.truncated);
        assert_eq!((v.nodes_total, v.edges_total), (3, 3));
        assert_eq!(v.nodes.len(), 2);
        let ids: Vec<_> = v.nodes.iter().map(|n| n.id.as_str()).collect();
        assert!(v
            .edges
            .iter()
            .all(|x| ids.contains(&x.from.as_str()) && ids.contains(&x.to.as_str())));
        let all = Evidence::view(sample(), &guard(false), None).unwrap();
        assert!(!all.truncated);
        assert!(Evidence::view(sample(), &guard(false), Some(-1)).is_err());
    }
}
