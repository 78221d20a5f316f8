//! The write pass: valid records → batches → lanes → Neo4j.
//!
//! Every record takes one of three routes:
//! - **create**: known to be new, written with `create_<kind>.cypher` (CREATE, not MERGE).
//!   A node is new when its label had no nodes as the kind started; a link is new when this
//!   load created its account and the (account, identifier) pair is the first in the dataset.
//! - **check**: its label had nodes, so the writer asks which ids of the batch exist first;
//!   the new ones are created, the others upserted.
//! - **upsert**: may exist; `ingest_<kind>.cypher` MERGEs it (referrals always do).
//!
//! Why: MERGE makes Neo4j look for relationships a new node cannot have, and holds locks on
//! both ends while it looks, so concurrent batches deadlocked on shared shops and identifiers
//! and two writers were no faster than one. CREATE takes its locks at commit, in order.
//!
//! Safety: a create batch that fails (a concurrent load created the same id and the unique
//! constraint refused it; the connection dropped before the commit was acknowledged) is
//! written again as an upsert, which is correct whatever the failed attempt did. Transient
//! errors (deadlocks) are retried by the driver after a rollback.
//!
//! Batches go to `writers` lanes; each lane is a sequence of transactions. Records are laned
//! by the node their kind contends on ([`contended_node`]): links by identifier, so no two
//! transactions in flight MERGE the same identifier and a repeated pair (upserted) is always
//! written after its first occurrence (created); orders and reviews by shop and payments by
//! payee, so concurrent commits do not queue on the same dense node.

use super::source::{self, Location, Source};
use super::{ids, progress_bar, rows, LoadError, LoadOptions};
use crate::graph::read::{GraphCounts, Reader};
use crate::graph::{Graph, GraphError, Params};
use crate::model::{Record, RecordKind};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Accounts this load created, by id digest: only their links can be created without MERGE.
pub(super) type CreatedAccounts = Arc<Mutex<HashSet<u64>>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    Create,
    Check,
    Upsert,
}

/// A record on its way to a batch; its parameter row is built per attempt, not kept.
struct Item {
    route: Route,
    record: Record,
}

impl Item {
    fn id(&self) -> Option<&str> {
        self.record.id()
    }
}

/// Upsert parameters: rows as maps.
fn rows_of(items: &[Item]) -> Params {
    Params::new().with_rows(
        "rows",
        items.iter().map(|i| rows::to_row(&i.record)).collect(),
    )
}

/// Create parameters: rows as lists, which `create_*.cypher` name once (`r[0] AS id, …`).
fn value_rows_of(items: &[Item]) -> Params {
    Params::new().with_value_rows(
        "rows",
        items.iter().map(|i| rows::to_row(&i.record)).collect(),
    )
}

/// What one kind's write did.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Written {
    pub rows: u64,
    pub created: u64,
}

/// Streams one kind's valid records into batches and writes them on `writers` lanes.
pub(super) async fn write_kind(
    graph: &Graph,
    source: &Arc<Source>,
    kind: RecordKind,
    rejected: &Arc<HashSet<Location>>,
    opts: &LoadOptions,
    created_accounts: &CreatedAccounts,
) -> Result<Written, LoadError> {
    let node_route = if label_has_nodes(graph, kind).await? {
        Route::Check
    } else {
        Route::Create
    };
    let lanes = opts.writers.max(1);
    let batch_size = opts.batch_size.max(1);
    let (senders, receivers): (Vec<_>, Vec<_>) = (0..lanes)
        .map(|_| tokio::sync::mpsc::channel::<Vec<Item>>(2))
        .unzip();
    let bar = progress_bar(
        opts.progress,
        source.size_hint(kind),
        &format!("writing {}", kind.file_stem()),
    );

    let reader = {
        let (src, rejected, bar) = (Arc::clone(source), Arc::clone(rejected), bar.clone());
        let created_accounts = Arc::clone(created_accounts);
        tokio::task::spawn_blocking(move || {
            // Links read the accounts this load created; no writer adds to them meanwhile
            // (accounts are written first), and other kinds must not hold the lock.
            let fresh = match kind {
                RecordKind::Link => Some(
                    created_accounts
                        .lock()
                        .map_err(|_| "created-accounts set poisoned".to_string())?,
                ),
                _ => None,
            };
            let mut pairs: HashSet<u64> = HashSet::new();
            let mut buffers: Vec<Vec<Item>> = (0..lanes).map(|_| Vec::new()).collect();
            let mut next_lane = 0usize;
            let result = src.for_each(kind, |raw| {
                bar.inc(raw.text.len() as u64 + 1);
                if rejected.contains(&raw.location) {
                    return Ok(());
                }
                let value = serde_json::from_str(&raw.text).map_err(|_| ())?;
                let (record, _) = Record::from_json(kind, value).map_err(|_| ())?;
                let route = match &record {
                    Record::Link(l) => {
                        let new = fresh
                            .as_ref()
                            .is_some_and(|f| f.contains(&ids::digest(&l.account_id)))
                            && pairs.insert(ids::digest(&(&l.account_id, l.kind, &l.value)));
                        if new {
                            Route::Create
                        } else {
                            Route::Upsert
                        }
                    }
                    Record::Referral(_) => Route::Upsert,
                    _ => node_route,
                };
                let contended = contended_node(&record);
                let lane = contended.map_or(next_lane, |key| key as usize % lanes);
                let buffer = &mut buffers[lane];
                buffer.push(Item { route, record });
                if buffer.len() >= batch_size {
                    let full = std::mem::take(buffer);
                    senders[lane].blocking_send(full).map_err(|_| ())?;
                    if contended.is_none() {
                        next_lane = (next_lane + 1) % lanes;
                    }
                }
                Ok(())
            });
            for (lane, rest) in buffers.into_iter().enumerate() {
                if !rest.is_empty() {
                    let _ = senders[lane].blocking_send(rest);
                }
            }
            result.map_err(|e| match e {
                source::SourceError::Io(path, e) => format!("cannot read {}: {e}", path.display()),
                source::SourceError::Stop(()) => "writing stopped".to_string(),
            })
        })
    };

    let writers = receivers.into_iter().map(|mut rx| async move {
        let mut total = Written::default();
        while let Some(batch) = rx.recv().await {
            let w = write_batch(graph, kind, batch, created_accounts).await?;
            total.rows += w.rows;
            total.created += w.created;
        }
        Ok::<_, GraphError>(total)
    });
    let written = futures::future::try_join_all(writers).await;
    bar.finish_and_clear();
    let read_result = reader
        .await
        .map_err(|e| LoadError::Source(format!("reader task failed: {e}")))?;
    let written = written.map_err(LoadError::Graph)?;
    read_result.map_err(LoadError::Source)?;
    Ok(written
        .into_iter()
        .fold(Written::default(), |a, w| Written {
            rows: a.rows + w.rows,
            created: a.created + w.created,
        }))
}

/// The node concurrent batches of this record's kind would contend on, by digest: its records
/// all go to one lane, so no two transactions in flight lock or MERGE it. Kinds without one
/// are dealt to the lanes batch by batch.
fn contended_node(record: &Record) -> Option<u64> {
    match record {
        Record::Link(l) => Some(ids::digest(&(l.kind, &l.value))),
        Record::Order(o) => Some(ids::digest(&o.shop_id)),
        Record::Review(r) => Some(ids::digest(&r.shop_id)),
        Record::Payment(p) => Some(ids::digest(&p.to_id)),
        _ => None,
    }
}

/// Writes one batch: checks which ids exist where needed, creates the new records in one
/// transaction and upserts the rest in another, in that order.
async fn write_batch(
    graph: &Graph,
    kind: RecordKind,
    items: Vec<Item>,
    created_accounts: &CreatedAccounts,
) -> Result<Written, GraphError> {
    let rows = items.len() as u64;
    let (mut create, mut upsert): (Vec<Item>, Vec<Item>) = (Vec::new(), Vec::new());
    let mut check = Vec::new();
    for item in items {
        match item.route {
            Route::Create => create.push(item),
            Route::Upsert => upsert.push(item),
            Route::Check => check.push(item),
        }
    }
    if !check.is_empty() {
        let existing = existing_ids(graph, kind, &check).await?;
        for item in check {
            let exists = item.id().is_none_or(|id| existing.contains(id));
            if exists { &mut upsert } else { &mut create }.push(item);
        }
    }
    let mut created = 0;
    if let (false, Some(query)) = (create.is_empty(), rows::create_query(kind)) {
        match graph.write(&query, || value_rows_of(&create)).await {
            Ok(()) => {
                created = create.len() as u64;
                if kind == RecordKind::Account {
                    if let Ok(mut fresh) = created_accounts.lock() {
                        fresh.extend(create.iter().filter_map(Item::id).map(ids::digest));
                    }
                }
            }
            Err(e) => {
                tracing::warn!(kind = kind.file_stem(), rows = create.len(), error = %e,
                    "creating a batch failed; writing it again as an upsert");
                upsert.append(&mut create);
            }
        }
    } else {
        upsert.append(&mut create);
    }
    if !upsert.is_empty() {
        graph
            .write(&rows::ingest_query(kind), || rows_of(&upsert))
            .await?;
    }
    Ok(Written { rows, created })
}

async fn existing_ids(
    graph: &Graph,
    kind: RecordKind,
    items: &[Item],
) -> Result<HashSet<String>, GraphError> {
    let Some(query) = rows::existing_query(kind) else {
        return Ok(HashSet::new());
    };
    let ids: Vec<&str> = items.iter().filter_map(Item::id).collect();
    let found: Vec<String> = graph
        .column(
            &query,
            Params::new().with("ids", ids),
            "id",
            Duration::from_secs(120),
        )
        .await?;
    Ok(found.into_iter().collect())
}

/// Whether the kind's label already has nodes (count store, constant time). Links and
/// referrals are routed by their accounts instead.
async fn label_has_nodes(graph: &Graph, kind: RecordKind) -> Result<bool, GraphError> {
    if matches!(kind, RecordKind::Link | RecordKind::Referral) {
        return Ok(true);
    }
    let c: GraphCounts = Reader::new(graph.clone(), Duration::from_secs(60))
        .counts()
        .await?;
    let n = match kind {
        RecordKind::Account => c.accounts,
        RecordKind::Shop => c.shops,
        RecordKind::Order => c.orders,
        RecordKind::Payment => c.payments,
        RecordKind::Review => c.reviews,
        RecordKind::Complaint => c.complaints,
        RecordKind::ReviewEvent => c.review_events,
        RecordKind::Message => c.messages,
        RecordKind::Link | RecordKind::Referral => 1,
    };
    Ok(n > 0)
}
