//! The crate's error at the API boundary and its mapping to GraphQL `extensions.code`.
//!
//! Clients get a stable code and a message a person can act on; internals (Neo4j messages,
//! query names) go to the log under the request id, never to the client.

use crate::graph::GraphError;
use juniper::{graphql_value, FieldError, IntoFieldError, ScalarValue, Value};
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{kind} {id:?} does not exist")]
    NotFound { kind: &'static str, id: String },
    #[error("{field}: {reason}")]
    BadInput { field: String, reason: String },
    /// Several records of an ingest batch are invalid: `(location, field, reason)` each.
    #[error("{total} invalid record(s); nothing was written. First: {}", first_record_error(.errors))]
    InvalidRecords {
        total: u64,
        errors: Vec<(String, String, String)>,
    },
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The operation conflicts with one in progress (a second detection run).
    #[error("{0}")]
    Conflict(String),
    #[error("the graph database is unavailable; retry shortly")]
    Unavailable(#[source] Arc<GraphError>),
    #[error("the query took longer than its time limit of {0} ms; narrow it (smaller maxDepth, a time window)")]
    Timeout(u64),
    /// Every connection to the graph database stayed busy: the server is saturated.
    #[error(
        "the server is busy (no database connection became free within {0} ms); retry shortly"
    )]
    Overloaded(u64),
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl AppError {
    pub fn bad_input(field: impl Into<String>, reason: impl Into<String>) -> Self {
        AppError::BadInput {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// The same error again, for each field that waited on the failed work (the siblings of a
    /// batched lookup): the same code and message, so a lookup that timed out is `TIMEOUT`
    /// on every field that needed it.
    pub fn again(&self) -> AppError {
        match self {
            AppError::NotFound { kind, id } => AppError::NotFound {
                kind,
                id: id.clone(),
            },
            AppError::BadInput { field, reason } => AppError::bad_input(field, reason),
            AppError::InvalidRecords { total, errors } => AppError::InvalidRecords {
                total: *total,
                errors: errors.clone(),
            },
            AppError::Forbidden(m) => AppError::Forbidden(m.clone()),
            AppError::Conflict(m) => AppError::Conflict(m.clone()),
            AppError::Unavailable(e) => AppError::Unavailable(Arc::clone(e)),
            AppError::Timeout(ms) => AppError::Timeout(*ms),
            AppError::Overloaded(ms) => AppError::Overloaded(*ms),
            AppError::Internal(e) => AppError::Internal(anyhow::anyhow!("{e:#}")),
        }
    }

    /// The message a client gets. It never echoes the id the caller asked for: masking it
    /// would tell the caller whether a guess matched data (the error's `path` names the
    /// field). `Display` keeps it for the CLI.
    pub fn client_message(&self) -> String {
        match self {
            AppError::NotFound { kind, .. } => format!("{kind} does not exist"),
            _ => self.to_string(),
        }
    }

    /// The stable `extensions.code`.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound { .. } => "NOT_FOUND",
            AppError::BadInput { .. } | AppError::InvalidRecords { .. } => "BAD_USER_INPUT",
            AppError::Forbidden(_) => "FORBIDDEN",
            AppError::Conflict(_) => "CONFLICT",
            AppError::Unavailable(_) => "UNAVAILABLE",
            AppError::Timeout(_) => "TIMEOUT",
            AppError::Overloaded(_) => "OVERLOADED",
            AppError::Internal(_) => "INTERNAL",
        }
    }
}

impl From<GraphError> for AppError {
    fn from(e: GraphError) -> Self {
        if let GraphError::Timeout { millis, .. } = e {
            return AppError::Timeout(millis);
        }
        if let GraphError::Overloaded { millis, .. } = e {
            return AppError::Overloaded(millis);
        }
        if e.is_unavailable() {
            AppError::Unavailable(Arc::new(e))
        } else {
            AppError::Internal(e.into())
        }
    }
}

impl<S: ScalarValue> IntoFieldError<S> for AppError {
    fn into_field_error(self) -> FieldError<S> {
        let code = self.code();
        if matches!(self, AppError::Internal(_) | AppError::Unavailable(_)) {
            // The Display chain (values scrubbed by the graph layer), never Debug: a Debug
            // dump of a driver error would print the rows and parameters it carries.
            let chain = error_chain(&self);
            tracing::error!(error = %chain, code, "request failed");
        }
        let ext = match &self {
            AppError::BadInput { field, .. } => {
                graphql_value!({ "code": code, "field": (field.as_str()) })
            }
            AppError::NotFound { kind, .. } => {
                graphql_value!({ "code": code, "kind": (*kind) })
            }
            AppError::InvalidRecords { errors, .. } => {
                let list: Vec<Value<S>> = errors
                    .iter()
                    .take(100)
                    .map(|(location, field, reason)| {
                        graphql_value!({ "location": (location.as_str()), "field": (field.as_str()), "reason": (reason.as_str()) })
                    })
                    .collect();
                let first_field = errors.first().map(|e| e.1.as_str()).unwrap_or("-");
                let mut obj = juniper::Object::with_capacity(3);
                obj.add_field("code", Value::scalar(code.to_string()));
                obj.add_field("field", Value::scalar(first_field.to_string()));
                obj.add_field("errors", Value::list(list));
                Value::object(obj)
            }
            _ => graphql_value!({ "code": code }),
        };
        FieldError::new(self.client_message(), ext)
    }
}

pub type AppResult<T> = Result<T, AppError>;

/// "outer: cause: root cause", each level as its Display shows it.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = crate::telemetry::scrub_values(&s.to_string());
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

fn first_record_error(errors: &[(String, String, String)]) -> String {
    errors
        .first()
        .map(|(l, f, r)| format!("{l}: {f}: {r}"))
        .unwrap_or_default()
}
