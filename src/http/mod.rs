//! The actix-web application: `/graphql` (GraphQL over HTTP, see [`graphql`]), `/graphiql`
//! (the explorer, assets embedded in the binary), `/schema.graphql`, `/healthz` (process up)
//! and `/readyz` (Neo4j answers). Every route but the health checks and the explorer page
//! needs a bearer token ([`AppState::begin`]); every authenticated request is written to the
//! audit log before its response leaves ([`AppState::finish`]).

mod audited;
mod graphql;
pub mod ready;

use crate::access::audit::{self, AuditLog};
use crate::access::tokens::Verifier;
use crate::access::{Identity, PseudonymKey};
use crate::api::cost::CostModel;
use crate::api::guard::Guard;
use crate::api::{schema, Context, Schema};
use crate::config::Config;
use crate::error::AppError;
use crate::graph::read::Reader;
use crate::graph::{Graph, GraphError};
use actix_web::http::{header, StatusCode};
use actix_web::middleware::Compress;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tracing_actix_web::{RequestId, TracingLogger};

/// Shared by every request.
pub struct AppState {
    schema: Schema,
    cost: CostModel,
    graph: Graph,
    config: Arc<Config>,
    tokens: Verifier,
    audit: AuditLog,
    key: PseudonymKey,
    ready: Arc<ready::Readiness>,
    /// The runtime the state was built on (the process's multi-threaded one), for work that
    /// must not hold an HTTP worker: each worker is a single thread serving many connections.
    background: tokio::runtime::Handle,
}

/// How long a request may take, by what it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Budget {
    Read,
    Mutation,
}

impl AppState {
    /// Loads what requests share (the pseudonym key) and starts the audit writer.
    pub async fn new(graph: Graph, config: Arc<Config>) -> Result<Self, GraphError> {
        let schema = schema();
        let cost = CostModel::from_sdl(&schema.as_sdl()).expect("the served SDL parses");
        // The audit writer has connections of its own: a saturated pool must not stop requests
        // from being recorded (and so from being answered).
        let audit_pool = Graph::connect(&crate::config::Neo4jConfig {
            max_connections: 2,
            ..config.neo4j.clone()
        })
        .await?;
        let readiness = Arc::new(ready::Readiness::default());
        ready::start(
            graph.clone(),
            Arc::clone(&readiness),
            Duration::from_millis(config.api.query_timeout_ms),
        );
        Ok(AppState {
            background: tokio::runtime::Handle::current(),
            ready: readiness,
            key: PseudonymKey::load(&graph).await?,
            tokens: Verifier::new(graph.clone()),
            audit: AuditLog::start(audit_pool),
            schema,
            cost,
            graph,
            config,
        })
    }

    /// Authenticates a request and builds its context: the caller's guard, and one deadline
    /// for every statement the request runs. The `Err` is the response to send (401, 503).
    pub async fn begin(
        &self,
        req: &HttpRequest,
        request_id: String,
        budget: Budget,
    ) -> Result<Context, HttpResponse> {
        let identity = self.authenticate(req).await?;
        Ok(self.context(identity, request_id, budget))
    }

    /// The context of an authenticated request.
    pub(crate) fn context(
        &self,
        identity: Identity,
        request_id: String,
        budget: Budget,
    ) -> Context {
        let millis = match budget {
            Budget::Read => self.config.api.request_timeout_ms,
            Budget::Mutation => self.config.api.mutation_timeout_ms,
        };
        let deadline = Instant::now() + Duration::from_millis(millis);
        let graph = self
            .graph
            .with_deadline(deadline, Duration::from_millis(millis));
        let limit = Duration::from_millis(self.config.api.query_timeout_ms);
        Context {
            background: self.background.clone(),
            reader: Reader::new(graph.clone(), limit),
            graph,
            guard: Guard::new(identity, self.key.clone()),
            config: Arc::clone(&self.config),
            request_id,
            started: Instant::now(),
            deadline,
            accounts: Default::default(),
            shops: Default::default(),
            prefetched: Default::default(),
            payments_sent: Default::default(),
            batched: Default::default(),
        }
    }

    pub(crate) async fn authenticate(&self, req: &HttpRequest) -> Result<Identity, HttpResponse> {
        let presented = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                // The scheme is case-insensitive (RFC 7235).
                let (scheme, secret) = v.trim_start().split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then_some(secret)
            })
            .map(str::trim);
        let Some(secret) = presented else {
            return Err(unauthenticated(
                "this API needs a bearer token: send `Authorization: Bearer <token>` (create one with `investigator token create`)",
            ));
        };
        match self.tokens.verify(secret).await {
            Ok(Some(identity)) => Ok(identity),
            Ok(None) => {
                tracing::warn!(path = req.path(), "unknown or revoked token refused");
                Err(unauthenticated("the bearer token is unknown or revoked"))
            }
            Err(e) => {
                tracing::error!(error = %e, "token check failed");
                let e = AppError::from(e);
                Err(error_response(
                    StatusCode::SERVICE_UNAVAILABLE,
                    e.code(),
                    &e.to_string(),
                ))
            }
        }
    }

    /// Writes the request's audit entry (its caller input masked for a masked caller) and waits for it to be
    /// committed. An error means the entry could not be written: the caller must not send
    /// the response (no read goes unrecorded).
    pub async fn finish(
        &self,
        ctx: &Context,
        operation: String,
        variables: serde_json::Value,
        entities: serde_json::Value,
        outcome: String,
    ) -> Result<(), AppError> {
        let record = audit::Record {
            operation,
            entities: entities.to_string(),
            outcome,
            ..audit::Record::default()
        };
        self.record(ctx, record, variables).await
    }

    /// [`AppState::finish`] for one GraphQL document and its masked response: what it ran and
    /// returned is worked out from the parsed document ([`audited`]), not from client names.
    pub(crate) async fn finish_graphql(
        &self,
        ctx: &Context,
        sent: &audited::Sent,
        variables: serde_json::Value,
        body: &serde_json::Value,
        outcome: String,
    ) -> Result<(), AppError> {
        let d = audited::describe(
            sent,
            &variables,
            body,
            &ctx.guard,
            self.config.api.max_depth,
        );
        let record = audit::Record {
            operation: d.operation,
            client_operation_name: ctx.guard.redact_text(&d.client_operation_name),
            document: d.document,
            document_sha256: d.document_sha256,
            entities: d.entities.to_string(),
            outcome,
            ..audit::Record::default()
        };
        self.record(ctx, record, variables).await
    }

    /// Fills in who, when and how long, masks the variables, and appends.
    async fn record(
        &self,
        ctx: &Context,
        mut record: audit::Record,
        mut variables: serde_json::Value,
    ) -> Result<(), AppError> {
        // Caller input: masked without the key or the data (see `Guard::mask_caller_input`).
        ctx.guard.mask_caller_input(&mut variables);
        record.operation = ctx.guard.redact_text(&record.operation);
        record.actor = ctx.guard.actor().to_string();
        record.token_id = ctx.guard.identity().token_id.clone();
        record.request_id = ctx.request_id.clone();
        record.variables = if variables.is_null() {
            String::new()
        } else {
            variables.to_string()
        };
        record.duration_ms = ctx.started.elapsed().as_millis() as i64;
        record.unmasked = ctx.guard.unmasked_read();
        self.audit
            .append(record)
            .await
            .map(|_| ())
            .map_err(|e| AppError::Internal(e.into()))
    }

    pub fn config(&self) -> &Config {
        &self.config
    }
}

/// A GraphQL-shaped error body with a stable `extensions.code`, for responses outside
/// GraphQL execution (authentication, malformed requests).
pub fn error_response(status: StatusCode, code: &str, message: &str) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("application/json; charset=utf-8")
        .json(json!({ "errors": [{ "message": message, "extensions": { "code": code } }] }))
}

fn unauthenticated(message: &str) -> HttpResponse {
    let mut resp = error_response(StatusCode::UNAUTHORIZED, "UNAUTHENTICATED", message);
    resp.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        header::HeaderValue::from_static("Bearer realm=\"investigator\""),
    );
    resp
}

async fn sdl(req: HttpRequest, state: web::Data<AppState>, id: RequestId) -> HttpResponse {
    let ctx = match state.begin(&req, id.to_string(), Budget::Read).await {
        Ok(ctx) => ctx,
        Err(resp) => return resp,
    };
    let outcome = "ok".to_string();
    if let Err(e) = state
        .finish(
            &ctx,
            "GET /schema.graphql".into(),
            serde_json::Value::Null,
            json!({}),
            outcome,
        )
        .await
    {
        return error_response(StatusCode::SERVICE_UNAVAILABLE, e.code(), &e.to_string());
    }
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body(state.schema.as_sdl())
}

async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

/// 200 once start-up is complete (see [`ready`]) and Neo4j answers; 503 with the stage
/// otherwise.
async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let stage = state.ready.stage();
    if stage != ready::Stage::Ready {
        return HttpResponse::ServiceUnavailable()
            .json(json!({ "status": "starting", "stage": stage.as_str() }));
    }
    match state.graph.ping(Duration::from_secs(3)).await {
        Ok(()) => HttpResponse::Ok().json(json!({ "status": "ready", "neo4j": "ok" })),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            HttpResponse::ServiceUnavailable()
                .json(json!({ "status": "unavailable", "neo4j": "unreachable" }))
        }
    }
}

const GRAPHIQL_HTML: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tools/graphiql/index.html"
));

macro_rules! asset {
    ($file:literal) => {
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tools/graphiql/dist/",
            $file
        ))
    };
}

const ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "graphiql.min.js",
        "application/javascript",
        asset!("graphiql.min.js"),
    ),
    ("graphiql.min.css", "text/css", asset!("graphiql.min.css")),
    (
        "react.min.js",
        "application/javascript",
        asset!("react.min.js"),
    ),
    (
        "react-dom.min.js",
        "application/javascript",
        asset!("react-dom.min.js"),
    ),
    (
        "explorer.js",
        "application/javascript",
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tools/graphiql/explorer.js"
        )),
    ),
];

/// The explorer runs only its own embedded scripts (no inline one), talks only to this
/// server and may not be framed (clickjacking with a pasted token). GraphiQL and CodeMirror
/// inject style elements, hence `'unsafe-inline'` for styles only.
const GRAPHIQL_CSP: &str =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; \
base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The explorer page itself needs no token: the token is pasted into (or passed to) its
/// header editor, and every query it sends is authenticated like any other.
async fn graphiql() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header(("Referrer-Policy", "no-referrer"))
        .insert_header(("Content-Security-Policy", GRAPHIQL_CSP))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(GRAPHIQL_HTML)
}

async fn graphiql_asset(file: web::Path<String>) -> HttpResponse {
    match ASSETS.iter().find(|(name, _, _)| *name == file.as_str()) {
        Some((_, mime, bytes)) => HttpResponse::Ok()
            .content_type(*mime)
            .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
            .body(*bytes),
        None => not_found().await,
    }
}

/// Unknown paths answer in the API's error shape, like every other error.
async fn not_found() -> HttpResponse {
    error_response(
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        "no such path: the API is at /graphql (see /graphiql)",
    )
}

async fn index() -> HttpResponse {
    HttpResponse::Found()
        .insert_header((header::LOCATION, "/graphiql"))
        .finish()
}

/// Request spans with method, path (never the query string: a GET document can carry a phone
/// number), status and request id; client address and user agent are left out too.
pub struct RequestSpans;

impl tracing_actix_web::RootSpanBuilder for RequestSpans {
    fn on_request_start(request: &actix_web::dev::ServiceRequest) -> tracing::Span {
        use actix_web::HttpMessage;
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .map(|id| id.to_string())
            .unwrap_or_default();
        tracing::info_span!(
            "request",
            method = %request.method(),
            path = %request.path(),
            request_id = %request_id,
            status = tracing::field::Empty,
        )
    }

    fn on_request_end<B: actix_web::body::MessageBody>(
        span: tracing::Span,
        outcome: &Result<actix_web::dev::ServiceResponse<B>, actix_web::Error>,
    ) {
        if let Ok(response) = outcome {
            let status = response.status().as_u16();
            span.record("status", status);
            // The access log: method, path, status and request id, from the span.
            tracing::info!(parent: &span, status, "request finished");
        }
    }
}

/// Registers every route on an actix `App`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(index))
        .route("/graphql", web::post().to(graphql::handle))
        .route("/graphql", web::get().to(graphql::handle))
        .route("/graphql", web::to(graphql::handle))
        .route("/graphiql", web::get().to(graphiql))
        .route("/graphiql/assets/{file}", web::get().to(graphiql_asset))
        .route("/schema.graphql", web::get().to(sdl))
        .route("/healthz", web::get().to(healthz))
        .route("/readyz", web::get().to(readyz))
        // --- cases ---
        .configure(crate::investigate::routes);
    // --- end cases ---
}

/// The CORS policy: no cross-origin browser access unless origins are configured.
fn cors(config: &Config) -> actix_cors::Cors {
    let mut cors = actix_cors::Cors::default()
        .allowed_methods(["GET", "POST"])
        .allowed_headers([header::AUTHORIZATION, header::CONTENT_TYPE, header::ACCEPT])
        .max_age(600);
    for origin in &config.api.cors_origins {
        cors = cors.allowed_origin(origin);
    }
    cors
}

/// Builds the server on `listener` (not yet running): the binary and the tests start the
/// same application.
pub fn server(
    state: web::Data<AppState>,
    listener: std::net::TcpListener,
    workers: Option<usize>,
) -> std::io::Result<actix_web::dev::Server> {
    let mut server = HttpServer::new(move || {
        let config = state.config.clone();
        App::new()
            .app_data(state.clone())
            .wrap(Compress::default())
            .wrap(cors(&config))
            .wrap(TracingLogger::<RequestSpans>::new())
            .configure(routes)
            .default_service(web::to(not_found))
    })
    .listen(listener)?
    // A client that hangs up ends its request: the handler (and every statement it has not
    // started) is dropped instead of running to completion for nobody.
    .h1_allow_half_closed(false)
    .shutdown_timeout(20);
    if let Some(n) = workers {
        server = server.workers(n);
    }
    Ok(server.run())
}

/// Binds and runs the server until SIGINT/SIGTERM, then drains in-flight requests.
pub async fn serve(
    graph: Graph,
    config: Arc<Config>,
    listener: std::net::TcpListener,
) -> std::io::Result<()> {
    let state = AppState::new(graph, Arc::clone(&config))
        .await
        .map_err(std::io::Error::other)?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, graphiql = %format!("http://{addr}/graphiql"), "serving");
    server(web::Data::new(state), listener, None)?.await
}
