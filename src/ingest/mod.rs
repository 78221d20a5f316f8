//! Loading datasets of the contract into the graph: `load <dir>` and the `ingest` mutation
//! share this one path.
//!
//! 1. **Validate** every record of every kind, in the contract's load order, streaming: JSON,
//!    fields, enums, money, times, duplicate ids, and references (to the dataset, else to the
//!    database). Each problem becomes a [`RecordError`] naming `file:line: field: reason`.
//! 2. If anything is invalid and `skip_invalid` is off, stop: **nothing is written**.
//! 3. **Write** the valid records with batched, parameterised `UNWIND … MERGE` statements, one
//!    auto-commit transaction per batch (retried on transient errors), `writers` batches in
//!    flight per kind, kinds one after another so references resolve. Every statement is an
//!    upsert, so a reload or a retried batch duplicates nothing.

mod bulk;
mod ids;
mod rows;
mod source;
mod write;

pub use bulk::{load_bulk, BulkError, BulkOptions, BulkReport};

use source::RawRecord;
pub use source::{Location, Source};

use crate::graph::{Graph, GraphError, Params};
use crate::model::{Record, RecordKind};
use ids::IdIndex;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How to load.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Load the valid records and report the rest, instead of rejecting the whole dataset.
    pub skip_invalid: bool,
    pub batch_size: usize,
    pub writers: usize,
    /// Draw progress bars on a terminal.
    pub progress: bool,
}

/// One rejected record.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RecordError {
    pub location: Location,
    pub kind: &'static str,
    pub field: String,
    pub reason: String,
}

impl std::fmt::Display for RecordError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}: {}", self.location, self.field, self.reason)
    }
}

/// Per-kind counts of a load.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct KindCount {
    pub kind: &'static str,
    pub read: u64,
    pub rejected: u64,
    pub written: u64,
    /// Of `written`, the records known to be new and therefore created rather than upserted.
    pub created: u64,
    pub write_seconds: f64,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct LoadReport {
    pub kinds: Vec<KindCount>,
    pub rejected: Vec<RecordError>,
    pub unknown_fields: Vec<String>,
    pub validate_seconds: f64,
    pub write_seconds: f64,
}

impl LoadReport {
    pub fn written(&self) -> u64 {
        self.kinds.iter().map(|k| k.written).sum()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{total} invalid record(s); nothing was written (first: {})", .errors.first().map(ToString::to_string).unwrap_or_default())]
    Invalid {
        errors: Vec<RecordError>,
        total: u64,
    },
    #[error("{0}")]
    Source(String),
    #[error(transparent)]
    Graph(#[from] GraphError),
}

/// Receives every record that passed its own checks and whose references are all earlier in
/// the dataset, in input order, with where validation found its ids (the bulk path writes the
/// importer's CSV from it, so the dataset is parsed once and every id looked up once).
/// Whether the dataset as a whole is valid is known only when validation ends.
pub(crate) trait RecordSink: Send {
    fn accept(&mut self, record: Record, resolved: ids::Resolved) -> std::io::Result<()>;
    /// A record was left out (invalid, or refers to ids not in the dataset before it): the
    /// records after it can no longer be numbered or linked as they would be.
    fn left_out(&mut self);
}

/// Validates and loads `source`. See the module documentation for the guarantees.
#[tracing::instrument(skip_all, fields(skip_invalid = opts.skip_invalid))]
pub async fn load(
    graph: &Graph,
    source: Source,
    opts: &LoadOptions,
) -> Result<LoadReport, LoadError> {
    let source = Arc::new(source);
    let started = Instant::now();
    let checked = validate(graph, &source, opts, None).await?;
    let validate_seconds = started.elapsed().as_secs_f64();
    let total_errors = checked.errors.len() as u64;
    tracing::info!(
        records = checked.counts.values().map(|c| c.read).sum::<u64>(),
        invalid = total_errors,
        seconds = validate_seconds,
        "validated"
    );
    if total_errors > 0 && !opts.skip_invalid {
        return Err(LoadError::Invalid {
            errors: checked.errors,
            total: total_errors,
        });
    }
    let written_at = Instant::now();
    let rejected: Arc<HashSet<Location>> =
        Arc::new(checked.errors.iter().map(|e| e.location.clone()).collect());
    let mut kinds = Vec::new();
    let created_accounts = write::CreatedAccounts::default();
    for kind in RecordKind::LOAD_ORDER {
        let mut count = checked.counts.get(&kind).cloned().unwrap_or_default();
        count.kind = kind.file_stem();
        if count.read > 0 {
            let t = Instant::now();
            let w =
                write::write_kind(graph, &source, kind, &rejected, opts, &created_accounts).await?;
            count.written = w.rows;
            count.created = w.created;
            count.write_seconds = t.elapsed().as_secs_f64();
            tracing::info!(
                kind = kind.file_stem(),
                written = count.written,
                created = count.created,
                per_second = (count.written as f64 / count.write_seconds.max(1e-9)) as u64,
                "written"
            );
        }
        kinds.push(count);
    }
    Ok(LoadReport {
        kinds,
        rejected: checked.errors,
        unknown_fields: checked.unknown_fields.into_iter().collect(),
        validate_seconds,
        write_seconds: written_at.elapsed().as_secs_f64(),
    })
}

struct Checked {
    counts: BTreeMap<RecordKind, KindCount>,
    errors: Vec<RecordError>,
    unknown_fields: BTreeSet<String>,
}

/// A reference the dataset itself did not resolve: looked up in the database afterwards.
struct Pending {
    location: Location,
    field: &'static str,
    target: RecordKind,
    target_id: String,
    own_id: Option<String>,
}

async fn validate(
    graph: &Graph,
    source: &Arc<Source>,
    opts: &LoadOptions,
    mut sink: Option<Box<dyn RecordSink>>,
) -> Result<Checked, LoadError> {
    // Ordinals only for a sink (the bulk path numbers nodes with them).
    let mut index = if sink.is_some() {
        IdIndex::numbered()
    } else {
        IdIndex::default()
    };
    let mut checked = Checked {
        counts: BTreeMap::new(),
        errors: Vec::new(),
        unknown_fields: BTreeSet::new(),
    };
    for kind in RecordKind::LOAD_ORDER {
        let bar = progress_bar(
            opts.progress,
            source.size_hint(kind),
            &format!("checking {}", kind.file_stem()),
        );
        let kind_started = Instant::now();
        let src = Arc::clone(source);
        let bar2 = bar.clone();
        let mut task_sink = sink.take();
        let (returned_index, returned_sink, result) = tokio::task::spawn_blocking(move || {
            let r = validate_kind(&src, kind, &mut index, &bar2, task_sink.as_deref_mut());
            (index, task_sink, r)
        })
        .await
        .map_err(|e| LoadError::Source(format!("validation task failed: {e}")))?;
        index = returned_index;
        sink = returned_sink;
        bar.finish_and_clear();
        let KindValidation {
            count,
            errors,
            pending,
            unknown,
        } = result?;
        for field in unknown.difference(&checked.unknown_fields) {
            tracing::warn!(kind = kind.file_stem(), field = %field, "ignoring unknown field (contract allows newer producers)");
        }
        checked.unknown_fields.extend(unknown);
        checked.errors.extend(errors);
        let mut count = count;
        let unresolved = resolve_in_database(graph, pending).await?;
        for p in unresolved {
            if let Some(own) = &p.own_id {
                index.remove(kind, own);
            }
            checked.errors.push(RecordError {
                location: p.location,
                kind: kind.file_stem(),
                field: p.field.to_string(),
                reason: format!(
                    "refers to {} {:?}, which is neither in this dataset nor in the database",
                    p.target.label(),
                    p.target_id
                ),
            });
        }
        count.rejected = checked
            .errors
            .iter()
            .filter(|e| e.kind == kind.file_stem())
            .map(|e| &e.location)
            .collect::<HashSet<_>>()
            .len() as u64;
        tracing::info!(
            kind = kind.file_stem(),
            records = count.read,
            seconds = format!("{:.1}", kind_started.elapsed().as_secs_f64()),
            "checked"
        );
        checked.counts.insert(kind, count);
    }
    checked.errors.sort_by(|a, b| {
        let order = |k: &str| RecordKind::from_file_stem(k);
        (order(a.kind), location_key(&a.location)).cmp(&(order(b.kind), location_key(&b.location)))
    });
    Ok(checked)
}

fn location_key(l: &Location) -> u64 {
    match l {
        Location::File { line, .. } => *line,
        Location::Input { index } => *index,
    }
}

struct KindValidation {
    count: KindCount,
    errors: Vec<RecordError>,
    pending: Vec<Pending>,
    unknown: BTreeSet<String>,
}

/// Records per chunk handed to a parsing thread.
const PARSE_CHUNK: usize = 2048;

/// One record as a parsing thread leaves it: checked on its own (JSON, fields), not yet
/// against the other records.
struct Parsed {
    location: Location,
    bytes: u64,
    outcome: Result<(Record, Vec<String>), (String, String)>,
}

fn parse(kind: RecordKind, raw: RawRecord) -> Parsed {
    let bytes = raw.text.len() as u64 + 1;
    let outcome = match serde_json::from_str::<serde_json::Value>(&raw.text) {
        Err(e) => Err(("-".to_string(), format!("malformed JSON: {e}"))),
        Ok(value) => Record::from_json(kind, value).map_err(|e| (e.field, e.reason)),
    };
    Parsed {
        location: raw.location,
        bytes,
        outcome,
    }
}

/// Validates one kind. Parsing (JSON, fields, enums, money, times) needs no state and is most
/// of the work, so `workers` threads parse chunks of records; this thread takes the chunks back
/// in input order and checks ids and references and feeds the sink, exactly as one thread
/// would.
fn validate_kind(
    source: &Source,
    kind: RecordKind,
    index: &mut IdIndex,
    bar: &ProgressBar,
    sink: Option<&mut (dyn RecordSink + 'static)>,
) -> Result<KindValidation, LoadError> {
    use std::sync::mpsc::sync_channel;
    use std::sync::Mutex;
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(1, 8));
    std::thread::scope(|scope| {
        let (chunk_tx, chunk_rx) = sync_channel::<(u64, Vec<RawRecord>)>(workers * 2);
        let (parsed_tx, parsed_rx) = sync_channel::<(u64, Vec<Parsed>)>(workers * 2);
        // Owned by the parsers only: when they stop, the reader's next send fails and it stops.
        let chunk_rx = Arc::new(Mutex::new(chunk_rx));
        let reader = scope.spawn(move || {
            let (mut seq, mut chunk) = (0u64, Vec::with_capacity(PARSE_CHUNK));
            let result = source.for_each(kind, |raw| {
                chunk.push(raw);
                if chunk.len() == PARSE_CHUNK {
                    let full = std::mem::replace(&mut chunk, Vec::with_capacity(PARSE_CHUNK));
                    chunk_tx.send((seq, full)).map_err(|_| ())?;
                    seq += 1;
                }
                Ok(())
            });
            if !chunk.is_empty() && result.is_ok() {
                chunk_tx
                    .send((seq, chunk))
                    .map_err(|_| source::SourceError::Stop(()))?;
                seq += 1;
            }
            result.map(|()| seq)
        });
        for _ in 0..workers {
            let (chunk_rx, parsed_tx) = (Arc::clone(&chunk_rx), parsed_tx.clone());
            scope.spawn(move || loop {
                let next = match chunk_rx.lock() {
                    Ok(rx) => rx.recv(),
                    Err(_) => return,
                };
                let Ok((seq, raws)) = next else { return };
                let parsed = raws.into_iter().map(|raw| parse(kind, raw)).collect();
                if parsed_tx.send((seq, parsed)).is_err() {
                    return;
                }
            });
        }
        drop((parsed_tx, chunk_rx));
        let mut checker = Checker::new(kind, index, sink);
        let mut waiting = BTreeMap::new();
        let mut next = 0u64;
        for (seq, chunk) in parsed_rx.iter() {
            waiting.insert(seq, chunk);
            while let Some(chunk) = waiting.remove(&next) {
                for p in chunk {
                    bar.inc(p.bytes);
                    checker.check(p);
                }
                next += 1;
            }
            if checker.sink_error.is_some() {
                break; // dropping the receiver stops the parsers, then the reader
            }
        }
        drop(parsed_rx);
        let read = reader
            .join()
            .map_err(|_| LoadError::Source("the dataset reader panicked".into()))?;
        if let Some(e) = checker.sink_error {
            return Err(LoadError::Source(format!(
                "cannot write the importer's input: {e}"
            )));
        }
        match read {
            Ok(chunks) if chunks == next => Ok(checker.out),
            Ok(_) => Err(LoadError::Source("a dataset parser thread failed".into())),
            Err(source::SourceError::Io(path, e)) => Err(LoadError::Source(format!(
                "cannot read {}: {e}",
                path.display()
            ))),
            Err(source::SourceError::Stop(())) => Err(LoadError::Source(
                "the dataset parsers stopped early".into(),
            )),
        }
    })
}

/// The in-order half of validation: ids, references, the sink.
struct Checker<'a> {
    kind: RecordKind,
    index: &'a mut IdIndex,
    sink: Option<&'a mut (dyn RecordSink + 'static)>,
    sink_error: Option<std::io::Error>,
    out: KindValidation,
}

impl<'a> Checker<'a> {
    fn new(
        kind: RecordKind,
        index: &'a mut IdIndex,
        sink: Option<&'a mut (dyn RecordSink + 'static)>,
    ) -> Self {
        Checker {
            kind,
            index,
            sink,
            sink_error: None,
            out: KindValidation {
                count: KindCount {
                    kind: kind.file_stem(),
                    ..Default::default()
                },
                errors: Vec::new(),
                pending: Vec::new(),
                unknown: BTreeSet::new(),
            },
        }
    }

    fn check(&mut self, p: Parsed) {
        let (kind, file) = (self.kind, self.kind.file_stem());
        let out = &mut self.out;
        out.count.read += 1;
        let (record, unknown) = match p.outcome {
            Ok(r) => r,
            Err((field, reason)) => {
                leave_out(&mut self.sink);
                out.errors.push(RecordError {
                    location: p.location,
                    kind: file,
                    field,
                    reason,
                });
                return;
            }
        };
        out.unknown.extend(unknown);
        let (mut missing, mut resolved) = (Vec::new(), ids::Resolved::default());
        for r in record.references() {
            match self.index.get(r.kind, r.id) {
                Some(ordinal) => resolved.push(r.field, r.kind, ordinal),
                None => missing.push((r.field, r.kind, r.id.to_string())),
            }
        }
        if let Some(id) = record.id() {
            resolved.own = self.index.insert(kind, id);
            if resolved.own.is_none() {
                leave_out(&mut self.sink);
                out.errors.push(RecordError {
                    location: p.location,
                    kind: file,
                    field: "id".into(),
                    reason: format!("duplicate id {id:?}: an earlier {file} record has it"),
                });
                return;
            }
        }
        if missing.is_empty() {
            if let (Some(sink), None) = (self.sink.as_deref_mut(), &self.sink_error) {
                if let Err(e) = sink.accept(record, resolved) {
                    self.sink_error = Some(e);
                }
            }
            return;
        }
        // References still open: the database may hold them (a transactional load); such a
        // record never reaches the sink, whose bulk load needs an empty database anyway.
        leave_out(&mut self.sink);
        let own_id = record.id().map(str::to_string);
        for (field, target, target_id) in missing {
            out.pending.push(Pending {
                location: p.location.clone(),
                field,
                target,
                target_id,
                own_id: own_id.clone(),
            });
        }
    }
}

/// Tells the sink, if any, that a record does not reach it.
fn leave_out(sink: &mut Option<&mut (dyn RecordSink + 'static)>) {
    if let Some(sink) = sink.as_deref_mut() {
        sink.left_out();
    }
}

/// Looks the dataset's unresolved references up in the database; returns those still missing.
async fn resolve_in_database(
    graph: &Graph,
    pending: Vec<Pending>,
) -> Result<Vec<Pending>, GraphError> {
    if pending.is_empty() {
        return Ok(pending);
    }
    let mut found: HashSet<(RecordKind, String)> = HashSet::new();
    let wanted: BTreeSet<(RecordKind, &str)> = pending
        .iter()
        .map(|p| (p.target, p.target_id.as_str()))
        .collect();
    let mut by_kind: BTreeMap<RecordKind, Vec<String>> = BTreeMap::new();
    for (k, id) in wanted {
        by_kind.entry(k).or_default().push(id.to_string());
    }
    for (kind, ids) in by_kind {
        let Some(query) = rows::existing_query(kind) else {
            continue; // no record refers to a kind without ids
        };
        for chunk in ids.chunks(10_000) {
            let existing: Vec<String> = graph
                .column(
                    &query,
                    Params::new().with("ids", chunk.to_vec()),
                    "id",
                    Duration::from_secs(120),
                )
                .await?;
            found.extend(existing.into_iter().map(|id| (kind, id)));
        }
    }
    // A record is rejected once per missing reference; keep the first missing field only.
    let mut seen = HashSet::new();
    Ok(pending
        .into_iter()
        .filter(|p| !found.contains(&(p.target, p.target_id.clone())))
        .filter(|p| seen.insert(p.location.clone()))
        .collect())
}

fn progress_bar(enabled: bool, total_bytes: u64, message: &str) -> ProgressBar {
    if !enabled {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total_bytes), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(
            "{msg:>24} [{bar:30}] {bytes}/{total_bytes} {binary_bytes_per_sec} eta {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.set_message(message.to_string());
    bar
}
