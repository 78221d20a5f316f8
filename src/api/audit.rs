//! The audit log, readable by auditors (never writable through the API: entries are written
//! by the HTTP layer for every request, and by the CLI for exports).

use super::rings::parse_time;
use super::Context;
use crate::access::audit::{self, Entry};
use crate::connection;
use crate::error::AppResult;
use crate::model::Timestamp;
use juniper::graphql_object;

/// One request as recorded, and whether its caller could see raw values (held `unmask`).
pub struct AuditEntry(pub Entry, bool);

connection!(AuditEntryConnection, AuditEntryEdge, AuditEntry);

impl AuditEntry {
    /// Caller input as a masked auditor may see it. A masked caller's (perhaps this reader's
    /// own) gets only the data-independent part of the rule: reading it back must not tell
    /// whether a typed guess matches data.
    fn caller_input(&self, ctx: &Context, text: &str) -> String {
        if self.1 {
            ctx.guard.free_text(Some(text)).unwrap_or_default()
        } else {
            ctx.guard.caller_text(text)
        }
    }
}

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
    fn operation(&self, ctx: &Context) -> String {
        self.caller_input(ctx, &self.0.operation)
    }
    /// The operation name the client sent: client-supplied, so it proves nothing.
    fn client_operation_name(&self, ctx: &Context) -> String {
        self.caller_input(ctx, &self.0.client_operation_name)
    }
    /// The GraphQL document, masked like the variables; one over 16 KiB is recorded as the
    /// server prints it (comments and layout dropped), cut at 16 KiB, and says so in a comment.
    fn document(&self, ctx: &Context) -> String {
        self.caller_input(ctx, &self.0.document)
    }
    /// SHA-256 (hex) of the whole masked document.
    fn document_sha256(&self) -> &str {
        &self.0.document_sha256
    }
    /// The request's variables as JSON (a masked caller's stored masked without the key
    /// or the data), masked for this reader by the free-text rule.
    fn variables(&self, ctx: &Context) -> String {
        self.caller_input(ctx, &self.0.variables)
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
    if ctx.guard.identity().unmask {
        return Ok(AuditEntryConnection::from_rows(&page, rows, |e| {
            AuditEntry(e, true)
        }));
    }
    let unmasking: std::collections::BTreeSet<String> = crate::access::tokens::list(&ctx.graph)
        .await?
        .into_iter()
        .filter(|t| t.unmask)
        .map(|t| t.name)
        .collect();
    let raw = |e: &Entry| e.unmasked || unmasking.contains(&e.actor);
    register_subjects(ctx, rows.iter().filter(|e| raw(e))).await?;
    Ok(AuditEntryConnection::from_rows(&page, rows, |e| {
        let r = raw(&e);
        AuditEntry(e, r)
    }))
}

/// The accounts and cases the entries of unmasking callers name (in their variables or what
/// they returned) are what their variables are about: registered so the free-text rule masks
/// them in them.
async fn register_subjects(ctx: &Context, rows: impl Iterator<Item = &Entry>) -> AppResult<()> {
    fn strings(v: &serde_json::Value, out: &mut std::collections::BTreeSet<String>) {
        match v {
            serde_json::Value::String(s) if s.len() <= crate::model::MAX_ID_LEN => {
                out.insert(s.clone());
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| strings(v, out)),
            serde_json::Value::Object(o) => o.values().for_each(|v| strings(v, out)),
            _ => {}
        }
    }
    let mut ids = std::collections::BTreeSet::new();
    for e in rows {
        for json in [&e.variables, &e.entities] {
            if let Ok(v) = serde_json::from_str(json) {
                strings(&v, &mut ids);
            }
        }
    }
    if !ids.is_empty() {
        let s = crate::cases::subjects(&ctx.graph, ids.into_iter().collect()).await?;
        ctx.guard.register_subjects(
            s.names.iter().map(String::as_str),
            s.keys.iter().map(String::as_str),
        );
    }
    Ok(())
}
