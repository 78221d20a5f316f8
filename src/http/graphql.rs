//! GraphQL over HTTP (the GraphQL-over-HTTP specification, checked by the `graphql-http`
//! audit in `tests/`): GET for queries, POST for anything, `application/json` and
//! `application/graphql-response+json` responses, batches of at most `api.max_batch`
//! documents. Before a document runs: authentication (from the headers, before the body is
//! read), then its cost ([`crate::api::cost`]; a document it cannot measure never runs);
//! mutations over GET are refused (405) so that no link or page can trigger one, and so is any
//! other method (after the token, so a refusal is attributed and audited). After: every
//! error gets an `extensions.code`, the guard masks the whole response, and the audit entry
//! is committed before the response leaves — for refusals too.

use super::{AppState, Budget};
use crate::api::cost::{Cost, Limits, OperationKind, OverLimit, Rejected};
use crate::api::Context;
use actix_web::http::{header, Method, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use juniper::http::{GraphQLRequest, GraphQLResponse};
use juniper::GraphQLError;
use serde::Deserialize;
use serde_json::{json, Value};
use std::time::Duration;
use tracing_actix_web::RequestId;

/// The response media types this server speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Media {
    /// `application/graphql-response+json`: request errors get 4xx statuses.
    GraphqlResponse,
    /// `application/json`: every well-formed GraphQL response is a 200.
    Json,
}

impl Media {
    fn content_type(self) -> &'static str {
        match self {
            Media::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            Media::Json => "application/json; charset=utf-8",
        }
    }
}

/// Picks the response type from `Accept`: the best-weighted type we speak; none given means
/// `application/json`. `None` when nothing acceptable is offered (406).
fn negotiate(req: &HttpRequest) -> Option<Media> {
    let Some(accept) = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.trim().is_empty())
    else {
        return Some(Media::Json);
    };
    let mut best: Option<(f32, Media)> = None;
    for item in accept.split(',') {
        let mut parts = item.split(';').map(str::trim);
        let mime = parts.next().unwrap_or("").to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.strip_prefix("q="))
            .find_map(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        let media = match mime.as_str() {
            "application/graphql-response+json" => Media::GraphqlResponse,
            "application/json" | "application/*" | "*/*" => Media::Json,
            _ => continue,
        };
        let better = match best {
            None => q > 0.0,
            Some((bq, bm)) => {
                q > bq || (q == bq && media == Media::GraphqlResponse && bm == Media::Json)
            }
        };
        if better {
            best = Some((q, media));
        }
    }
    best.map(|(_, m)| m)
}

/// One document as sent.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Document {
    query: Option<Value>,
    operation_name: Option<Value>,
    variables: Option<Value>,
    extensions: Option<Value>,
}

/// A request-level failure: nothing executed.
struct Refusal {
    status: StatusCode,
    body: Value,
    /// The `Allow` header of a 405.
    allow: Option<&'static str>,
}

fn refuse(status: StatusCode, code: &'static str, message: impl Into<String>) -> Refusal {
    Refusal {
        status,
        body: error_body(code, &message.into()),
        allow: None,
    }
}

fn error_body(code: &str, message: &str) -> Value {
    json!({ "errors": [{ "message": message, "extensions": { "code": code } }] })
}

/// The documents of a request, from the query string (GET) or the body (POST).
fn documents(req: &HttpRequest, body: &[u8]) -> Result<(Vec<Document>, bool), Refusal> {
    if req.method() == Method::GET {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Get {
            query: Option<String>,
            operation_name: Option<String>,
            variables: Option<String>,
        }
        let p = web::Query::<Get>::from_query(req.query_string()).map_err(|e| {
            refuse(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                format!("query string: {e}"),
            )
        })?;
        let variables = match p.variables.as_deref() {
            None | Some("") => None,
            Some(v) => Some(serde_json::from_str::<Value>(v).map_err(|e| {
                refuse(
                    StatusCode::BAD_REQUEST,
                    "BAD_REQUEST",
                    format!("`variables` is not JSON: {e}"),
                )
            })?),
        };
        let doc = Document {
            query: p.query.clone().map(Value::String),
            operation_name: p.operation_name.clone().map(Value::String),
            variables,
            extensions: None,
        };
        return Ok((vec![doc], false));
    }
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match content_type.as_str() {
        "application/json" => {}
        "application/graphql" => {
            let query = std::str::from_utf8(body).map_err(|_| {
                refuse(
                    StatusCode::BAD_REQUEST,
                    "BAD_REQUEST",
                    "the body is not UTF-8",
                )
            })?;
            let doc = Document {
                query: Some(Value::String(query.to_string())),
                operation_name: None,
                variables: None,
                extensions: None,
            };
            return Ok((vec![doc], false));
        }
        "" => {
            return Err(refuse(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "BAD_REQUEST",
                "send the request as `Content-Type: application/json`",
            ))
        }
        other => {
            return Err(refuse(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "BAD_REQUEST",
                format!("unsupported content type {other:?}; send application/json"),
            ))
        }
    }
    let parsed: Value = serde_json::from_slice(body).map_err(|e| {
        refuse(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            format!("the body is not valid JSON: {e}"),
        )
    })?;
    let bad_shape = || {
        refuse(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "the body must be a JSON object {\"query\": …} or an array of them",
        )
    };
    match parsed {
        Value::Array(items) => {
            let docs = items
                .into_iter()
                .map(|v| serde_json::from_value::<Document>(v).map_err(|_| bad_shape()))
                .collect::<Result<Vec<_>, _>>()?;
            Ok((docs, true))
        }
        v @ Value::Object(_) => Ok((
            vec![serde_json::from_value(v).map_err(|_| bad_shape())?],
            false,
        )),
        _ => Err(bad_shape()),
    }
}

/// A document checked for shape: a query string, an optional operation name, an object of
/// variables.
struct Checked {
    query: String,
    operation_name: Option<String>,
    variables: Value,
}

fn check(doc: Document) -> Result<Checked, Refusal> {
    if !matches!(
        doc.extensions,
        None | Some(Value::Null) | Some(Value::Object(_))
    ) {
        return Err(refuse(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "`extensions` must be an object",
        ));
    }
    let query = match doc.query {
        Some(Value::String(q)) => q,
        Some(_) => {
            return Err(refuse(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                "`query` must be a string",
            ))
        }
        None => {
            return Err(refuse(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                "the request has no `query`",
            ))
        }
    };
    let operation_name = match doc.operation_name {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s),
        Some(_) => {
            return Err(refuse(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                "`operationName` must be a string",
            ))
        }
    };
    let variables = match doc.variables {
        None | Some(Value::Null) => Value::Object(Default::default()),
        Some(v @ Value::Object(_)) => v,
        Some(_) => {
            return Err(refuse(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                "`variables` must be an object",
            ))
        }
    };
    Ok(Checked {
        query,
        operation_name,
        variables,
    })
}

fn limits(state: &AppState) -> Limits {
    let api = &state.config().api;
    Limits {
        max_depth: api.max_depth,
        max_complexity: api.max_complexity,
        max_aliases: api.max_aliases,
        max_page: api.max_page_size as u64,
    }
}

fn over_limit_body(o: &OverLimit) -> Value {
    json!({ "errors": [{
        "message": format!("query too complex: {o}; simplify it (fewer levels, smaller `first`, fewer aliases) or split it"),
        "extensions": { "code": "QUERY_TOO_COMPLEX", "limit": o.limit, "max": o.max, "actual": o.actual }
    }] })
}

/// The request body, at most `limit` bytes, within `timeout`. Past the size the refusal is
/// `PAYLOAD_TOO_LARGE` in the same JSON shape as every other error: the framework's own 413
/// is plain text, which a client reading `extensions.code` cannot parse. A declared length
/// over the limit is refused before anything is read; a body trickling in (slowloris) is cut
/// at the timeout.
async fn read_body(
    req: &HttpRequest,
    payload: web::Payload,
    limit: usize,
    timeout: Duration,
) -> Result<web::Bytes, Refusal> {
    let too_large = || {
        refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
            format!(
                "the request body is over {limit} bytes (INVESTIGATOR_MAX_BODY_BYTES); send less, or split an ingest batch"
            ),
        )
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(too_large());
    }
    match tokio::time::timeout(timeout, payload.to_bytes_limited(limit)).await {
        Ok(Ok(Ok(body))) => Ok(body),
        Ok(Ok(Err(e))) => Err(refuse(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            format!("the request body could not be read: {e}"),
        )),
        Ok(Err(_)) => Err(too_large()),
        Err(_) => Err(refuse(
            StatusCode::REQUEST_TIMEOUT,
            "TIMEOUT",
            format!(
                "the request body did not arrive within {} ms (INVESTIGATOR_REQUEST_TIMEOUT_MS); send it at once",
                timeout.as_millis()
            ),
        )),
    }
}

/// One document's outcome, ready to send.
struct Outcome {
    body: Value,
    /// A request error (nothing executed): 4xx under `application/graphql-response+json`.
    request_error: bool,
    /// The document as sent; None for a request refused before any document was read, which
    /// is recorded under `operation` (`POST /graphql`).
    sent: Option<super::audited::Sent>,
    operation: String,
    variables: Value,
}

/// A document to run, with its measure.
struct Measured {
    doc: Checked,
    cost: Result<Cost, Rejected>,
}

pub async fn handle(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
    request_id: RequestId,
) -> HttpResponse {
    let mut resp = answer(req, payload, state, request_id).await;
    // Responses carry personal data (and errors about it): never store them anywhere.
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    resp
}

async fn answer(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
    request_id: RequestId,
) -> HttpResponse {
    // From the headers alone: an unknown caller never gets its body read (memory).
    // Unauthenticated requests cannot be attributed and are not audited (the access log
    // has them).
    let identity = match state.authenticate(&req).await {
        Ok(identity) => identity,
        Err(resp) => return resp,
    };
    let request_ctx = state.context(identity.clone(), request_id.to_string(), Budget::Read);
    let media = negotiate(&req);
    let prepared = match media {
        Some(_) => prepare(&req, payload, &state).await,
        None => Err(refuse(
            StatusCode::NOT_ACCEPTABLE,
            "BAD_REQUEST",
            "accept application/graphql-response+json or application/json",
        )),
    };
    let media = media.unwrap_or(Media::Json);
    let respond = |status: StatusCode, body: Value| {
        HttpResponse::build(status)
            .content_type(media.content_type())
            .body(body.to_string())
    };
    let (docs, batched) = match prepared {
        Ok(p) => p,
        Err(r) => {
            // Refused before any document ran: still one audit entry, with its code.
            let outcome = Outcome {
                body: r.body,
                request_error: true,
                sent: None,
                operation: format!("{} /graphql", req.method()),
                variables: Value::Null,
            };
            if let Err(resp) = record(&state, &[(&request_ctx, &outcome)], respond).await {
                return resp;
            }
            let mut resp = respond(r.status, outcome.body);
            if let Some(allow) = r.allow {
                resp.headers_mut()
                    .insert(header::ALLOW, header::HeaderValue::from_static(allow));
            }
            return resp;
        }
    };
    // Each document has its own context: its deadline by its own operation type.
    let mut outcomes = Vec::with_capacity(docs.len());
    for m in docs {
        let budget = match &m.cost {
            Ok(c) if c.kind == OperationKind::Mutation => Budget::Mutation,
            _ => Budget::Read,
        };
        let ctx = state.context(identity.clone(), request_id.to_string(), budget);
        let mut outcome = run(&state, &ctx, m.doc, m.cost).await;
        // Mask the whole response as this caller may see it, then record it.
        ctx.guard.resolve_names(&state.graph).await;
        ctx.guard.redact_response(&mut outcome.body);
        outcomes.push((ctx, outcome));
    }
    let entries: Vec<(&Context, &Outcome)> = outcomes.iter().map(|(c, o)| (c, o)).collect();
    if let Err(resp) = record(&state, &entries, respond).await {
        return resp;
    }
    if batched {
        let bodies: Vec<Value> = outcomes.into_iter().map(|(_, o)| o.body).collect();
        return respond(StatusCode::OK, Value::Array(bodies));
    }
    let (_, o) = outcomes.pop().expect("one document");
    let status = if o.request_error && media == Media::GraphqlResponse {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    respond(status, o.body)
}

/// Reads, parses and measures the request's documents; a refusal means none may run.
async fn prepare(
    req: &HttpRequest,
    payload: web::Payload,
    state: &AppState,
) -> Result<(Vec<Measured>, bool), Refusal> {
    // Any other method is refused before its body is read, and audited like every refusal.
    if req.method() != Method::GET && req.method() != Method::POST {
        return Err(Refusal {
            status: StatusCode::METHOD_NOT_ALLOWED,
            body: error_body("METHOD_NOT_ALLOWED", "use GET (queries) or POST"),
            allow: Some("GET, POST"),
        });
    }
    let api = &state.config().api;
    let timeout = Duration::from_millis(api.request_timeout_ms);
    let body = read_body(req, payload, api.max_body_bytes, timeout).await?;
    let (docs, batched) = documents(req, &body)?;
    if docs.len() > api.max_batch || docs.is_empty() {
        let o = OverLimit {
            limit: "batch",
            max: api.max_batch as u64,
            actual: docs.len() as u64,
        };
        return Err(Refusal {
            status: StatusCode::BAD_REQUEST,
            body: over_limit_body(&o),
            allow: None,
        });
    }
    let docs = docs.into_iter().map(check).collect::<Result<Vec<_>, _>>()?;
    // Measure every document before any runs.
    let limits = limits(state);
    let mut measured = Vec::with_capacity(docs.len());
    for doc in docs {
        let cost = state.cost.measure(
            &doc.query,
            doc.operation_name.as_deref(),
            &doc.variables,
            &limits,
        );
        // Only a measured document runs, so GET never runs what could be a mutation.
        if matches!(&cost, Ok(c) if c.kind == OperationKind::Mutation)
            && req.method() == Method::GET
        {
            return Err(Refusal {
                status: StatusCode::METHOD_NOT_ALLOWED,
                body: error_body(
                    "METHOD_NOT_ALLOWED",
                    "mutations are accepted only over POST",
                ),
                allow: Some("POST"),
            });
        }
        measured.push(Measured { doc, cost });
    }
    Ok((measured, batched))
}

/// Appends the audit entries and waits for their commit; the `Err` is the response to send
/// instead (no answer goes unrecorded).
async fn record(
    state: &AppState,
    entries: &[(&Context, &Outcome)],
    respond: impl Fn(StatusCode, Value) -> HttpResponse,
) -> Result<(), HttpResponse> {
    let audits = entries.iter().map(|(ctx, o)| async move {
        match &o.sent {
            Some(sent) => {
                state
                    .finish_graphql(ctx, sent, o.variables.clone(), &o.body, outcome_of(&o.body))
                    .await
            }
            None => {
                state
                    .finish(
                        ctx,
                        o.operation.clone(),
                        o.variables.clone(),
                        serde_json::json!({}),
                        outcome_of(&o.body),
                    )
                    .await
            }
        }
    });
    if let Err(e) = futures::future::try_join_all(audits).await {
        tracing::error!(error = %e, "audit entry not written; response withheld");
        return Err(respond(
            StatusCode::SERVICE_UNAVAILABLE,
            error_body(
                "UNAVAILABLE",
                "the request could not be recorded in the audit log; retry shortly",
            ),
        ));
    }
    Ok(())
}

async fn run(state: &AppState, ctx: &Context, d: Checked, cost: Result<Cost, Rejected>) -> Outcome {
    let sent = Some(super::audited::Sent {
        query: d.query.clone(),
        operation_name: d.operation_name.clone(),
    });
    if let Err(rejected) = cost {
        let body = match &rejected {
            Rejected::OverLimit(o) => over_limit_body(o),
            other => error_body(other.code(), &other.to_string()),
        };
        return Outcome {
            body,
            request_error: true,
            sent,
            operation: String::new(),
            variables: d.variables,
        };
    }
    let variables = match serde_json::from_value::<juniper::InputValue>(d.variables.clone()) {
        Ok(v) => v,
        Err(e) => {
            return Outcome {
                body: json!({ "errors": [{ "message": format!("`variables`: {e}"), "extensions": { "code": "BAD_USER_INPUT" } }] }),
                request_error: true,
                sent,
                operation: String::new(),
                variables: d.variables,
            }
        }
    };
    let request = GraphQLRequest::new(d.query, d.operation_name, Some(variables));
    let response = request.execute(&state.schema, ctx).await;
    let (body, request_error) = shape(response);
    Outcome {
        body,
        request_error,
        sent,
        operation: String::new(),
        variables: d.variables,
    }
}

/// Serialises a response and gives every error a code: parse and validation failures (which
/// juniper leaves without one), variable coercion (`BAD_USER_INPUT`), and anything else
/// uncoded (`INTERNAL`).
fn shape(response: GraphQLResponse) -> (Value, bool) {
    let result = response.into_result();
    let (code, request_error) = match &result {
        Ok(_) => ("INTERNAL", false),
        Err(GraphQLError::ParseError(_)) => ("GRAPHQL_PARSE_FAILED", true),
        Err(GraphQLError::ValidationError(_)) => ("GRAPHQL_VALIDATION_FAILED", true),
        Err(_) => ("BAD_REQUEST", true),
    };
    let mut body = serde_json::to_value(GraphQLResponse::from_result(result)).unwrap_or_else(
        |e| json!({ "errors": [{ "message": format!("response not serialisable: {e}") }] }),
    );
    if let Some(errors) = body.get_mut("errors").and_then(Value::as_array_mut) {
        for err in errors {
            let message = err["message"].as_str().unwrap_or("").to_string();
            let ext = err
                .as_object_mut()
                .expect("errors are objects")
                .entry("extensions")
                .or_insert_with(|| json!({}));
            if ext.get("code").is_none() {
                let code =
                    if code == "GRAPHQL_VALIDATION_FAILED" && message.starts_with("Variable \"$") {
                        "BAD_USER_INPUT"
                    } else {
                        code
                    };
                ext["code"] = json!(code);
            }
        }
    }
    (body, request_error)
}

/// `ok`, or `error:` and the codes of the response's errors.
fn outcome_of(body: &Value) -> String {
    let Some(errors) = body.get("errors").and_then(Value::as_array) else {
        return "ok".into();
    };
    let mut codes: Vec<&str> = errors
        .iter()
        .filter_map(|e| e["extensions"]["code"].as_str())
        .collect();
    codes.sort();
    codes.dedup();
    format!("error:{}", codes.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn accept_headers_pick_the_media_type() {
        let pick = |accept: Option<&str>| {
            let mut r = TestRequest::get();
            if let Some(a) = accept {
                r = r.insert_header((header::ACCEPT, a));
            }
            negotiate(&r.to_http_request())
        };
        assert_eq!(pick(None), Some(Media::Json));
        assert_eq!(
            pick(Some("application/graphql-response+json")),
            Some(Media::GraphqlResponse)
        );
        assert_eq!(
            pick(Some("application/json, application/graphql-response+json")),
            Some(Media::GraphqlResponse)
        );
        assert_eq!(
            pick(Some(
                "application/graphql-response+json;q=0.5, application/json"
            )),
            Some(Media::Json)
        );
        assert_eq!(pick(Some("*/*")), Some(Media::Json));
        assert_eq!(pick(Some("text/html")), None);
    }

    #[test]
    fn outcomes_summarise_a_response() {
        let body = json!({"data": {"a": {"id": "x"}}});
        assert_eq!(outcome_of(&body), "ok");
        let body = json!({"errors": [{"extensions": {"code": "NOT_FOUND"}}, {"extensions": {"code": "FORBIDDEN"}}]});
        assert_eq!(outcome_of(&body), "error:FORBIDDEN,NOT_FOUND");
    }
}
