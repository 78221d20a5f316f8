//! One `Config`, loaded once: built-in defaults, then an optional TOML file, then
//! environment variables (which win). `investigator --help` lists every variable.

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Environment variables understood, with what they set. Printed by `--help`.
pub const ENV_HELP: &str = "\
Configuration (environment variables override the optional TOML file given by --config
or INVESTIGATOR_CONFIG; TOML keys in brackets):
  NEO4J_URI                 Bolt URI of Neo4j [neo4j.uri]            default bolt://127.0.0.1:7687
  NEO4J_USER                user [neo4j.user]                         default neo4j
  NEO4J_PASSWORD            password [neo4j.password]                 default neo4j-dev
  NEO4J_DATABASE            database [neo4j.database]                 default neo4j
  NEO4J_MAX_CONNECTIONS     pool size [neo4j.max_connections]         default 16
  NEO4J_MAX_CONNECTIONS_PER_REQUEST  statements one API request may run at once
                            [neo4j.max_connections_per_request]     default 0 (a quarter of the pool, at least 1)
  INVESTIGATOR_BIND         HTTP listen address [http.bind]           default 127.0.0.1:8080
  INVESTIGATOR_LOG          tracing filter, e.g. info,investigator=debug [log.filter]
  INVESTIGATOR_LOG_FORMAT   text | json [log.format]                  default text
  INVESTIGATOR_MAX_PAGE     largest `first` a connection accepts [api.max_page_size]  default 100
  INVESTIGATOR_MAX_INGEST   most records one `ingest` mutation takes [api.max_ingest_records] default 5000
  INVESTIGATOR_QUERY_TIMEOUT_MS  time limit of one database statement [api.query_timeout_ms] default 10000
  INVESTIGATOR_REQUEST_TIMEOUT_MS  one deadline for all statements of a read request [api.request_timeout_ms] default 15000
  INVESTIGATOR_MUTATION_TIMEOUT_MS  deadline of an `ingest` or `detect` request [api.mutation_timeout_ms] default 600000
  INVESTIGATOR_MAX_DEPTH    deepest selection nesting a document may have [api.max_depth]  default 10
  INVESTIGATOR_MAX_COMPLEXITY  complexity budget of a document (see README) [api.max_complexity] default 20000
  INVESTIGATOR_MAX_ALIASES  most aliased fields in a document [api.max_aliases]    default 30
  INVESTIGATOR_MAX_BATCH    most documents in one batched request [api.max_batch] default 10
  INVESTIGATOR_MAX_BODY_BYTES  largest request body [api.max_body_bytes]          default 8388608
  INVESTIGATOR_CORS_ORIGINS comma-separated origins allowed to call the API from a browser [api.cors_origins] default none
  INVESTIGATOR_BATCH_SIZE   records per write transaction [ingest.batch_size]  default 5000
  INVESTIGATOR_WRITERS      concurrent write transactions [ingest.writers]    default 2
  INVESTIGATOR_RARE_IDENTIFIER_MAX  an identifier shared by at most this many accounts ties them
                            [detect.rare_identifier_max_accounts]   default 10
  INVESTIGATOR_COMMERCE_FLOOR  private payments up to this many minor units are ordinary commerce
                            [detect.commerce_floor_minor]           default 1000 (10.00)
  INVESTIGATOR_HUSH_MONEY_MIN  an owner's private payment after a negative review is hush money
                            from this many minor units [detect.hush_money_min_minor] default 10000";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Config {
    pub neo4j: Neo4jConfig,
    pub http: HttpConfig,
    pub log: LogConfig,
    pub api: ApiConfig,
    pub ingest: IngestConfig,
    #[serde(default)]
    pub detect: DetectConfig,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Neo4jConfig {
    pub uri: String,
    pub user: String,
    #[serde(serialize_with = "expose_never")]
    pub password: SecretString,
    pub database: String,
    pub max_connections: usize,
    /// Statements one API request may have in flight; 0 means a quarter of the pool (at
    /// least 1), so one request queues on its own share instead of filling the pool.
    #[serde(default)]
    pub max_connections_per_request: usize,
}

impl Neo4jConfig {
    /// [`Neo4jConfig::max_connections_per_request`] resolved: at least 1, at most the pool.
    pub fn per_request(&self) -> usize {
        let pool = self.max_connections.max(1);
        match self.max_connections_per_request {
            0 => (pool / 4).max(1),
            n => n.min(pool),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HttpConfig {
    pub bind: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LogConfig {
    pub filter: String,
    pub format: LogFormat,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ApiConfig {
    pub max_page_size: usize,
    pub max_ingest_records: usize,
    /// Time limit of one database statement (also sent to Neo4j as its `tx_timeout`).
    pub query_timeout_ms: u64,
    /// One deadline shared by every statement of a read request.
    pub request_timeout_ms: u64,
    /// The deadline of a request that runs a mutation (`ingest`, `detect`).
    pub mutation_timeout_ms: u64,
    pub max_depth: usize,
    pub max_complexity: u64,
    pub max_aliases: usize,
    pub max_batch: usize,
    pub max_body_bytes: usize,
    /// Origins allowed to call the API from a browser; none by default.
    #[serde(deserialize_with = "comma_list")]
    pub cors_origins: Vec<String>,
}

/// A list from TOML (`["a", "b"]`) or from an environment variable (`a,b`).
fn comma_list<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        List(Vec<String>),
        Text(String),
    }
    Ok(match Either::deserialize(d)? {
        Either::List(l) => l,
        Either::Text(t) => t
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect(),
    })
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IngestConfig {
    pub batch_size: usize,
    pub writers: usize,
}

/// Thresholds shared by every detector (see `detect::thresholds` for what they mean and why).
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct DetectConfig {
    pub rare_identifier_max_accounts: i64,
    pub commerce_floor_minor: i64,
    pub hush_money_min_minor: i64,
}

impl Default for DetectConfig {
    fn default() -> Self {
        let t = crate::detect::thresholds::Thresholds::default();
        DetectConfig {
            rare_identifier_max_accounts: t.rare_identifier_max_accounts,
            commerce_floor_minor: t.commerce_floor_minor,
            hush_money_min_minor: t.hush_money_min_minor,
        }
    }
}

impl DetectConfig {
    /// The thresholds these settings define.
    pub fn thresholds(&self) -> crate::detect::thresholds::Thresholds {
        crate::detect::thresholds::Thresholds {
            rare_identifier_max_accounts: self.rare_identifier_max_accounts,
            commerce_floor_minor: self.commerce_floor_minor,
            hush_money_min_minor: self.hush_money_min_minor,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            neo4j: Neo4jConfig {
                uri: "bolt://127.0.0.1:7687".into(),
                user: "neo4j".into(),
                password: SecretString::from("neo4j-dev"),
                database: "neo4j".into(),
                max_connections: 16,
                max_connections_per_request: 0,
            },
            http: HttpConfig {
                bind: "127.0.0.1:8080".into(),
            },
            log: LogConfig {
                filter: "info".into(),
                format: LogFormat::Text,
            },
            api: ApiConfig {
                max_page_size: 100,
                max_ingest_records: 5000,
                query_timeout_ms: 10_000,
                request_timeout_ms: 15_000,
                mutation_timeout_ms: 600_000,
                max_depth: 10,
                max_complexity: 20_000,
                max_aliases: 30,
                max_batch: 10,
                max_body_bytes: 8 * 1024 * 1024,
                cors_origins: Vec::new(),
            },
            ingest: IngestConfig {
                batch_size: 5000,
                writers: 2,
            },
            detect: DetectConfig::default(),
        }
    }
}

/// Secrets are never written out, not even into a figment default.
fn expose_never<S: serde::Serializer>(_: &SecretString, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str("neo4j-dev")
}

#[derive(Debug, thiserror::Error)]
#[error("configuration: {0}")]
pub struct ConfigError(#[from] Box<figment::Error>);

impl Config {
    /// Defaults, then `file` (if given), then the environment.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let mut fig = Figment::from(Serialized::defaults(Config::default()));
        if let Some(path) = file {
            fig = fig.merge(Toml::file_exact(path));
        }
        let env =
            |var: &'static str, key: &'static str| Env::raw().only(&[var]).map(move |_| key.into());
        fig = fig
            .merge(env("NEO4J_URI", "neo4j.uri"))
            .merge(env("NEO4J_USER", "neo4j.user"))
            .merge(env("NEO4J_PASSWORD", "neo4j.password"))
            .merge(env("NEO4J_DATABASE", "neo4j.database"))
            .merge(env("NEO4J_MAX_CONNECTIONS", "neo4j.max_connections"))
            .merge(env(
                "NEO4J_MAX_CONNECTIONS_PER_REQUEST",
                "neo4j.max_connections_per_request",
            ))
            .merge(env("INVESTIGATOR_BIND", "http.bind"))
            .merge(env("INVESTIGATOR_LOG", "log.filter"))
            .merge(env("INVESTIGATOR_LOG_FORMAT", "log.format"))
            .merge(env("INVESTIGATOR_MAX_PAGE", "api.max_page_size"))
            .merge(env("INVESTIGATOR_MAX_INGEST", "api.max_ingest_records"))
            .merge(env("INVESTIGATOR_QUERY_TIMEOUT_MS", "api.query_timeout_ms"))
            .merge(env(
                "INVESTIGATOR_REQUEST_TIMEOUT_MS",
                "api.request_timeout_ms",
            ))
            .merge(env(
                "INVESTIGATOR_MUTATION_TIMEOUT_MS",
                "api.mutation_timeout_ms",
            ))
            .merge(env("INVESTIGATOR_MAX_DEPTH", "api.max_depth"))
            .merge(env("INVESTIGATOR_MAX_COMPLEXITY", "api.max_complexity"))
            .merge(env("INVESTIGATOR_MAX_ALIASES", "api.max_aliases"))
            .merge(env("INVESTIGATOR_MAX_BATCH", "api.max_batch"))
            .merge(env("INVESTIGATOR_MAX_BODY_BYTES", "api.max_body_bytes"))
            .merge(env("INVESTIGATOR_CORS_ORIGINS", "api.cors_origins"))
            .merge(env("INVESTIGATOR_BATCH_SIZE", "ingest.batch_size"))
            .merge(env("INVESTIGATOR_WRITERS", "ingest.writers"))
            .merge(env(
                "INVESTIGATOR_RARE_IDENTIFIER_MAX",
                "detect.rare_identifier_max_accounts",
            ))
            .merge(env(
                "INVESTIGATOR_COMMERCE_FLOOR",
                "detect.commerce_floor_minor",
            ))
            .merge(env(
                "INVESTIGATOR_HUSH_MONEY_MIN",
                "detect.hush_money_min_minor",
            ));
        fig.extract().map_err(|e| ConfigError(Box::new(e)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_gets_a_quarter_of_the_pool_unless_configured() {
        let mut c = Config::default().neo4j;
        assert_eq!(c.per_request(), 4, "a quarter of 16");
        c.max_connections = 2;
        assert_eq!(c.per_request(), 1, "at least one");
        c.max_connections_per_request = 8;
        assert_eq!(c.per_request(), 2, "never more than the pool");
    }
}
