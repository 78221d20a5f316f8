//! The audit log, readable by auditors (never writable through the API: entries are written
//! by the HTTP layer for every request, and by the CLI for exports).

use super::rings::parse_time;
use super::Context;
use crate::access::audit::{self, Entry};
use crate::connection;
use crate::error::AppResult;
use crate::model::Timestamp;
use juniper::graphql_object;

/// One request as recorded.
pub struct AuditEntry(pub Entry);

connection!(AuditEntryConnection, AuditEntryEdge, AuditEntry);

#[graphql_object(context = Context)]
impl AuditEntry {
    /// Position in the chain, from 1.
    fn seq(&self) -> f64 {
        self.0.seq as f64
    }
    /// RFC 3339, UTC.
    fn at(&self) -> String {
        Timestamp(self.0.at).rfc3339()
    }
    /// The token name (or `cli:<user>`).
    fn actor(&self) -> &str {
        &self.0.actor
    }
    /// The token's id (`tok-…`, or `cli`); empty on entries written before it was recorded.
    fn token_id(&self) -> &str {
        &self.0.token_id
    }
    fn request_id(&self) -> &str {
        &self.0.request_id
    }
    /// What the server ran: the operation type and root fields by schema name
    /// (`query account,case`), a route, or a CLI command. (Before token ids were recorded:
    /// the client's operation name, else the root fields.)
    fn operation(&self) -> &str {
        &self.0.operation
    }
    /// The operation name the client sent: client-supplied, so it proves nothing.
    fn client_operation_name(&self) -> &str {
        &self.0.client_operation_name
    }
    /// The GraphQL document, masked like the variables; one over 16 KiB is recorded as the
    /// server prints it (comments and layout dropped), cut at 16 KiB, and says so in a comment.
    fn document(&self) -> &str {
        &self.0.document
    }
    /// SHA-256 (hex) of the whole masked document.
    fn document_sha256(&self) -> &str {
        &self.0.document_sha256
    }
    /// The request's variables as JSON, masked as the caller saw them.
    fn variables(&self) -> &str {
        &self.0.variables
    }
    /// What was returned, as JSON: `{"ids": [...], "total": n}`.
    fn entities(&self) -> &str {
        &self.0.entities
    }
    fn duration_ms(&self) -> f64 {
        self.0.duration_ms as f64
    }
    /// `ok`, or `error:` and the error codes.
    fn outcome(&self) -> &str {
        &self.0.outcome
    }
    /// Raw personal data was returned to a caller holding `unmask`.
    fn unmasked(&self) -> bool {
        self.0.unmasked
    }
    /// SHA-256 of the previous entry's hash and this entry's fields (see `investigator audit verify`).
    fn hash(&self) -> &str {
        &self.0.hash
    }
    fn prev_hash(&self) -> &str {
        &self.0.prev_hash
    }
}

#[allow(clippy::too_many_arguments)]
pub async fn list(
    ctx: &Context,
    from: Option<String>,
    to: Option<String>,
    actor: Option<String>,
    operation: Option<String>,
    first: Option<i32>,
    after: Option<String>,
) -> AppResult<AuditEntryConnection> {
    let filter = audit::Filter {
        from: parse_time("from", from.as_deref())?,
        to: parse_time("to", to.as_deref())?,
        actor,
        operation,
    };
    let page = ctx.page(first, after.as_deref())?;
    let s = page.slice();
    let rows = audit::list(&ctx.graph, &filter, s.skip, s.limit).await?;
    Ok(AuditEntryConnection::from_rows(&page, rows, AuditEntry))
}
