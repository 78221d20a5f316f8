//! Reading and writing cases. Every change is one Cypher statement (one transaction) that
//! also appends a `CaseEvent` (who, when, what) to the case's history.

use super::{new_id, signature, ItemKind, Resolved, Snapshot, Status};
use crate::error::{AppError, AppResult};
use crate::graph::read::Slice;
use crate::graph::{queries as q, Graph, Params, Row};
use serde::Deserialize;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(30);

/// A stored case (items without their snapshots).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Case {
    pub id: String,
    pub title: String,
    pub status: String,
    /// Why it was dismissed.
    pub reason: Option<String>,
    pub assignee: Option<String>,
    /// Who wrote `reason` and `assignee` (absent on cases from before it was recorded).
    #[serde(default)]
    pub reason_by: Option<String>,
    #[serde(default)]
    pub assignee_by: Option<String>,
    pub created_at: i64,
    pub created_by: String,
    pub updated_at: i64,
    /// How many notes it has.
    pub notes: i64,
    pub items: Vec<Item>,
}

/// A finding or entity attached to a case.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Item {
    pub id: String,
    pub kind: String,
    /// The finding's or entity's id.
    #[serde(rename = "ref")]
    pub reference: String,
    pub signature: Option<String>,
    pub members: Vec<String>,
    pub run_id: Option<String>,
    pub score: Option<f64>,
    pub summary: String,
    pub added_at: i64,
    pub added_by: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Note {
    pub id: String,
    pub author: String,
    pub at: i64,
    pub text: String,
}

/// One change in a case's history.
#[derive(Debug, Clone, Deserialize)]
pub struct Event {
    pub id: String,
    pub at: i64,
    pub by: String,
    /// `opened`, `attached`, `noted`, `status`, `assigned`.
    pub action: String,
    pub detail: Option<String>,
}

/// A dismissed group: the case that dismissed it, why, who, when.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Dismissal {
    pub signature: String,
    pub case_id: String,
    pub reason: Option<String>,
    pub at: i64,
    pub by: String,
}

/// A stored snapshot of an attached item.
#[derive(Debug, Clone, Deserialize)]
pub struct StoredSnapshot {
    pub id: String,
    pub kind: String,
    #[serde(rename = "ref")]
    pub reference: String,
    pub snapshot: Option<String>,
}

impl StoredSnapshot {
    pub fn decode(&self) -> AppResult<Option<Snapshot>> {
        self.snapshot
            .as_deref()
            .map(|s| {
                serde_json::from_str(s).map_err(|e| {
                    AppError::Internal(anyhow::anyhow!(
                        "case item {}: stored snapshot does not decode: {e}",
                        self.id
                    ))
                })
            })
            .transpose()
    }
}

/// Filters of [`list`] (None = any).
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub status: Option<Status>,
    pub assignee: Option<String>,
    /// An attached finding or entity id.
    pub reference: Option<String>,
}

fn item_row(case_id: &str, r: &Resolved, at: i64, by: &str) -> AppResult<Row> {
    let snapshot = r
        .snapshot
        .as_ref()
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| AppError::Internal(e.into()))?;
    let sig = r.kind.is_finding().then(|| signature(r.kind, &r.members));
    let snap: Option<&Snapshot> = r.snapshot.as_ref();
    Ok(Row::new()
        .set("id", format!("{case_id}/{}/{}", r.kind.as_str(), r.id))
        .set("caseId", case_id)
        .set("kind", r.kind.as_str())
        .set("ref", r.id.as_str())
        .set("signature", sig)
        .set("members", r.members.clone())
        .set("runId", snap.and_then(|s| s.run_id.clone()))
        .set("score", snap.and_then(|s| s.score))
        .set("summary", r.summary.as_str())
        .set("snapshot", snapshot)
        .set("addedAt", at)
        .set("addedBy", by))
}

fn detail(r: &Resolved) -> String {
    format!("{} {}", r.kind.as_str(), r.id)
}

/// Opens a case holding `first`; returns its id.
pub async fn open(
    graph: &Graph,
    title: &str,
    assignee: Option<&str>,
    first: &Resolved,
    by: &str,
    at: i64,
) -> AppResult<String> {
    let id = new_id("case");
    let p = Params::new()
        .with("id", id.as_str())
        .with("title", title)
        .with("assignee", assignee)
        .with("at", at)
        .with("by", by)
        .with("eventId", new_id("event"))
        .with("detail", detail(first))
        .with("item", item_row(&id, first, at, by)?);
    graph.run(&q::CASE_CREATE, p).await?;
    Ok(id)
}

#[derive(Deserialize)]
struct AttachRow {
    found: bool,
    created: bool,
}

/// Attaches `item` to a case; false when it was already attached.
pub async fn attach(
    graph: &Graph,
    case_id: &str,
    item: &Resolved,
    by: &str,
    at: i64,
) -> AppResult<bool> {
    let p = Params::new()
        .with("caseId", case_id)
        .with("at", at)
        .with("by", by)
        .with("eventId", new_id("event"))
        .with("detail", detail(item))
        .with("item", item_row(case_id, item, at, by)?);
    let row: Option<AttachRow> = graph.row(&q::CASE_ATTACH, p, LIMIT).await?;
    match row {
        Some(r) if r.found => Ok(r.created),
        _ => Err(not_found(case_id)),
    }
}

fn not_found(id: &str) -> AppError {
    AppError::NotFound {
        kind: "case",
        id: id.to_string(),
    }
}

/// Adds a note by `by`.
pub async fn note(graph: &Graph, case_id: &str, text: &str, by: &str, at: i64) -> AppResult<Note> {
    let p = Params::new()
        .with("caseId", case_id)
        .with("noteId", new_id("note"))
        .with("eventId", new_id("event"))
        .with("at", at)
        .with("by", by)
        .with("text", text);
    graph
        .row(&q::CASE_NOTE, p, LIMIT)
        .await?
        .ok_or_else(|| not_found(case_id))
}

#[derive(Deserialize)]
struct IdRow {
    #[allow(dead_code)]
    id: String,
}

/// Sets the status; `reason` is kept only for `Dismissed` (and required there, by the API).
pub async fn set_status(
    graph: &Graph,
    case_id: &str,
    status: Status,
    reason: Option<&str>,
    by: &str,
    at: i64,
) -> AppResult<()> {
    let reason = if status == Status::Dismissed {
        reason
    } else {
        None
    };
    let detail = match reason {
        Some(r) => format!("{}: {r}", status.as_str()),
        None => status.as_str().to_string(),
    };
    let p = Params::new()
        .with("caseId", case_id)
        .with("status", status.as_str())
        .with("reason", reason)
        .with("at", at)
        .with("by", by)
        .with("eventId", new_id("event"))
        .with("detail", detail);
    let row: Option<IdRow> = graph.row(&q::CASE_SET_STATUS, p, LIMIT).await?;
    row.map(|_| ()).ok_or_else(|| not_found(case_id))
}

/// Assigns the case (None: to nobody).
pub async fn assign(
    graph: &Graph,
    case_id: &str,
    assignee: Option<&str>,
    by: &str,
    at: i64,
) -> AppResult<()> {
    let p = Params::new()
        .with("caseId", case_id)
        .with("assignee", assignee)
        .with("at", at)
        .with("by", by)
        .with("eventId", new_id("event"));
    let row: Option<IdRow> = graph.row(&q::CASE_ASSIGN, p, LIMIT).await?;
    row.map(|_| ()).ok_or_else(|| not_found(case_id))
}

pub async fn get(graph: &Graph, id: &str) -> AppResult<Option<Case>> {
    Ok(graph
        .row(&q::CASE_BY_ID, Params::new().with("id", id), LIMIT)
        .await?)
}

/// Cases matching `filter`, most recently changed first.
pub async fn list(graph: &Graph, filter: &CaseFilter, slice: Slice) -> AppResult<Vec<Case>> {
    let p = Params::new()
        .with("status", filter.status.map(|s| s.as_str().to_string()))
        .with("assignee", filter.assignee.clone())
        .with("ref", filter.reference.clone())
        .with("skip", slice.skip)
        .with("limit", slice.limit);
    Ok(graph.rows(&q::CASES_LIST, p, LIMIT).await?)
}

/// A page of a case's notes, oldest first.
pub async fn notes(graph: &Graph, id: &str, slice: Slice) -> AppResult<Vec<Note>> {
    let p = Params::new()
        .with("id", id)
        .with("skip", slice.skip)
        .with("limit", slice.limit);
    Ok(graph.rows(&q::CASE_NOTES, p, LIMIT).await?)
}

/// Every note of a case (for its bundle).
pub async fn all_notes(graph: &Graph, id: &str) -> AppResult<Vec<Note>> {
    notes(
        graph,
        id,
        Slice {
            skip: 0,
            limit: i64::MAX,
        },
    )
    .await
}

/// A case's history, oldest first.
pub async fn events(graph: &Graph, id: &str) -> AppResult<Vec<Event>> {
    Ok(graph
        .rows(&q::CASE_EVENTS, Params::new().with("id", id), LIMIT)
        .await?)
}

/// Snapshots of a case's items, oldest first.
pub async fn snapshots(graph: &Graph, id: &str) -> AppResult<Vec<StoredSnapshot>> {
    Ok(graph
        .rows(&q::CASE_SNAPSHOTS, Params::new().with("id", id), LIMIT)
        .await?)
}

/// Names and identifier keys of what free text is about, for the guard to mask in it.
#[derive(Debug, Default)]
pub struct Subjects {
    pub names: Vec<String>,
    pub keys: Vec<String>,
}

#[derive(Deserialize)]
struct SubjectRow {
    name: Option<String>,
    keys: Vec<String>,
}

/// The subjects of a case: its items' members and attached accounts, and the accounts and
/// identifiers in their snapshots' evidence.
pub async fn case_subjects(graph: &Graph, id: &str) -> AppResult<Subjects> {
    let mut ids = std::collections::BTreeSet::from([id.to_string()]);
    let mut keys = Vec::new();
    for item in snapshots(graph, id).await? {
        for n in item.decode()?.map(|s| s.evidence.nodes).unwrap_or_default() {
            if n.label == "Account" {
                ids.insert(n.id);
            } else if n.label == "Identifier" {
                keys.push(n.id);
            }
        }
    }
    let mut found = subjects(graph, ids.into_iter().collect()).await?;
    found.keys.extend(keys);
    Ok(found)
}

/// Names and identifier keys of these accounts, and of the accounts of these cases.
pub async fn subjects(graph: &Graph, accounts: Vec<String>) -> AppResult<Subjects> {
    let rows: Vec<SubjectRow> = graph
        .rows(
            &q::CASE_SUBJECTS,
            Params::new().with("ids", accounts),
            LIMIT,
        )
        .await?;
    let mut out = Subjects::default();
    for r in rows {
        out.names.extend(r.name);
        out.keys.extend(r.keys);
    }
    Ok(out)
}

/// The newest dismissal of a finding of `kind` with these members, if any.
pub async fn dismissal_of(
    graph: &Graph,
    kind: ItemKind,
    members: &[String],
) -> AppResult<Option<Dismissal>> {
    let sig = signature(kind, members);
    let rows: Vec<Dismissal> = graph
        .rows(
            &q::DISMISSALS_OF,
            Params::new().with("signatures", vec![sig]),
            LIMIT,
        )
        .await?;
    Ok(rows.into_iter().next())
}
