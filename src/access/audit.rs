//! The audit log: one append-only entry per API request (and per CLI export), chained by
//! hashes so that an edited, deleted or reordered entry is detected by
//! `investigator audit verify`. Entries live in Neo4j (`AuditEntry`, `AuditHead`), written by
//! one task per server process that commits whatever requests are waiting in one transaction
//! (group commit) under the head's lock, so processes sharing a database extend one chain.
//! The writer remembers where it left the head: while no other process has moved it, a group
//! is appended in one auto-commit statement (one round trip instead of four); otherwise it
//! reads the head under its lock in a transaction.
//! A request's response is held until its entry is committed: no read goes unrecorded.

use super::now_ms;
use crate::graph::{queries as q, Graph, GraphError, Params, Row};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// Most entries committed in one transaction.
const MAX_GROUP: usize = 500;
/// The longest one append may take before the requests waiting on it are refused.
const COMMIT_LIMIT: Duration = Duration::from_secs(10);

/// The entry format written now. Format 1 entries (before token ids and documents were
/// recorded) keep their own hash formula, so the chain written before still verifies.
pub const FORMAT: i64 = 2;

/// What a request did, before it is numbered and chained.
#[derive(Debug, Clone, Default)]
pub struct Record {
    /// The token name (or `cli:<user>`).
    pub actor: String,
    /// The token's id (`tok-…`), or `cli`: names are not unique over time.
    pub token_id: String,
    pub request_id: String,
    /// What the server ran: the operation type and root fields by schema name
    /// (`query account,case`), a route (`GET /export/ring/…`) or a command (`cli: token create`).
    pub operation: String,
    /// The operation name the client chose (client-supplied: it proves nothing).
    pub client_operation_name: String,
    /// The GraphQL document, masked like the variables (see `http::audited` for long ones).
    pub document: String,
    /// SHA-256 of the whole masked document (empty without one).
    pub document_sha256: String,
    /// The request's variables as JSON, masked as the caller saw them.
    pub variables: String,
    /// What was returned: `{"ids": [...], "total": n}` as JSON.
    pub entities: String,
    pub duration_ms: i64,
    /// `ok`, or `error:` and the error codes (`error:FORBIDDEN`).
    pub outcome: String,
    /// Raw personal data was returned (the caller holds `unmask`).
    pub unmasked: bool,
}

/// A stored, chained entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// The entry format (absent, so 1, on entries written before format 2).
    #[serde(default = "format_1")]
    pub format: i64,
    pub seq: i64,
    /// Epoch milliseconds.
    pub at: i64,
    pub actor: String,
    #[serde(default)]
    pub token_id: String,
    pub request_id: String,
    pub operation: String,
    #[serde(default)]
    pub client_operation_name: String,
    #[serde(default)]
    pub document: String,
    #[serde(default)]
    pub document_sha256: String,
    pub variables: String,
    pub entities: String,
    pub duration_ms: i64,
    pub outcome: String,
    pub unmasked: bool,
    pub prev_hash: String,
    pub hash: String,
}

fn format_1() -> i64 {
    1
}

impl Entry {
    fn chain(seq: i64, at: i64, r: Record, prev_hash: &str) -> Entry {
        let mut e = Entry {
            format: FORMAT,
            seq,
            at,
            actor: r.actor,
            token_id: r.token_id,
            request_id: r.request_id,
            operation: r.operation,
            client_operation_name: r.client_operation_name,
            document: r.document,
            document_sha256: r.document_sha256,
            variables: r.variables,
            entities: r.entities,
            duration_ms: r.duration_ms,
            outcome: r.outcome,
            unmasked: r.unmasked,
            prev_hash: prev_hash.to_string(),
            hash: String::new(),
        };
        e.hash = e.expected_hash();
        e
    }

    /// SHA-256 over the previous hash and every field, as a JSON array (unambiguous). Format 2
    /// appends its format and its new fields, so stripping them from an entry breaks its hash.
    pub fn expected_hash(&self) -> String {
        let mut canonical = serde_json::json!([
            self.prev_hash,
            self.seq,
            self.at,
            self.actor,
            self.request_id,
            self.operation,
            self.variables,
            self.entities,
            self.duration_ms,
            self.outcome,
            self.unmasked,
        ]);
        if self.format != 1 {
            let added: [serde_json::Value; 5] = [
                self.format.into(),
                self.token_id.as_str().into(),
                self.client_operation_name.as_str().into(),
                self.document.as_str().into(),
                self.document_sha256.as_str().into(),
            ];
            canonical.as_array_mut().expect("an array").extend(added);
        }
        super::sha256_hex(canonical.to_string().as_bytes())
    }

    fn row(&self) -> Row {
        Row::new()
            .set("format", self.format)
            .set("seq", self.seq)
            .set("at", self.at)
            .set("actor", self.actor.as_str())
            .set("tokenId", self.token_id.as_str())
            .set("requestId", self.request_id.as_str())
            .set("operation", self.operation.as_str())
            .set("clientOperationName", self.client_operation_name.as_str())
            .set("document", self.document.as_str())
            .set("documentSha256", self.document_sha256.as_str())
            .set("variables", self.variables.as_str())
            .set("entities", self.entities.as_str())
            .set("durationMs", self.duration_ms)
            .set("outcome", self.outcome.as_str())
            .set("unmasked", self.unmasked)
            .set("prevHash", self.prev_hash.as_str())
            .set("hash", self.hash.as_str())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("the audit log could not be written: {0}")]
    Write(String),
    #[error("the audit writer has stopped")]
    Stopped,
}

struct Pending {
    record: Record,
    done: oneshot::Sender<Result<i64, String>>,
}

/// The handle requests append through (cheap to clone).
#[derive(Clone)]
pub struct AuditLog {
    tx: mpsc::Sender<Pending>,
}

impl AuditLog {
    /// Starts this process's writer task.
    pub fn start(graph: Graph) -> Self {
        let (tx, rx) = mpsc::channel(10_000);
        tokio::spawn(writer(graph, rx));
        AuditLog { tx }
    }

    /// Appends one entry and waits until it is committed; returns its sequence number.
    pub async fn append(&self, record: Record) -> Result<i64, AuditError> {
        let (done, wait) = oneshot::channel();
        self.tx
            .send(Pending { record, done })
            .await
            .map_err(|_| AuditError::Stopped)?;
        wait.await
            .map_err(|_| AuditError::Stopped)?
            .map_err(AuditError::Write)
    }
}

async fn writer(graph: Graph, mut rx: mpsc::Receiver<Pending>) {
    let mut known: Option<Head> = None;
    while let Some(first) = rx.recv().await {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match rx.try_recv() {
                Ok(p) => group.push(p),
                Err(_) => break,
            }
        }
        let records: Vec<Record> = group.iter().map(|p| p.record.clone()).collect();
        let result = commit_with_retry(&graph, records, &mut known).await;
        for (i, p) in group.into_iter().enumerate() {
            let outcome = match &result {
                Ok(first_seq) => Ok(first_seq + i as i64),
                Err(e) => Err(e.clone()),
            };
            let _ = p.done.send(outcome);
        }
    }
}

async fn commit_with_retry(
    graph: &Graph,
    records: Vec<Record>,
    known: &mut Option<Head>,
) -> Result<i64, String> {
    let mut delay = Duration::from_millis(20);
    for attempt in 1.. {
        let attempt_result =
            tokio::time::timeout(COMMIT_LIMIT, append_group(graph, records.clone(), known))
                .await
                .unwrap_or_else(|_| {
                    Err(GraphError::Timeout {
                        query: q::AUDIT_APPEND.name.into(),
                        millis: COMMIT_LIMIT.as_millis() as u64,
                    })
                });
        match attempt_result {
            Ok(seq) => return Ok(seq),
            Err(e) if attempt < 3 && e.is_unavailable() => {
                tracing::warn!(error = %e, attempt, "audit append failed; retrying");
                tokio::time::sleep(delay).await;
                delay *= 4;
            }
            Err(e) => {
                tracing::error!(error = %e, "audit append failed; the requests are refused");
                return Err(e.to_string());
            }
        }
    }
    unreachable!()
}

/// Where the chain ends: the last entry's sequence number and hash.
#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Head {
    seq: i64,
    hash: String,
}

/// Entries for `records` chained after `head`, and the head they make.
fn chain_after(head: &Head, records: Vec<Record>) -> (Vec<Row>, Head) {
    let (mut seq, mut hash) = (head.seq, head.hash.clone());
    let at = now_ms();
    let mut rows = Vec::with_capacity(records.len());
    for r in records {
        seq += 1;
        let e = Entry::chain(seq, at, r, &hash);
        hash = e.hash.clone();
        rows.push(e.row());
    }
    (rows, Head { seq, hash })
}

/// Appends one group; returns the first sequence number. `known` is where this process last
/// left the head: when the head is still there, one statement appends (and checks that under
/// the head's lock); when another process moved it, or on first use, the locked transaction.
async fn append_group(
    graph: &Graph,
    records: Vec<Record>,
    known: &mut Option<Head>,
) -> Result<i64, GraphError> {
    if let Some(head) = known.take() {
        let first = head.seq + 1;
        let (rows, new_head) = chain_after(&head, records.clone());
        let params = Params::new()
            .with("now", now_ms())
            .with("prevSeq", head.seq)
            .with("prevHash", head.hash.as_str())
            .with_rows("entries", rows)
            .with("seq", new_head.seq)
            .with("hash", new_head.hash.as_str());
        let got: Option<Head> = graph
            .row(&q::AUDIT_APPEND_IF_HEAD, params, COMMIT_LIMIT)
            .await?;
        if got.as_ref() == Some(&new_head) {
            *known = Some(new_head);
            return Ok(first);
        }
        tracing::debug!("audit head moved by another process; appending under its lock");
    }
    let (first, new_head) = commit_locked(graph, records).await?;
    *known = Some(new_head);
    Ok(first)
}

/// Appends `records` in one transaction that locks the head first; returns the first sequence
/// number and the new head.
async fn commit_locked(graph: &Graph, records: Vec<Record>) -> Result<(i64, Head), GraphError> {
    let mut txn = graph.begin_write(q::AUDIT_HEAD.name).await?;
    let head: Vec<Head> = txn
        .rows(&q::AUDIT_HEAD, Params::new().with("now", now_ms()))
        .await?;
    let head = head.into_iter().next().unwrap_or(Head {
        seq: 0,
        hash: String::new(),
    });
    let first = head.seq + 1;
    let (rows, new_head) = chain_after(&head, records);
    let _: Vec<serde_json::Value> = txn
        .rows(
            &q::AUDIT_APPEND,
            Params::new()
                .with_rows("entries", rows)
                .with("seq", new_head.seq)
                .with("hash", new_head.hash.as_str()),
        )
        .await?;
    txn.commit().await?;
    tracing::debug!(head_seq = new_head.seq, head_hash = %new_head.hash, "audit entries committed");
    Ok((first, new_head))
}

/// Filters for [`list`].
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub actor: Option<String>,
    pub operation: Option<String>,
}

pub async fn list(
    graph: &Graph,
    f: &Filter,
    skip: i64,
    limit: i64,
) -> Result<Vec<Entry>, GraphError> {
    #[derive(Deserialize)]
    struct R {
        entry: Entry,
    }
    let rows: Vec<R> = graph
        .rows(
            &q::AUDIT_LIST,
            Params::new()
                .with("from", f.from)
                .with("to", f.to)
                .with("actor", f.actor.as_deref())
                .with("operation", f.operation.as_deref())
                .with("skip", skip)
                .with("limit", limit),
            Duration::from_secs(10),
        )
        .await?;
    Ok(rows.into_iter().map(|r| r.entry).collect())
}

/// The outcome of checking the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Every entry's hash matches its content and its predecessor, the sequence has no gap,
    /// and the head points at the last entry.
    Intact { entries: u64, head_hash: String },
    /// The first entry found wrong, and why.
    Broken { seq: i64, reason: String },
}

/// Walks the whole chain from the first entry.
pub async fn verify(graph: &Graph) -> Result<Verdict, GraphError> {
    #[derive(Deserialize)]
    struct R {
        entry: Entry,
    }
    let mut expected_seq = 1i64;
    let mut prev = String::new();
    let mut broken: Option<(i64, String)> = None;
    graph
        .for_each_row(&q::AUDIT_CHAIN, Params::new(), |r: R| {
            if broken.is_some() {
                return;
            }
            let e = r.entry;
            if e.seq != expected_seq {
                broken = Some((
                    expected_seq,
                    format!("entry {expected_seq} is missing (next is {})", e.seq),
                ));
            } else if e.prev_hash != prev {
                broken = Some((
                    e.seq,
                    "its previous-hash does not match the entry before it".into(),
                ));
            } else if e.hash != e.expected_hash() {
                broken = Some((e.seq, "its content does not match its hash (edited)".into()));
            }
            prev = e.hash;
            expected_seq += 1;
        })
        .await?;
    if let Some((seq, reason)) = broken {
        return Ok(Verdict::Broken { seq, reason });
    }
    let head: Option<Head> = graph
        .row(&q::AUDIT_HEAD_READ, Params::new(), Duration::from_secs(10))
        .await?;
    let head = head.unwrap_or(Head {
        seq: 0,
        hash: String::new(),
    });
    let entries = expected_seq - 1;
    if head.seq != entries || head.hash != prev {
        return Ok(Verdict::Broken {
            seq: head.seq.max(entries),
            reason: format!(
                "the head says {} entries but the chain holds {entries} (entries removed from the end?)",
                head.seq
            ),
        });
    }
    Ok(Verdict::Intact {
        entries: entries as u64,
        head_hash: prev,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(op: &str) -> Record {
        Record {
            actor: "alice".into(),
            operation: op.into(),
            outcome: "ok".into(),
            ..Record::default()
        }
    }

    #[test]
    fn each_hash_covers_the_content_and_the_previous_hash() {
        let a = Entry::chain(1, 10, record("account"), "");
        let b = Entry::chain(2, 11, record("rings"), &a.hash);
        assert_eq!(b.prev_hash, a.hash);
        assert_eq!(b.hash, b.expected_hash());
        let mut edited = b.clone();
        edited.actor = "mallory".into();
        assert_ne!(edited.expected_hash(), b.hash);
        let relinked = Entry::chain(2, 11, record("rings"), "forged");
        assert_ne!(relinked.hash, b.hash);
        let mut other_token = b.clone();
        other_token.token_id = "tok-other".into();
        assert_ne!(other_token.expected_hash(), b.hash);
    }

    #[test]
    fn format_1_entries_keep_their_hash_and_cannot_be_passed_off_as_format_2() {
        // An entry as stored before format 2: no format, token id or document.
        let stored = serde_json::json!({"seq": 1, "at": 10, "actor": "alice", "requestId": "r",
            "operation": "Look", "variables": "{}", "entities": "{}", "durationMs": 3,
            "outcome": "ok", "unmasked": false, "prevHash": "", "hash": ""});
        let mut old: Entry = serde_json::from_value(stored).unwrap();
        assert_eq!(old.format, 1);
        // The formula format 1 entries were written with.
        let v1 = serde_json::json!(["", 1, 10, "alice", "r", "Look", "{}", "{}", 3, "ok", false]);
        old.hash = super::super::sha256_hex(v1.to_string().as_bytes());
        assert_eq!(old.expected_hash(), old.hash);
        // A format 2 entry relabelled as format 1 (its new fields dropped) no longer matches.
        let mut new = Entry::chain(1, 10, record("Look"), "");
        new.format = 1;
        assert_ne!(new.expected_hash(), new.hash);
    }
}
