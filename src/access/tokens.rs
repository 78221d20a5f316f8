//! API tokens: random secrets handed out once, stored only as SHA-256 hashes in Neo4j (so every
//! server process on the database knows them), created, listed and revoked by
//! `investigator token …`. Verification is cached for a few seconds per server process: a
//! revocation takes effect everywhere within [`CACHE_TTL`].

use super::{now_ms, random_hex, sha256_hex, Identity, Role};
use crate::graph::{queries as q, Graph, GraphError, Params};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Every token starts with this, so a leaked one is easy to find in logs and code.
pub const PREFIX: &str = "inv_";
/// How long a verified (or unknown) token is remembered before the database is asked again.
pub const CACHE_TTL: Duration = Duration::from_secs(5);
const LIMIT: Duration = Duration::from_secs(10);

/// A token as listed (never its secret or hash).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenInfo {
    pub id: String,
    pub name: String,
    pub roles: Vec<String>,
    pub unmask: bool,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("token name must be 1-64 characters of letters, digits, '-', '_', '.', '@' or ':'")]
    BadName,
    #[error("a token needs at least one role (analyst, auditor, admin)")]
    NoRole,
    /// The audit log names tokens: two live tokens of one name would be indistinguishable.
    #[error("a live token is already named {0:?} ({1}); pick another name, revoke it first, or pass --replace")]
    NameTaken(String, String),
    #[error(transparent)]
    Graph(#[from] GraphError),
}

/// A created token: its secret (shown once, never stored), its id, and the ids of the live
/// tokens of the same name it replaced.
#[derive(Debug)]
pub struct Created {
    pub secret: String,
    pub id: String,
    pub replaced: Vec<String>,
}

/// Creates a token. A live token of the same name refuses it (`NameTaken`), unless `replace`,
/// which revokes that token.
pub async fn create(
    graph: &Graph,
    name: &str,
    roles: &[Role],
    unmask: bool,
    replace: bool,
) -> Result<Created, TokenError> {
    let name_ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.@:".contains(c));
    if !name_ok {
        return Err(TokenError::BadName);
    }
    if roles.is_empty() {
        return Err(TokenError::NoRole);
    }
    let secret = format!("{PREFIX}{}", random_hex());
    let id = format!("tok-{}", &random_hex()[..12]);
    let mut roles: Vec<String> = roles.iter().map(|r| r.as_str().to_string()).collect();
    roles.sort();
    roles.dedup();
    #[derive(Deserialize)]
    struct R {
        created: bool,
        live: Vec<String>,
    }
    let r: Option<R> = graph
        .row(
            &q::TOKEN_CREATE,
            Params::new()
                .with("id", id.as_str())
                .with("name", name)
                .with("hash", sha256_hex(secret.as_bytes()))
                .with("roles", roles)
                .with("unmask", unmask)
                .with("now", now_ms())
                .with("replace", replace),
            LIMIT,
        )
        .await?;
    let r = r.ok_or_else(|| GraphError::Decode {
        query: q::TOKEN_CREATE.name.into(),
        reason: "no row".into(),
    })?;
    if !r.created {
        return Err(TokenError::NameTaken(name.to_string(), r.live.join(", ")));
    }
    Ok(Created {
        secret,
        id,
        replaced: r.live,
    })
}

pub async fn list(graph: &Graph) -> Result<Vec<TokenInfo>, GraphError> {
    graph.rows(&q::TOKEN_LIST, Params::new(), LIMIT).await
}

/// Revokes the live tokens whose id or name is `key`; returns their ids.
pub async fn revoke(graph: &Graph, key: &str) -> Result<Vec<String>, GraphError> {
    let ids: Vec<Vec<String>> = graph
        .column(
            &q::TOKEN_REVOKE,
            Params::new().with("key", key).with("now", now_ms()),
            "revoked",
            LIMIT,
        )
        .await?;
    Ok(ids.into_iter().next().unwrap_or_default())
}

#[derive(Deserialize)]
struct TokenRow {
    id: String,
    name: String,
    roles: Vec<String>,
    unmask: bool,
}

/// Verifies bearer tokens against the database, with a short cache.
pub struct Verifier {
    graph: Graph,
    cache: Mutex<HashMap<String, (Instant, Option<Identity>)>>,
}

impl Verifier {
    pub fn new(graph: Graph) -> Self {
        Verifier {
            graph,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The identity behind a presented secret; `None` for an unknown or revoked token.
    pub async fn verify(&self, secret: &str) -> Result<Option<Identity>, GraphError> {
        if !secret.starts_with(PREFIX) || secret.len() > 200 {
            return Ok(None);
        }
        let hash = sha256_hex(secret.as_bytes());
        if let Some((at, identity)) = self.cache.lock().unwrap().get(&hash) {
            if at.elapsed() < CACHE_TTL {
                return Ok(identity.clone());
            }
        }
        let row: Option<TokenRow> = self
            .graph
            .row(
                &q::TOKEN_BY_HASH,
                Params::new().with("hash", hash.as_str()),
                LIMIT,
            )
            .await?;
        let identity = row.map(|r| Identity {
            subject: r.name,
            token_id: r.id,
            roles: r.roles.iter().filter_map(|s| Role::parse(s)).collect(),
            unmask: r.unmask,
        });
        let mut cache = self.cache.lock().unwrap();
        if cache.len() > 10_000 {
            cache.retain(|_, (at, _)| at.elapsed() < CACHE_TTL);
        }
        cache.insert(hash, (Instant::now(), identity.clone()));
        Ok(identity)
    }
}
