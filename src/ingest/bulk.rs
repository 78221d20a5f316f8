//! The bulk path: `investigator load --bulk DIR` into an **empty** store.
//!
//! 1. Refuse unless the database has no node at all (the importer replaces the store files).
//! 2. Validate exactly as the transactional path does (the same pass, the same
//!    `file:line: field: reason` errors, all or nothing); while it streams, every record that
//!    passed its own checks is written once as the importer's CSV input ([`csv::CsvInput`]),
//!    so the dataset is parsed once. Any invalid record: the CSV is deleted, nothing is written.
//! 3. Run Neo4j's own importer (`neo4j-admin database import full`, here through the bundled
//!    launcher's `neo4j-dev import`, which stops the DBMS, imports and starts it again).
//! 4. Reconnect and apply the schema (constraints and indexes are built over the imported
//!    data; Neo4j Community's importer cannot create them itself).
//!
//! The graph is the one a transactional load of the same dataset builds: same labels,
//! relationship types and properties (see `docs/GRAPH_MODEL.md` and `csv.rs`).

mod csv;

use super::{validate, LoadError, LoadOptions, Source};
use crate::config::Neo4jConfig;
use crate::graph::{self, queries, Graph, Params};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Debug, thiserror::Error)]
pub enum BulkError {
    /// The bulk path imports by replacing the store files, so it refuses a store with nodes,
    /// and says how many of them are tokens and audit entries, which the import would erase.
    #[error("the database is not empty: it holds {nodes} node(s), {kept} of them API tokens, audit log entries or the pseudonym key (`investigator wipe` keeps those). `load --bulk` replaces the whole store, so it only loads into an empty database: load incrementally with `investigator load DIR`, or start from an empty store (for the bundled Neo4j `tools/neo4j/neo4j-dev wipe`, which also deletes tokens and the audit log) and create tokens after the bulk load")]
    NotEmpty { nodes: u64, kept: u64 },
    /// Validation refused the dataset, or reading it or talking to Neo4j failed.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// Writing the importer's input or running the importer failed.
    #[error("bulk import: {0}")]
    Import(String),
}

impl From<crate::graph::GraphError> for BulkError {
    fn from(e: crate::graph::GraphError) -> Self {
        BulkError::Load(LoadError::Graph(e))
    }
}

/// How to run the importer.
#[derive(Debug, Clone)]
pub struct BulkOptions {
    /// The importer command and its leading arguments; the import options and
    /// `--database NAME --expect-port PORT` are appended (see `tools/neo4j/neo4j-dev import`).
    pub importer: Vec<String>,
    /// Directory for the CSV files (created; deleted afterwards unless `keep_staging`).
    pub staging: PathBuf,
    pub keep_staging: bool,
}

/// What a bulk load did, with the time of each step.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BulkReport {
    pub records: u64,
    pub nodes: u64,
    pub relationships: u64,
    /// Validation and CSV writing (one pass).
    pub validate_seconds: f64,
    /// Stopping Neo4j, importing, starting it again (the sum of the next three).
    pub import_seconds: f64,
    /// Of `import_seconds`: until the importer printed its first line (Neo4j stopping).
    pub stop_seconds: f64,
    /// Of `import_seconds`: the importer itself, first line to `IMPORT DONE`.
    pub importer_seconds: f64,
    /// Of `import_seconds`: after `IMPORT DONE` until the importer command exited (Neo4j
    /// started on the new store).
    pub start_seconds: f64,
    /// Constraints and indexes built and online (the sum of the next two).
    pub schema_seconds: f64,
    /// Of `schema_seconds`: the DDL statements (constraints and indexes created).
    pub ddl_seconds: f64,
    /// Of `schema_seconds`: index population over the imported data, until all are online.
    pub populate_seconds: f64,
}

/// Validates `source` and imports it into the empty database of `cfg`. See the module docs.
#[tracing::instrument(skip_all)]
pub async fn load_bulk(
    cfg: &Neo4jConfig,
    source: Source,
    opts: &LoadOptions,
    bulk: &BulkOptions,
) -> Result<(Graph, BulkReport), BulkError> {
    if opts.skip_invalid {
        return Err(BulkError::Import(
            "--skip-invalid is not available with --bulk: a bulk load is all or nothing".into(),
        ));
    }
    let graph = Graph::connect(cfg).await?;
    refuse_unless_empty(&graph).await?;
    let staging = Staging::create(&bulk.staging, bulk.keep_staging)?;
    let started = Instant::now();
    let input = csv::CsvInput::create(&staging.dir).map_err(io_err)?;
    let source = Arc::new(source);
    let checked = validate(&graph, &source, opts, Some(Box::new(input.clone()))).await?;
    if !checked.errors.is_empty() {
        let total = checked.errors.len() as u64;
        return Err(LoadError::Invalid {
            errors: checked.errors,
            total,
        }
        .into());
    }
    let t = Instant::now();
    let files = input.finish().map_err(io_err)?;
    tracing::info!(
        seconds = format!("{:.1}", t.elapsed().as_secs_f64()),
        "importer input finished (referrals, widened windows, flushed)"
    );
    let records: u64 = checked.counts.values().map(|c| c.read).sum();
    let validate_seconds = started.elapsed().as_secs_f64();
    tracing::info!(
        records,
        nodes = files.nodes,
        relationships = files.relationships,
        seconds = format!("{validate_seconds:.1}"),
        "validated; importer input written"
    );
    // Validation took a while: a token created meanwhile would be erased by the import.
    refuse_unless_empty(&graph).await?;
    drop(graph); // its connections die with the restart below

    let t = Instant::now();
    let phases = run_importer(bulk, cfg, &files.args)?;
    let import_seconds = t.elapsed().as_secs_f64();
    tracing::info!(
        seconds = format!("{import_seconds:.1}"),
        stop_seconds = format!("{:.1}", phases.stop),
        importer_seconds = format!("{:.1}", phases.importer),
        start_seconds = format!("{:.1}", phases.start),
        "imported; Neo4j started on the new store"
    );

    let t = Instant::now();
    let graph = Graph::connect(cfg).await?;
    graph::schema::create(&graph).await?;
    let ddl_seconds = t.elapsed().as_secs_f64();
    let p = Instant::now();
    graph::schema::await_online(&graph).await?;
    let populate_seconds = p.elapsed().as_secs_f64();
    let schema_seconds = t.elapsed().as_secs_f64();
    tracing::info!(
        seconds = format!("{schema_seconds:.1}"),
        ddl_seconds = format!("{ddl_seconds:.1}"),
        populate_seconds = format!("{populate_seconds:.1}"),
        "constraints and indexes online"
    );
    Ok((
        graph,
        BulkReport {
            records,
            nodes: files.nodes,
            relationships: files.relationships,
            validate_seconds,
            import_seconds,
            stop_seconds: phases.stop,
            importer_seconds: phases.importer,
            start_seconds: phases.start,
            schema_seconds,
            ddl_seconds,
            populate_seconds,
        },
    ))
}

#[derive(serde::Deserialize)]
struct StoreNodes {
    nodes: i64,
    kept: i64,
}

async fn refuse_unless_empty(graph: &Graph) -> Result<(), BulkError> {
    let store: Option<StoreNodes> = graph
        .row(
            &queries::BULK_STORE_NODES,
            Params::new(),
            Duration::from_secs(60),
        )
        .await?;
    match store {
        Some(s) if s.nodes > 0 => Err(BulkError::NotEmpty {
            nodes: s.nodes as u64,
            kept: s.kept as u64,
        }),
        _ => Ok(()),
    }
}

fn io_err(e: std::io::Error) -> BulkError {
    BulkError::Import(format!("cannot write the importer's input: {e}"))
}

/// The port of a `bolt://host:port` URI (7687 when absent), which the importer script checks
/// against the instance it manages, so it never stops and overwrites another one.
fn uri_port(uri: &str) -> u16 {
    uri.rsplit_once("://")
        .map_or(uri, |(_, rest)| rest)
        .split(['/', '?'])
        .next()
        .and_then(|host| host.rsplit_once(':'))
        .and_then(|(_, port)| port.parse().ok())
        .unwrap_or(7687)
}

/// Seconds of the importer command's three parts, told apart by the importer's output.
struct ImportPhases {
    stop: f64,
    importer: f64,
    start: f64,
}

fn run_importer(
    bulk: &BulkOptions,
    cfg: &Neo4jConfig,
    args: &[String],
) -> Result<ImportPhases, BulkError> {
    let (program, leading) = bulk
        .importer
        .split_first()
        .ok_or_else(|| BulkError::Import("no importer command configured".into()))?;
    let mut command = Command::new(program);
    command
        .args(leading)
        .args(["--database", &cfg.database])
        .args(["--expect-port", &uri_port(&cfg.uri).to_string()])
        .arg("--")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    tracing::info!(importer = %program, "running Neo4j's importer");
    let spawned = Instant::now();
    let mut child = command.spawn().map_err(|e| {
        BulkError::Import(format!(
            "cannot run the importer {program:?}: {e} (set INVESTIGATOR_BULK_IMPORTER; the bundled Neo4j's is tools/neo4j/neo4j-dev import)"
        ))
    })?;
    // The importer's progress: its stage lines and summary go to the log; the rest (dots) is
    // kept for an error message.
    let mut tail: Vec<String> = Vec::new();
    let (mut first, mut done) = (None, None);
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            first.get_or_insert_with(Instant::now);
            let l = line.trim();
            if l.starts_with("IMPORT DONE") {
                done = Some(Instant::now());
            }
            if l.starts_with('(')
                || l.starts_with("IMPORT")
                || l.contains("COMPLETED")
                || l.ends_with("nodes")
                || l.ends_with("relationships")
                || l.ends_with("properties")
            {
                tracing::info!(importer = l, "progress");
            }
            if !l.is_empty() && !l.starts_with('.') && !l.starts_with('-') {
                tail.push(l.to_string());
                if tail.len() > 40 {
                    tail.remove(0);
                }
            }
        }
    }
    let status = child
        .wait()
        .map_err(|e| BulkError::Import(format!("waiting for the importer: {e}")))?;
    if !status.success() {
        return Err(BulkError::Import(format!(
            "the importer failed ({status}); its last lines:\n{}",
            tail.join("\n")
        )));
    }
    let exited = Instant::now();
    let first = first.unwrap_or(exited);
    let done = done.unwrap_or(exited).max(first);
    Ok(ImportPhases {
        stop: (first - spawned).as_secs_f64(),
        importer: (done - first).as_secs_f64(),
        start: (exited - done).as_secs_f64(),
    })
}

/// The staging directory; removed on drop unless kept.
struct Staging {
    dir: PathBuf,
    keep: bool,
}

impl Staging {
    fn create(dir: &std::path::Path, keep: bool) -> Result<Staging, BulkError> {
        if dir.exists() && std::fs::read_dir(dir).map_or(true, |mut d| d.next().is_some()) {
            return Err(BulkError::Import(format!(
                "staging directory {} exists and is not empty",
                dir.display()
            )));
        }
        std::fs::create_dir_all(dir).map_err(|e| {
            BulkError::Import(format!("cannot create staging {}: {e}", dir.display()))
        })?;
        Ok(Staging {
            dir: dir.to_path_buf(),
            keep,
        })
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if self.keep {
            tracing::info!(dir = %self.dir.display(), "importer input kept");
        } else if let Err(e) = std::fs::remove_dir_all(&self.dir) {
            tracing::warn!(dir = %self.dir.display(), error = %e, "cannot remove the importer input");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::uri_port;

    #[test]
    fn the_port_comes_from_the_uri() {
        assert_eq!(uri_port("bolt://127.0.0.1:7697"), 7697);
        assert_eq!(uri_port("neo4j://db.example:7000?x=1"), 7000);
        assert_eq!(uri_port("bolt://localhost"), 7687);
    }
}
