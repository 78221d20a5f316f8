//! Evidence bundles: a finding or a case exported as one uncompressed tar that a legal team
//! can hand on unchanged. Files, in this order:
//!
//! | file | what |
//! |---|---|
//! | `manifest.json` | what (subject), which detection run(s), program version, as-of time, who exported, masking, the query, every other file with its size and SHA-256 |
//! | `evidence.json` | nodes (with the records behind them) and edges (stable ids, record ids, times, amounts), reasons, facts, totals |
//! | `case.json` | cases only: title, status, items, notes, history |
//! | `nodes.csv`, `edges.csv` | the same nodes and edges as RFC 4180 CSV |
//! | `graph.graphml` | the same graph for Gephi or yEd |
//! | `SHA256SUMS` | `sha256sum -c` format, for every file including the manifest |
//!
//! Deterministic: exporting the same finding of the same run (or an unchanged case) twice
//! gives the same bytes. So nothing in the bundle depends on the clock: its time is the
//! run's time (a finding) or the case's last change (a case), the tar's entries carry that
//! time and fixed owners and modes, lists are sorted. The wall-clock time of each download
//! is logged (and sent as the `X-Exported-At` header), outside the hashed content.
//! Nothing is cut: the bundle holds all of the evidence. Personal data follows the
//! exporter's permission through [`Guard`].

mod formats;
pub mod tar;

use crate::api::evidence::masked;
use crate::api::guard::{Action, Guard};
use crate::cases::{self, ItemKind, Snapshot};
use crate::detect::{Evidence, EvidenceNode};
use crate::error::{AppError, AppResult};
use crate::graph::{queries as q, Graph, Params};
use crate::model::{format_minor, Timestamp};
use formats::{Edge, Node, Record};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::time::Duration;

/// The manifest's `format`.
pub const FORMAT: &str = "collusion-investigator-evidence-bundle/1";

/// What to export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Finding { kind: ItemKind, id: String },
    Case(String),
}

impl Subject {
    /// `kind` is `ring`, `incident`, `insider`, `lineage` or `case`.
    pub fn parse(kind: &str, id: &str) -> AppResult<Self> {
        crate::api::check_id("id", id)?;
        if kind == "case" {
            return Ok(Subject::Case(id.to_string()));
        }
        match ItemKind::from_slug(kind) {
            Some(k) if k.is_finding() => Ok(Subject::Finding {
                kind: k,
                id: id.to_string(),
            }),
            _ => Err(AppError::bad_input(
                "kind",
                "must be ring, incident, insider, lineage or case",
            )),
        }
    }

    fn slug(&self) -> &'static str {
        match self {
            Subject::Finding { kind, .. } => kind.slug(),
            Subject::Case(_) => "case",
        }
    }

    fn id(&self) -> &str {
        match self {
            Subject::Finding { id, .. } | Subject::Case(id) => id,
        }
    }
}

/// A built bundle.
pub struct Bundle {
    /// `evidence-<kind>-<id>.tar`.
    pub file_name: String,
    pub bytes: Vec<u8>,
    /// SHA-256 of the whole tar, hex.
    pub sha256: String,
}

fn sha256_hex(data: &[u8]) -> String {
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn time(ms: i64) -> String {
    Timestamp(ms).rfc3339()
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FileEntry {
    name: &'static str,
    media_type: &'static str,
    bytes: usize,
    sha256: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    id: String,
    at: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Manifest {
    format: &'static str,
    subject: serde_json::Value,
    detection_runs: Vec<Run>,
    program: serde_json::Value,
    /// The time the bundle speaks for: the run's (finding) or the last change's (case).
    as_of: String,
    time_note: &'static str,
    exported_by: String,
    /// True only when every personal value is masked: free text is masked by a rule that
    /// cannot recognise every name (see `free_text_masking`).
    personal_data_masked: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    free_text_masking: Option<&'static str>,
    query: serde_json::Value,
    totals: serde_json::Value,
    truncated: bool,
    files: Vec<FileEntry>,
}

#[derive(Deserialize)]
struct RecordRow {
    id: String,
    label: String,
    name: Option<String>,
    role: Option<String>,
    at: Option<i64>,
    amount: Option<i64>,
    currency: Option<String>,
    rating: Option<i64>,
    kind: Option<String>,
    text: Option<String>,
    detail: Option<String>,
}

/// The records behind evidence nodes, masked for `guard`, by (label, raw id).
async fn records(
    graph: &Graph,
    guard: &Guard,
    nodes: &[EvidenceNode],
) -> AppResult<BTreeMap<(String, String), Record>> {
    let ids = |label: &str| -> Vec<String> {
        nodes
            .iter()
            .filter(|n| n.label == label)
            .map(|n| n.id.clone())
            .collect()
    };
    let p = Params::new()
        .with("accounts", ids("Account"))
        .with("shops", ids("Shop"))
        .with("reviews", ids("Review"))
        .with("payments", ids("Payment"))
        .with("messages", ids("Message"))
        .with("events", ids("ReviewEvent"));
    let rows: Vec<RecordRow> = graph
        .rows(&q::EXPORT_NODE_RECORDS, p, Duration::from_secs(60))
        .await?;
    let mut out = BTreeMap::new();
    for r in rows {
        let name = if r.label == "Account" {
            guard.name(r.name.as_deref())
        } else {
            r.name
        };
        out.insert(
            (r.label, r.id),
            Record {
                name,
                role: r.role,
                at: r.at.map(time),
                at_millis: r.at,
                amount: r.amount.map(format_minor),
                amount_minor: r.amount,
                currency: r.currency,
                rating: r.rating,
                kind: r.kind,
                text: guard.marketplace_text(r.text.as_deref()),
                detail: r.detail,
            },
        );
    }
    for n in nodes.iter().filter(|n| n.label == "Identifier") {
        let (kind, value) = n.id.split_once(':').unwrap_or(("", n.id.as_str()));
        out.insert(
            (n.label.clone(), n.id.clone()),
            Record {
                kind: Some(kind.to_string()),
                detail: Some(guard.identifier_value(value)),
                ..Record::default()
            },
        );
    }
    Ok(out)
}

/// Nodes and edges of `evidence` as bundles write them: masked, with records, sorted.
async fn graph_of(
    graph: &Graph,
    guard: &Guard,
    evidence: Evidence,
) -> AppResult<(Vec<Node>, Vec<Edge>, Vec<String>)> {
    let evidence = evidence.normalized();
    let raw_nodes = evidence.nodes.clone();
    let recs = records(graph, guard, &raw_nodes).await?;
    guard.resolve_names(graph).await;
    let m = masked(evidence, guard);
    let mut nodes: Vec<Node> = raw_nodes
        .iter()
        .zip(m.nodes)
        .map(|(raw, shown)| Node {
            record: recs.get(&(raw.label.clone(), raw.id.clone())).cloned(),
            id: shown.id,
            label: shown.label,
            caption: shown.caption,
        })
        .collect();
    nodes.sort_by(|a, b| (&a.label, &a.id).cmp(&(&b.label, &b.id)));
    let mut edges: Vec<Edge> = m
        .edges
        .into_iter()
        .map(|(id, e)| Edge {
            id,
            at: e.at.map(time),
            at_millis: e.at,
            amount: e.amount.map(format_minor),
            amount_minor: e.amount,
            kind: e.kind,
            from: e.from,
            to: e.to,
            record_id: e.record_id,
            currency: e.currency,
        })
        .collect();
    edges.sort_by(|a, b| {
        (a.at_millis, &a.kind, &a.from, &a.to, &a.id).cmp(&(
            b.at_millis,
            &b.kind,
            &b.from,
            &b.to,
            &b.id,
        ))
    });
    edges.dedup_by(|a, b| a.id == b.id);
    // The guard's boundary pass, as for a GraphQL response: any personal value it has seen
    // (names, identifier values) is masked wherever it appears, unless the viewer may unmask.
    let mut v = serde_json::to_value((&nodes, &edges, &m.reasons)).map_err(internal)?;
    guard.redact(&mut v);
    serde_json::from_value(v).map_err(internal)
}

fn internal(e: serde_json::Error) -> AppError {
    AppError::Internal(e.into())
}

/// Pretty JSON after the guard's boundary pass, with a final newline.
fn json_bytes<T: Serialize>(guard: &Guard, v: &T) -> AppResult<Vec<u8>> {
    let mut v = serde_json::to_value(v).map_err(internal)?;
    guard.redact(&mut v);
    let mut out = serde_json::to_vec_pretty(&v).map_err(internal)?;
    out.push(b'\n');
    Ok(out)
}

fn graphql_query(subject: &Subject) -> (&'static str, &'static [&'static str]) {
    match subject {
        Subject::Finding { kind: ItemKind::Ring, .. } => (
            "query($id: String!) { ring(id: $id) { id kind score reasons evidence { nodes { id label caption } edges { id kind from to recordId at amount currency } nodesTotal edgesTotal truncated } } }",
            &["ring_by_id", "finding_run", "export_node_records"],
        ),
        Subject::Finding { kind: ItemKind::Incident, .. } => (
            "query($id: String!) { extortionIncident(id: $id) { id confidence complete reasons evidence { nodes { id label caption } edges { id kind from to recordId at amount currency } nodesTotal edgesTotal truncated } } }",
            &["incident_by_id", "finding_run", "export_node_records"],
        ),
        Subject::Finding { kind: ItemKind::InsiderSuspect, .. } => (
            "query($id: String!) { insiderSuspect(employeeId: $id) { score reasons evidence { nodes { id label caption } edges { id kind from to recordId at amount currency } nodesTotal edgesTotal truncated } } }",
            &["insider_suspect_of", "finding_run", "export_node_records"],
        ),
        Subject::Finding { .. } => (
            "query($id: String!) { agentLineage(accountId: $id) { start accounts { account { id } role depth } evidence { nodes { id label caption } edges { id kind from to recordId at amount currency } } truncated } }",
            &["lineage_start", "lineage_ties", "lineage_reviews", "lineage_owned_shops", "export_node_records"],
        ),
        Subject::Case(_) => (
            "query($id: String!) { case(id: $id) { id title status items { kind refId summary runId } history { at by action detail } } }",
            &["case_by_id", "case_snapshots", "case_notes", "case_events", "export_node_records"],
        ),
    }
}

struct Content {
    title: String,
    summary: String,
    as_of: i64,
    runs: Vec<Run>,
    evidence_json: serde_json::Value,
    case_json: Option<serde_json::Value>,
    nodes: Vec<Node>,
    edges: Vec<Edge>,
}

async fn finding_content(graph: &Graph, guard: &Guard, s: Snapshot) -> AppResult<Content> {
    let as_of = s
        .run_at
        .or_else(|| s.evidence.edges.iter().filter_map(|e| e.at).max())
        .unwrap_or(0);
    let (nodes, edges, reasons) = graph_of(graph, guard, s.evidence).await?;
    let runs = s
        .run_id
        .iter()
        .map(|id| Run {
            id: id.clone(),
            at: s.run_at.map(time),
        })
        .collect();
    let evidence_json = json!({
        "subject": {"kind": s.kind, "id": s.id},
        "summary": s.summary,
        "score": s.score,
        "members": s.members,
        "facts": s.facts,
        "reasons": reasons,
        "totals": {"nodes": nodes.len(), "edges": edges.len()},
        "truncated": false,
        "nodes": nodes,
        "edges": edges,
    });
    Ok(Content {
        title: format!("{} {}", s.kind, s.id),
        summary: s.summary,
        as_of,
        runs,
        evidence_json,
        case_json: None,
        nodes,
        edges,
    })
}

async fn case_content(graph: &Graph, guard: &Guard, id: &str) -> AppResult<Content> {
    let case = cases::get(graph, id)
        .await?
        .ok_or_else(|| AppError::NotFound {
            kind: "case",
            id: id.to_string(),
        })?;
    let stored = cases::snapshots(graph, id).await?;
    if !guard.identity().unmask {
        let s = cases::case_subjects(graph, id).await?;
        guard.register_subjects(
            s.names.iter().map(String::as_str),
            s.keys.iter().map(String::as_str),
        );
    }
    // analysts' text, by its author (`Guard::typed_text`)
    let text = |by: Option<&str>, t: Option<&str>| guard.typed_text(by, t);
    let by_creator = Some(case.created_by.as_str());
    let notes = cases::all_notes(graph, id).await?;
    let history = cases::events(graph, id).await?;
    let mut merged = Evidence::default();
    let mut findings = Vec::new();
    let mut runs: BTreeMap<String, Option<i64>> = BTreeMap::new();
    for item in &stored {
        match item.decode()? {
            Some(s) => {
                if let Some(r) = &s.run_id {
                    runs.insert(r.clone(), s.run_at);
                }
                let fm = masked(
                    Evidence {
                        reasons: s.reasons.clone(),
                        ..s.evidence.clone()
                    },
                    guard,
                );
                let mut edge_ids: Vec<String> = fm.edges.iter().map(|(i, _)| i.clone()).collect();
                edge_ids.sort();
                edge_ids.dedup();
                findings.push(json!({
                    "kind": s.kind, "id": s.id, "summary": s.summary, "score": s.score,
                    "runId": s.run_id, "runAt": s.run_at.map(time), "members": s.members,
                    "facts": s.facts, "reasons": fm.reasons, "edgeIds": edge_ids,
                }));
                merged.merge(Evidence {
                    reasons: Vec::new(),
                    ..s.evidence
                });
            }
            None => {
                let label = match ItemKind::parse(&item.kind) {
                    Some(ItemKind::Shop) => "Shop",
                    _ => "Account",
                };
                merged.node(item.reference.clone(), label, Some("attached".into()));
            }
        }
    }
    let (nodes, edges, _) = graph_of(graph, guard, merged).await?;
    let evidence_json = json!({
        "subject": {"kind": "CASE", "id": case.id},
        "summary": text(by_creator, Some(&case.title)),
        "findings": findings,
        "totals": {"nodes": nodes.len(), "edges": edges.len()},
        "truncated": false,
        "nodes": nodes,
        "edges": edges,
    });
    let case_json = json!({
        "id": case.id, "title": text(by_creator, Some(&case.title)), "status": case.status,
        "dismissReason": text(case.reason_by.as_deref(), case.reason.as_deref()),
        "assignee": text(case.assignee_by.as_deref(), case.assignee.as_deref()),
        "createdAt": time(case.created_at), "createdBy": case.created_by,
        "updatedAt": time(case.updated_at),
        "items": case.items.iter().map(|i| json!({
            "kind": i.kind, "refId": i.reference, "summary": i.summary, "score": i.score,
            "runId": i.run_id, "members": i.members, "addedAt": time(i.added_at), "addedBy": i.added_by,
        })).collect::<Vec<_>>(),
        "notes": notes.iter().map(|n| json!({
            "id": n.id, "author": n.author, "at": time(n.at),
            "text": text(Some(&n.author), Some(&n.text)),
        })).collect::<Vec<_>>(),
        "history": history.iter().map(|e| json!({
            "at": time(e.at), "by": e.by, "action": e.action, "detail": text(Some(&e.by), e.detail.as_deref()),
        })).collect::<Vec<_>>(),
    });
    Ok(Content {
        title: format!("case {}", case.id),
        summary: text(by_creator, Some(&case.title)).unwrap_or_default(),
        as_of: case.updated_at,
        runs: runs
            .into_iter()
            .map(|(id, at)| Run {
                id,
                at: at.map(time),
            })
            .collect(),
        evidence_json,
        case_json: Some(case_json),
        nodes,
        edges,
    })
}

/// What the manifest says of masked free text (the guard's free-text rule and its limit).
const FREE_TEXT_MASKING: &str = "free text (titles, notes, reasons, reviews, messages, memos) is masked by rule: identifier values and names of the accounts it is about or the bundle shows, phone and card numbers, IP and e-mail addresses, identifier keys, and in reviews, messages and memos the name of any account in the store; a name of anyone else typed in a title, note or reason is not recognised";

/// Builds the bundle of `subject` as `guard`'s viewer may see it. Authorizes
/// [`Action::Export`] first. `NOT_FOUND` when the finding or case does not exist.
pub async fn export(
    graph: &Graph,
    guard: &Guard,
    subject: &Subject,
    lineage_limit: Duration,
) -> AppResult<Bundle> {
    guard.authorize(Action::Export)?;
    let content = match subject {
        Subject::Finding { kind, id } => {
            let resolved = cases::resolve(graph, *kind, id, lineage_limit).await?;
            let snapshot = resolved
                .snapshot
                .ok_or_else(|| AppError::bad_input("kind", "only findings and cases export"))?;
            finding_content(graph, guard, snapshot).await?
        }
        Subject::Case(id) => case_content(graph, guard, id).await?,
    };
    let mut files: Vec<(&'static str, &'static str, Vec<u8>)> = vec![(
        "evidence.json",
        "application/json",
        json_bytes(guard, &content.evidence_json)?,
    )];
    if let Some(c) = &content.case_json {
        files.push(("case.json", "application/json", json_bytes(guard, c)?));
    }
    files.push(("nodes.csv", "text/csv", formats::nodes_csv(&content.nodes)));
    files.push(("edges.csv", "text/csv", formats::edges_csv(&content.edges)));
    files.push((
        "graph.graphml",
        "application/graphml+xml",
        formats::graphml(&content.title, &content.nodes, &content.edges),
    ));
    let (graphql, cypher) = graphql_query(subject);
    let canonical_id = content.evidence_json["subject"]["id"]
        .as_str()
        .unwrap_or(subject.id())
        .to_string();
    let manifest = Manifest {
        format: FORMAT,
        subject: json!({"kind": subject.slug(), "id": canonical_id, "summary": content.summary}),
        detection_runs: content.runs,
        program: json!({"name": "investigator", "version": env!("CARGO_PKG_VERSION")}),
        as_of: time(content.as_of),
        time_note: "asOf is the detection run's time (a finding) or the case's last change (a case), so the same export twice is byte-identical; each download's wall-clock time is in the server log and the X-Exported-At header",
        exported_by: guard.actor().to_string(),
        personal_data_masked: !guard.identity().unmask && !guard.shows_free_text(),
        free_text_masking: (!guard.identity().unmask && guard.shows_free_text())
            .then_some(FREE_TEXT_MASKING),
        query: json!({
            "graphql": graphql,
            "variables": {"id": canonical_id},
            "http": format!("GET /export/{}/{}", subject.slug(), canonical_id),
            "cli": format!("investigator export {} {}", subject.slug(), canonical_id),
            "cypher": cypher,
        }),
        totals: json!({"nodes": content.nodes.len(), "edges": content.edges.len()}),
        truncated: false,
        files: files
            .iter()
            .map(|(name, media_type, data)| FileEntry {
                name,
                media_type,
                bytes: data.len(),
                sha256: sha256_hex(data),
            })
            .collect(),
    };
    let manifest_bytes = json_bytes(guard, &manifest)?;
    let mut sums = format!("{}  manifest.json\n", sha256_hex(&manifest_bytes));
    for (name, _, data) in &files {
        sums.push_str(&format!("{}  {name}\n", sha256_hex(data)));
    }
    let mtime = content.as_of.div_euclid(1000);
    let mut out = Vec::new();
    tar::append(&mut out, "manifest.json", &manifest_bytes, mtime);
    for (name, _, data) in &files {
        tar::append(&mut out, name, data, mtime);
    }
    tar::append(&mut out, "SHA256SUMS", sums.as_bytes(), mtime);
    tar::finish(&mut out);
    let safe: String = canonical_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let sha256 = sha256_hex(&out);
    tracing::info!(
        principal = %guard.actor(),
        subject = subject.slug(),
        id = %canonical_id,
        masked = !guard.identity().unmask,
        sha256 = %sha256,
        bytes = out.len(),
        "evidence bundle exported"
    );
    Ok(Bundle {
        file_name: format!("evidence-{}-{safe}.tar", subject.slug()),
        bytes: out,
        sha256,
    })
}

/// Names of the files a bundle of this subject holds, in order (for documentation and tests).
pub fn file_names(case: bool) -> Vec<&'static str> {
    let mut v = vec!["manifest.json", "evidence.json"];
    if case {
        v.push("case.json");
    }
    v.extend(["nodes.csv", "edges.csv", "graph.graphml", "SHA256SUMS"]);
    v
}
