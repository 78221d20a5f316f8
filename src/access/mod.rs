//! Who may do what, and the record of what they did: API tokens (stored only as hashes),
//! roles, the identifier-pseudonym key, and the tamper-evident audit log. The API's guard
//! (`api::guard`) applies these to every request; the CLI manages tokens and verifies the log.

pub mod audit;
pub mod tokens;

use crate::graph::{queries as q, Graph, GraphError, Params};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::time::Duration;

/// A role a token holds; a token may hold several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads records and findings, runs lineage and traces, manages cases, exports evidence.
    Analyst,
    /// Reads records and findings, exports evidence, and reads the audit log.
    Auditor,
    /// Loads data, runs detection, manages tokens; reads records and findings.
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Analyst, Role::Auditor, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Analyst => "analyst",
            Role::Auditor => "auditor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }
}

/// The caller of a request, as its token says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The token's name (the audit log's "who").
    pub subject: String,
    pub token_id: String,
    pub roles: Vec<Role>,
    /// May see raw identifier values and names (every such read is flagged in the audit log).
    pub unmask: bool,
}

impl Identity {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

/// Lower-case hex of SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// 32 random bytes from the thread's CSPRNG (ChaCha, seeded by the OS), as hex.
pub fn random_hex() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex(&bytes)
}

/// The key that turns identifier values into pseudonyms (`phone:~3f9a…`): the same value gives
/// the same pseudonym in every response and every server process on this database, so masked
/// evidence still connects, while nobody without the key can test a guessed phone number.
#[derive(Clone)]
pub struct PseudonymKey(std::sync::Arc<[u8]>);

impl PseudonymKey {
    /// Loads the database's key, creating it on first use.
    pub async fn load(graph: &Graph) -> Result<Self, GraphError> {
        let values: Vec<String> = graph
            .column(
                &q::SECRET_PSEUDONYM_KEY,
                Params::new().with("candidate", random_hex()),
                "value",
                Duration::from_secs(20),
            )
            .await?;
        let value = values.into_iter().next().unwrap_or_default();
        Ok(PseudonymKey(value.into_bytes().into()))
    }

    /// A fixed key, for unit tests.
    pub fn fixed(key: &str) -> Self {
        PseudonymKey(key.as_bytes().to_vec().into())
    }

    /// `~` and 10 hex digits of SHA-256(key ‖ text).
    pub fn pseudonym(&self, text: &str) -> String {
        let mut h = Sha256::new();
        h.update(&self.0);
        h.update([0u8]);
        h.update(text.as_bytes());
        format!("~{}", &hex(&h.finalize())[..10])
    }
}

pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}
