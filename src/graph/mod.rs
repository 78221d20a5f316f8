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
use std::time::Duration;

/// Why a graph operation failed, classified by what the caller can do about it.
#[derive(Debug, thiserror::Error)]
pub enum GraphError {
    #[error("cannot reach Neo4j at {uri}: {source}")]
    Connect {
        uri: String,
        #[source]
        source: neo4rs::Error,
    },
    #[error("query `{query}` failed: {source}")]
    Query {
        query: String,
        #[source]
        source: neo4rs::Error,
    },
    #[error("query `{query}` returned a row that does not fit: {reason}")]
    Decode { query: String, reason: String },
    #[error("query `{query}` did not finish within {millis} ms")]
    Timeout { query: String, millis: u64 },
}

impl GraphError {
    /// True when the database could not be reached or is transiently unable to answer.
    pub fn is_unavailable(&self) -> bool {
        match self {
            GraphError::Connect { .. } | GraphError::Timeout { .. } => true,
            GraphError::Query { source, .. } => is_transient(source),
            GraphError::Decode { .. } => false,
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

fn is_transient(e: &neo4rs::Error) -> bool {
    match e {
        neo4rs::Error::Neo4j(n) => matches!(n.kind(), Neo4jErrorKind::Transient),
        neo4rs::Error::IOError { .. } | neo4rs::Error::ConnectionError => true,
        _ => false,
    }
}

/// Attempts of [`Graph::write`] before a transient error is given up on (about a minute).
const WRITE_ATTEMPTS: u32 = 16;

/// A cheap-to-clone handle on the Neo4j connection pool.
#[derive(Clone)]
pub struct Graph {
    inner: neo4rs::Graph,
    uri: String,
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
        let graph = Graph {
            inner,
            uri: cfg.uri.clone(),
        };
        graph.ping(Duration::from_secs(20)).await?;
        Ok(graph)
    }

    pub fn uri(&self) -> &str {
        &self.uri
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
        self.inner
            .run(params.into_query(q.text))
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
        let mut delay = Duration::from_millis(50);
        let mut attempt = 1;
        loop {
            let result = async {
                let mut txn = self.inner.start_txn().await?;
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

    /// Runs a query and maps every row onto `T` by column name, within `limit`.
    pub async fn rows<T: DeserializeOwned>(
        &self,
        q: &Cypher<'_>,
        params: Params,
        limit: Duration,
    ) -> Result<Vec<T>, GraphError> {
        let work = async {
            let stream = self
                .inner
                .execute(params.into_query(q.text))
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
        };
        with_limit(q.name, limit, work).await
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
        let work = async {
            let mut stream = self
                .inner
                .execute(params.into_query(q.text))
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
        };
        with_limit(q.name, limit, work).await
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
        let mut stream = self
            .inner
            .execute(params.into_query(q.text))
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

async fn with_limit<T>(
    query: &str,
    limit: Duration,
    work: impl std::future::Future<Output = Result<T, GraphError>>,
) -> Result<T, GraphError> {
    tokio::time::timeout(limit, work)
        .await
        .unwrap_or(Err(GraphError::Timeout {
            query: query.into(),
            millis: limit.as_millis() as u64,
        }))
}

/// Drops `//` comment lines (query file headers) so a statement can be prefixed.
pub fn strip_comments(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}
