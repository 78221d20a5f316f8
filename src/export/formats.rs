//! The files of a bundle: evidence as JSON, CSV (nodes, edges) and GraphML (Gephi, yEd).

use serde::{Deserialize, Serialize};

/// A node as bundles write it: the evidence node and the record behind it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Node {
    pub id: String,
    pub label: String,
    pub caption: Option<String>,
    /// The record's fields that matter to the case (names masked unless the exporter may
    /// see personal data); absent when the record is no longer in the graph.
    pub record: Option<Record>,
}

/// Record fields of a node, by kind (only those the record has are written).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Record {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// RFC 3339 UTC: registered, opened, posted, paid, sent, happened.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at_millis: Option<i64>,
    /// Decimal string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount_minor: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rating: Option<i64>,
    /// Channel, category, action, identifier kind, order status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Review text, message text, payment memo, event reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Region, shop owner, review author, `from>to` of a payment or message, event actor,
    /// an identifier's (masked) value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// An edge as bundles write it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Edge {
    pub id: String,
    pub kind: String,
    pub from: String,
    pub to: String,
    pub record_id: Option<String>,
    pub at: Option<String>,
    pub at_millis: Option<i64>,
    pub amount: Option<String>,
    pub amount_minor: Option<i64>,
    pub currency: Option<String>,
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn csv_line(fields: &[&str]) -> String {
    let mut line = fields
        .iter()
        .map(|f| csv_field(f))
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

fn opt(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("")
}

fn num(n: Option<i64>) -> String {
    n.map(|x| x.to_string()).unwrap_or_default()
}

/// `nodes.csv`: RFC 4180, a header row, one row per node.
pub fn nodes_csv(nodes: &[Node]) -> Vec<u8> {
    let mut out = csv_line(&[
        "id", "label", "caption", "name", "role", "at", "amount", "currency", "rating", "kind",
        "text", "detail",
    ]);
    for n in nodes {
        let r = n.record.clone().unwrap_or_default();
        let rating = num(r.rating);
        out.push_str(&csv_line(&[
            &n.id,
            &n.label,
            opt(&n.caption),
            opt(&r.name),
            opt(&r.role),
            opt(&r.at),
            opt(&r.amount),
            opt(&r.currency),
            &rating,
            opt(&r.kind),
            opt(&r.text),
            opt(&r.detail),
        ]));
    }
    out.into_bytes()
}

/// `edges.csv`: RFC 4180, a header row, one row per edge.
pub fn edges_csv(edges: &[Edge]) -> Vec<u8> {
    let mut out = csv_line(&[
        "id",
        "kind",
        "from",
        "to",
        "record_id",
        "at",
        "amount",
        "currency",
    ]);
    for e in edges {
        out.push_str(&csv_line(&[
            &e.id,
            &e.kind,
            &e.from,
            &e.to,
            opt(&e.record_id),
            opt(&e.at),
            opt(&e.amount),
            opt(&e.currency),
        ]));
    }
    out.into_bytes()
}

fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// `graph.graphml`: directed GraphML with node and edge attributes declared as keys, which
/// Gephi and yEd import (Gephi shows `label` as the node label).
pub fn graphml(title: &str, nodes: &[Node], edges: &[Edge]) -> Vec<u8> {
    let mut s = String::new();
    s.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    s.push_str("<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n");
    let keys = [
        ("label", "node", "label"),
        ("type", "node", "type"),
        ("caption", "node", "caption"),
        ("name", "node", "name"),
        ("n_at", "node", "at"),
        ("n_amount", "node", "amount"),
        ("n_text", "node", "text"),
        ("n_detail", "node", "detail"),
        ("e_id", "edge", "evidence_id"),
        ("kind", "edge", "kind"),
        ("record_id", "edge", "record_id"),
        ("at", "edge", "at"),
        ("amount", "edge", "amount"),
        ("currency", "edge", "currency"),
    ];
    for (id, on, name) in keys {
        s.push_str(&format!(
            "  <key id=\"{id}\" for=\"{on}\" attr.name=\"{name}\" attr.type=\"string\"/>\n"
        ));
    }
    s.push_str(&format!(
        "  <graph id=\"{}\" edgedefault=\"directed\">\n",
        xml(title)
    ));
    let data = |s: &mut String, key: &str, v: Option<&str>| {
        if let Some(v) = v {
            s.push_str(&format!("      <data key=\"{key}\">{}</data>\n", xml(v)));
        }
    };
    for n in nodes {
        s.push_str(&format!("    <node id=\"{}\">\n", xml(&n.id)));
        let shown = match &n.caption {
            Some(c) => format!("{} ({c})", n.id),
            None => n.id.clone(),
        };
        data(&mut s, "label", Some(&shown));
        data(&mut s, "type", Some(&n.label));
        data(&mut s, "caption", n.caption.as_deref());
        if let Some(r) = &n.record {
            data(&mut s, "name", r.name.as_deref());
            data(&mut s, "n_at", r.at.as_deref());
            data(&mut s, "n_amount", r.amount.as_deref());
            data(&mut s, "n_text", r.text.as_deref());
            data(&mut s, "n_detail", r.detail.as_deref());
        }
        s.push_str("    </node>\n");
    }
    for e in edges {
        s.push_str(&format!(
            "    <edge id=\"{}\" source=\"{}\" target=\"{}\">\n",
            xml(&e.id),
            xml(&e.from),
            xml(&e.to)
        ));
        data(&mut s, "e_id", Some(&e.id));
        data(&mut s, "kind", Some(&e.kind));
        data(&mut s, "record_id", e.record_id.as_deref());
        data(&mut s, "at", e.at.as_deref());
        data(&mut s, "amount", e.amount.as_deref());
        data(&mut s, "currency", e.currency.as_deref());
        s.push_str("    </edge>\n");
    }
    s.push_str("  </graph>\n</graphml>\n");
    s.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_needs_quoting() {
        assert_eq!(
            csv_line(&["a", "b,c", "say \"hi\""]),
            "a,\"b,c\",\"say \"\"hi\"\"\"\r\n"
        );
    }

    #[test]
    fn graphml_escapes_and_declares_keys() {
        let n = vec![Node {
            id: "a<1>".into(),
            label: "Account".into(),
            caption: None,
            record: None,
        }];
        let g = String::from_utf8(graphml("t", &n, &[])).unwrap();
        assert!(g.contains("<node id=\"a&lt;1&gt;\">"));
        assert!(g.contains("attr.name=\"kind\""));
    }
}
