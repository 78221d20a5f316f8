//! The only module that talks to Neo4j: the connection pool, the query catalog, parameter
//! building, row mapping, schema DDL and error classification.
//!
//! Invariant: every Cypher text comes from `queries/*.cypher` (see [`queries`]) and every value
//! travels as a parameter. Labels and relationship types are constants in those files.

mod params;
pub mod queries;
pub mod read;
pub mod schema;

pub use params::{Params, Row, ToBolt};
pub use queries::Cypher;

use crate::config::Neo4jConfig;
use futures::TryStreamExt;
use neo4rs::{ConfigBuilder, Neo4jErrorKind};
use secrecy::ExposeSecret;
use serde::de::DeserializeOwned;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Why a graph operation failed, classified by what the caller can do about it.
#[derive(Debug, thiserror::Error)]
pub enum GraphError {
    #[error("cannot reach Neo4j at {uri}: {}", crate::telemetry::scrub_values(&source.to_string()))]
    Connect {
        uri: String,
        #[source]
        source: neo4rs::Error,
    },
    #[error("query `{query}` failed: {}", crate::telemetry::scrub_values(&source.to_string()))]
    Query {
        query: String,
        #[source]
        source: neo4rs::Error,
    },
    #[error(
        "query `{query}` returned a row that does not fit: {}",
        crate::telemetry::scrub_values(reason)
    )]
    Decode { query: String, reason: String },
    #[error("query `{query}` did not finish within {millis} ms")]
    Timeout { query: String, millis: u64 },
    /// Every pooled connection stayed busy for as long as the caller could wait.
    #[error("query `{query}`: no Neo4j connection became free within {millis} ms")]
    Overloaded { query: String, millis: u64 },
}

impl GraphError {
    /// True when the database could not be reached or is transiently unable to answer.
    pub fn is_unavailable(&self) -> bool {
        match self {
            GraphError::Connect { .. } => true,
            GraphError::Query { source, .. } => is_transient(source),
            GraphError::Decode { .. }
            | GraphError::Timeout { .. }
            | GraphError::Overloaded { .. } => false,
        }
    }

    /// The Neo4j status code, when the server gave one.
    pub fn neo4j_code(&self) -> Option<&str> {
        match self {
            GraphError::Query {
                source: neo4rs::Error::Neo4j(e),
                ..
            } => Some(e.code()),
            _ => None,
        }
    }
}

/// Neo4j terminated the transaction because it ran past its `tx_timeout`.
fn is_server_timeout(e: &neo4rs::Error) -> bool {
    matches!(e, neo4rs::Error::Neo4j(n) if n.code().starts_with("Neo.ClientError.Transaction.TransactionTimedOut")
        || n.code() == "Neo.TransientError.Transaction.Terminated" && n.message().contains("timed out"))
}

fn is_transient(e: &neo4rs::Error) -> bool {
    match e {
        neo4rs::Error::Neo4j(n) => matches!(n.kind(), Neo4jErrorKind::Transient),
        neo4rs::Error::IOError { .. } | neo4rs::Error::ConnectionError => true,
        _ => false,
    }
}

/// Attempts of [`Graph::write`] before a transient error is given up on (about a minute).
const WRITE_ATTEMPTS: u32 = 16;

/// How long past its server-side `tx_timeout` a read may run before the client gives up on
/// it (Neo4j checks timeouts periodically). A read abandoned this way loses its connection:
/// the patched driver discards a connection with an unfinished exchange instead of reusing it.
const CLIENT_GRACE: Duration = Duration::from_millis(1500);

/// The longest a request waits for a free connection before `OVERLOADED`.
const MAX_POOL_WAIT: Duration = Duration::from_secs(2);

/// A cheap-to-clone handle on the Neo4j connection pool.
///
/// Every statement holds one permit of `permits` (as many as the pool has connections) while
/// it runs, so a caller waits for a connection here, with a limit, never inside the driver.
/// A request's handle ([`Graph::with_deadline`]) carries the one time budget of an API
/// request, shared by all its statements (each also limited on the server), and the request's
/// own share of the pool: it queues on its own permits first, so one request never holds more
/// than its share, and API requests together never hold the last connection (kept for token
/// checks and readiness, which every caller needs).
#[derive(Clone)]
pub struct Graph {
    inner: neo4rs::Graph,
    uri: String,
    permits: Arc<Semaphore>,
    /// What API requests together may hold: the pool but one (when it has more than one).
    requests: Arc<Semaphore>,
    /// Statements one request may have in flight (`Neo4jConfig::per_request`).
    per_request: usize,
    /// This request's own permits (`per_request` of them); None outside a request.
    request: Option<Arc<Semaphore>>,
    /// The deadline, and the configured time limit it stands for (named in `TIMEOUT`s).
    deadline: Option<(Instant, Duration)>,
    /// Statements started on this pool, for tests and diagnostics.
    started: Arc<AtomicU64>,
}

/// The permits a running statement holds; released when it ends or is dropped.
struct Permits {
    _own: Option<OwnedSemaphorePermit>,
    _requests: Option<OwnedSemaphorePermit>,
    _pool: OwnedSemaphorePermit,
}

impl Graph {
    /// Opens the pool and checks that the database answers.
    #[tracing::instrument(skip_all, fields(uri = %cfg.uri, database = %cfg.database))]
    pub async fn connect(cfg: &Neo4jConfig) -> Result<Self, GraphError> {
        let connect_err = |source| GraphError::Connect {
            uri: cfg.uri.clone(),
            source,
        };
        let config = ConfigBuilder::default()
            .uri(cfg.uri.as_str())
            .user(cfg.user.as_str())
            .password(cfg.password.expose_secret())
            .db(cfg.database.as_str())
            .max_connections(cfg.max_connections)
            .fetch_size(2000)
            .build()
            .map_err(connect_err)?;
        let inner = tokio::time::timeout(Duration::from_secs(20), neo4rs::Graph::connect(config))
            .await
            .map_err(|_| connect_err(neo4rs::Error::ConnectionError))?
            .map_err(connect_err)?;
        let pool = cfg.max_connections.max(1);
        let graph = Graph {
            inner,
            uri: cfg.uri.clone(),
            permits: Arc::new(Semaphore::new(pool)),
            requests: Arc::new(Semaphore::new((pool - 1).max(1))),
            per_request: cfg.per_request(),
            request: None,
            deadline: None,
            started: Arc::new(AtomicU64::new(0)),
        };
        graph.ping(Duration::from_secs(20)).await?;
        Ok(graph)
    }

    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// An API request's handle on the pool: every statement bounded by `deadline` (which
    /// stands for the configured `limit`), and at most `per_request` of them in flight at once.
    pub fn with_deadline(&self, deadline: Instant, limit: Duration) -> Graph {
        Graph {
            deadline: Some((deadline, limit)),
            request: Some(Arc::new(Semaphore::new(self.per_request))),
            ..self.clone()
        }
    }

    /// The same pool without a deadline or a request's share (work that must finish even if
    /// its request ends).
    pub fn unbounded(&self) -> Graph {
        Graph {
            deadline: None,
            request: None,
            ..self.clone()
        }
    }

    /// How many statements have started on this pool (every handle of it).
    pub fn statements_started(&self) -> u64 {
        self.started.load(Ordering::Relaxed)
    }

    /// What is left of the deadline; None without one. A write waits for a connection as
    /// long as this (a request's own lanes take turns), the pool's patience aside.
    fn left(&self) -> Option<Duration> {
        self.deadline
            .map(|(d, _)| d.saturating_duration_since(Instant::now()))
    }

    /// The time a statement may take: its own `limit`, cut to what is left of the deadline.
    fn budget(&self, query: &str, limit: Duration) -> Result<Duration, GraphError> {
        let Some((deadline, total)) = self.deadline else {
            return Ok(limit);
        };
        let left = deadline.saturating_duration_since(Instant::now());
        if left < Duration::from_millis(5) {
            return Err(GraphError::Timeout {
                query: query.into(),
                millis: total.as_millis() as u64,
            });
        }
        Ok(limit.min(left))
    }

    /// Waits for a connection's permits: a request first for one of its own (up to `wait`:
    /// it waits on itself, so past its budget it is a timeout, never `OVERLOADED`), then for
    /// the pool's, up to `wait` (past [`MAX_POOL_WAIT`] a request is told `OVERLOADED`), or as
    /// long as it takes for work without a deadline (loads, detection runs).
    async fn permit(&self, query: &str, wait: Option<Duration>) -> Result<Permits, GraphError> {
        let started = Instant::now();
        let own = match &self.request {
            Some(own) => Some(acquire(own, query, wait, None).await?),
            None => None,
        };
        let wait = wait.map(|w| w.saturating_sub(started.elapsed()));
        let patience = wait.map(|_| MAX_POOL_WAIT);
        let requests = match &self.request {
            Some(_) => Some(acquire(&self.requests, query, wait, patience).await?),
            None => None,
        };
        let wait = wait.map(|w| w.saturating_sub(started.elapsed()));
        let pool = acquire(&self.permits, query, wait, patience).await?;
        self.started.fetch_add(1, Ordering::Relaxed);
        Ok(Permits {
            _own: own,
            _requests: requests,
            _pool: pool,
        })
    }

    /// Runs a read within `limit` (cut to the deadline): Neo4j terminates it at the limit
    /// (`tx_timeout`), and the client stops waiting a little later in case the server cannot
    /// answer at all.
    async fn bounded_read<T, F, Fut>(
        &self,
        q: &Cypher<'_>,
        params: Params,
        limit: Duration,
        work: F,
    ) -> Result<T, GraphError>
    where
        F: FnOnce(neo4rs::Query) -> Fut,
        Fut: std::future::Future<Output = Result<T, GraphError>>,
    {
        let started = Instant::now();
        // The configured limit that binds (the request's once less of it is left than the
        // statement's own): a TIMEOUT names it, not whatever was left.
        let binding = match self.deadline {
            Some((deadline, total)) if deadline.saturating_duration_since(started) < limit => total,
            _ => limit,
        };
        let timed_out = || GraphError::Timeout {
            query: q.name.into(),
            millis: binding.as_millis() as u64,
        };
        let budget = self.budget(q.name, limit)?;
        let _permit = self
            .permit(q.name, Some(budget))
            .await
            .map_err(|e| match e {
                GraphError::Timeout { .. } => timed_out(),
                e => e,
            })?;
        let left = budget
            .saturating_sub(started.elapsed())
            .max(Duration::from_millis(1));
        let query = access_mode(q, params.into_query(q.text)).with_tx_timeout(left);
        match tokio::time::timeout(left + CLIENT_GRACE, work(query)).await {
            Ok(Err(GraphError::Query { source, .. })) if is_server_timeout(&source) => {
                Err(timed_out())
            }
            Ok(result) => result,
            Err(_) => Err(timed_out()),
        }
    }

    /// `RETURN 1` within `limit`: the readiness probe.
    pub async fn ping(&self, limit: Duration) -> Result<(), GraphError> {
        let rows: Vec<i64> = self
            .column(&queries::PING, Params::new(), "ok", limit)
            .await?;
        match rows.first() {
            Some(1) => Ok(()),
            _ => Err(GraphError::Decode {
                query: queries::PING.name.into(),
                reason: "ping did not return 1".into(),
            }),
        }
    }

    /// Runs a write (or any statement without results) as one auto-commit transaction.
    /// Transient failures (deadlocks, lock timeouts, dropped connections) are retried with
    /// backoff by the driver; the statement is therefore written to be idempotent.
    pub async fn run(&self, q: &Cypher<'_>, params: Params) -> Result<(), GraphError> {
        let _permit = self.permit(q.name, self.left()).await?;
        let mut query = params.into_query(q.text);
        if let Some((deadline, _)) = self.deadline {
            query = query.with_tx_timeout(self.budget(q.name, deadline - Instant::now())?);
        }
        self.inner
            .run(query)
            .await
            .map_err(|source| GraphError::Query {
                query: q.name.into(),
                source,
            })
    }

    /// Runs a large write as one explicit transaction, building its parameters afresh for each
    /// attempt instead of cloning them (the driver's auto-commit retry clones every batch).
    /// Retries, with backoff, only errors after which the server rolled the transaction back
    /// (deadlocks, lock timeouts). Anything else is returned at once, a dropped connection
    /// included: the caller cannot know whether that attempt committed.
    pub async fn write(
        &self,
        q: &Cypher<'_>,
        params: impl Fn() -> Params,
    ) -> Result<(), GraphError> {
        let err = |source| GraphError::Query {
            query: q.name.into(),
            source,
        };
        let _permit = self.permit(q.name, self.left()).await?;
        let mut delay = Duration::from_millis(50);
        let mut attempt = 1;
        loop {
            let tx_limit = match self.deadline {
                Some((deadline, _)) => {
                    Some(self.budget(q.name, deadline.saturating_duration_since(Instant::now()))?)
                }
                None => None,
            };
            let result = async {
                let mut txn = match tx_limit {
                    Some(limit) => self.inner.start_txn_with_timeout(limit).await?,
                    None => self.inner.start_txn().await?,
                };
                txn.run(params().into_query(q.text)).await?;
                txn.commit().await
            }
            .await;
            match result {
                Ok(()) => return Ok(()),
                Err(neo4rs::Error::Neo4j(e))
                    if e.kind() == Neo4jErrorKind::Transient && attempt < WRITE_ATTEMPTS =>
                {
                    tracing::debug!(query = q.name, attempt, code = e.code(), "retrying write");
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(5));
                    attempt += 1;
                }
                Err(e) => return Err(err(e)),
            }
        }
    }

    /// Opens an explicit write transaction for several statements that must commit together
    /// (the audit chain: lock the head, append, move the head). Dropped without
    /// [`WriteTxn::commit`], it rolls back: the connection is RESET before its next use.
    pub async fn begin_write(&self, name: &str) -> Result<WriteTxn, GraphError> {
        let permit = self.permit(name, self.left()).await?;
        let txn = self
            .inner
            .start_txn()
            .await
            .map_err(|source| GraphError::Query {
                query: name.into(),
                source,
            })?;
        Ok(WriteTxn {
            txn,
            _permit: permit,
        })
    }

    /// Runs a query and maps every row onto `T` by column name, within `limit`.
    pub async fn rows<T: DeserializeOwned>(
        &self,
        q: &Cypher<'_>,
        params: Params,
        limit: Duration,
    ) -> Result<Vec<T>, GraphError> {
        self.bounded_read(q, params, limit, |query| async move {
            let stream = self
                .inner
                .execute(query)
                .await
                .map_err(|source| GraphError::Query {
                    query: q.name.into(),
                    source,
                })?;
            stream
                .into_stream_as::<T>()
                .map_err(|e| decode_or_query(q.name, e))
                .try_collect::<Vec<T>>()
                .await
        })
        .await
    }

    /// Like [`Graph::rows`], for the first row only.
    pub async fn row<T: DeserializeOwned>(
        &self,
        q: &Cypher<'_>,
        params: Params,
        limit: Duration,
    ) -> Result<Option<T>, GraphError> {
        Ok(self.rows(q, params, limit).await?.into_iter().next())
    }

    /// One column of every row.
    pub async fn column<T: DeserializeOwned>(
        &self,
        q: &Cypher<'_>,
        params: Params,
        column: &str,
        limit: Duration,
    ) -> Result<Vec<T>, GraphError> {
        self.bounded_read(q, params, limit, |query| async move {
            let mut stream =
                self.inner
                    .execute(query)
                    .await
                    .map_err(|source| GraphError::Query {
                        query: q.name.into(),
                        source,
                    })?;
            let mut out = Vec::new();
            while let Some(row) = stream.next().await.map_err(|source| GraphError::Query {
                query: q.name.into(),
                source,
            })? {
                out.push(row.get::<T>(column).map_err(|e| GraphError::Decode {
                    query: q.name.into(),
                    reason: e.to_string(),
                })?);
            }
            Ok(out)
        })
        .await
    }

    /// Streams rows to `each` without collecting them: for projections too large to hold.
    pub async fn for_each_row<T, F>(
        &self,
        q: &Cypher<'_>,
        params: Params,
        mut each: F,
    ) -> Result<u64, GraphError>
    where
        T: DeserializeOwned,
        F: FnMut(T),
    {
        let _permit = self.permit(q.name, None).await?;
        let mut stream = self
            .inner
            .execute(access_mode(q, params.into_query(q.text)))
            .await
            .map_err(|source| GraphError::Query {
                query: q.name.into(),
                source,
            })?;
        let mut n = 0;
        while let Some(row) = stream
            .next()
            .await
            .map_err(|e| decode_or_query(q.name, e))?
        {
            each(row.to::<T>().map_err(|e| GraphError::Decode {
                query: q.name.into(),
                reason: e.to_string(),
            })?);
            n += 1;
        }
        Ok(n)
    }

    /// `EXPLAIN` a query: plans it without running it (used by tests to check every file).
    pub async fn explain(&self, q: &Cypher<'_>) -> Result<(), GraphError> {
        let text = format!("EXPLAIN {}", strip_comments(q.text));
        self.inner
            .run(neo4rs::query(&text))
            .await
            .map_err(|source| GraphError::Query {
                query: q.name.into(),
                source,
            })
    }
}

/// One permit of `sem`: within `wait` (else a timeout: the caller's own budget ran out) and
/// within `patience` (else `OVERLOADED`: the pool stayed saturated); None waits as long as it
/// takes.
async fn acquire(
    sem: &Arc<Semaphore>,
    query: &str,
    wait: Option<Duration>,
    patience: Option<Duration>,
) -> Result<OwnedSemaphorePermit, GraphError> {
    let acquire = Arc::clone(sem).acquire_owned();
    let permit =
        match (wait, patience) {
            (None, _) => acquire.await,
            (Some(budget), Some(p)) if p <= budget => tokio::time::timeout(p, acquire)
                .await
                .map_err(|_| GraphError::Overloaded {
                    query: query.into(),
                    millis: p.as_millis() as u64,
                })?,
            (Some(budget), _) => {
                tokio::time::timeout(budget, acquire)
                    .await
                    .map_err(|_| GraphError::Timeout {
                        query: query.into(),
                        millis: budget.as_millis() as u64,
                    })?
            }
        };
    Ok(permit.expect("permit semaphores are never closed"))
}

/// Reads run in READ access mode, which lets a cluster serve them from followers and read
/// replicas (see docs/SCALING.md); statements that write keep the default, WRITE.
fn access_mode(q: &Cypher<'_>, query: neo4rs::Query) -> neo4rs::Query {
    if q.is_read_only() {
        query.read_only()
    } else {
        query
    }
}

/// An explicit write transaction (see [`Graph::begin_write`]).
pub struct WriteTxn {
    txn: neo4rs::Txn,
    _permit: Permits,
}

impl WriteTxn {
    /// Runs one statement of the transaction and maps its rows onto `T`.
    pub async fn rows<T: DeserializeOwned>(
        &mut self,
        q: &Cypher<'_>,
        params: Params,
    ) -> Result<Vec<T>, GraphError> {
        let err = |source| GraphError::Query {
            query: q.name.into(),
            source,
        };
        let mut stream = self
            .txn
            .execute(params.into_query(q.text))
            .await
            .map_err(err)?;
        let mut out = Vec::new();
        while let Some(row) = stream.next(self.txn.handle()).await.map_err(err)? {
            out.push(row.to::<T>().map_err(|e| GraphError::Decode {
                query: q.name.into(),
                reason: e.to_string(),
            })?);
        }
        Ok(out)
    }

    pub async fn commit(self) -> Result<(), GraphError> {
        self.txn.commit().await.map_err(|source| GraphError::Query {
            query: "commit".into(),
            source,
        })
    }
}

fn decode_or_query(query: &str, e: neo4rs::Error) -> GraphError {
    match e {
        neo4rs::Error::DeserializationError(d) => GraphError::Decode {
            query: query.into(),
            reason: d.to_string(),
        },
        source => GraphError::Query {
            query: query.into(),
            source,
        },
    }
}

/// Drops `//` comment lines (query file headers) so a statement can be prefixed.
pub fn strip_comments(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}
