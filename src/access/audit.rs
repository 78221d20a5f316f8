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

/// What a request did, before it is numbered and chained.
#[derive(Debug, Clone, Default)]
pub struct Record {
    /// The token name (or `cli:<command>`).
    pub actor: String,
    pub request_id: String,
    /// The GraphQL operation name, else its root fields (`account,stats`), or a route.
    pub operation: String,
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
    pub seq: i64,
    /// Epoch milliseconds.
    pub at: i64,
    pub actor: String,
    pub request_id: String,
    pub operation: String,
    pub variables: String,
    pub entities: String,
    pub duration_ms: i64,
    pub outcome: String,
    pub unmasked: bool,
    pub prev_hash: String,
    pub hash: String,
}

impl Entry {
    fn chain(seq: i64, at: i64, r: Record, prev_hash: &str) -> Entry {
        let mut e = Entry {
            seq,
            at,
            actor: r.actor,
            request_id: r.request_id,
            operation: r.operation,
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

    /// SHA-256 over the previous hash and every field, as a JSON array (unambiguous).
    pub fn expected_hash(&self) -> String {
        let canonical = serde_json::json!([
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
        super::sha256_hex(canonical.to_string().as_bytes())
    }

    fn row(&self) -> Row {
        Row::new()
            .set("seq", self.seq)
            .set("at", self.at)
            .set("actor", self.actor.as_str())
            .set("requestId", self.request_id.as_str())
            .set("operation", self.operation.as_str())
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
    }
}
