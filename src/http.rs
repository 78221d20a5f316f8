//! The actix-web application: `/graphql` (GET and POST, GraphQL over HTTP), `/graphiql` (the
//! explorer, served from assets embedded in the binary), `/schema.graphql`, `/healthz`
//! (process up) and `/readyz` (Neo4j answers). A tracing span and a request id per request.

use crate::api::guard::{Guard, Viewer};
use crate::api::{schema, Context, Schema};
use crate::config::Config;
use crate::graph::read::Reader;
use crate::graph::Graph;
use actix_web::http::header;
use actix_web::middleware::Compress;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use std::sync::Arc;
use std::time::Duration;
use tracing_actix_web::{RequestId, TracingLogger};

/// Shared by every request.
pub struct AppState {
    schema: Schema,
    graph: Graph,
    config: Arc<Config>,
}

impl AppState {
    pub fn new(graph: Graph, config: Arc<Config>) -> Self {
        AppState {
            schema: schema(),
            graph,
            config,
        }
    }

    pub(crate) fn context(&self, request_id: String) -> Context {
        let limit = Duration::from_millis(self.config.api.query_timeout_ms);
        Context {
            graph: self.graph.clone(),
            reader: Reader::new(self.graph.clone(), limit),
            guard: Guard::new(Viewer {
                principal: "analyst".into(),
                mask_pii: self.config.api.mask_pii,
            }),
            config: Arc::clone(&self.config),
            request_id,
        }
    }
}

async fn graphql(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
    request_id: RequestId,
) -> actix_web::Result<HttpResponse> {
    let ctx = state.context(request_id.to_string());
    juniper_actix::graphql_handler(&state.schema, &ctx, req, payload).await
}

async fn sdl(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body(state.schema.as_sdl())
}

async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "ok" }))
}

async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    match state.graph.ping(Duration::from_secs(3)).await {
        Ok(()) => HttpResponse::Ok().json(serde_json::json!({ "status": "ready", "neo4j": "ok" })),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            HttpResponse::ServiceUnavailable()
                .json(serde_json::json!({ "status": "unavailable", "neo4j": "unreachable" }))
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
];

async fn graphiql() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(GRAPHIQL_HTML)
}

async fn graphiql_asset(file: web::Path<String>) -> HttpResponse {
    match ASSETS.iter().find(|(name, _, _)| *name == file.as_str()) {
        Some((_, mime, bytes)) => HttpResponse::Ok()
            .content_type(*mime)
            .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
            .body(*bytes),
        None => HttpResponse::NotFound().finish(),
    }
}

async fn index() -> HttpResponse {
    HttpResponse::Found()
        .insert_header((header::LOCATION, "/graphiql"))
        .finish()
}

/// Registers every route on an actix `App`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(index))
        .route("/graphql", web::post().to(graphql))
        .route("/graphql", web::get().to(graphql))
        .route("/graphiql", web::get().to(graphiql))
        .route("/graphiql/assets/{file}", web::get().to(graphiql_asset))
        .route("/schema.graphql", web::get().to(sdl))
        .route("/healthz", web::get().to(healthz))
        .route("/readyz", web::get().to(readyz))
        // --- cases ---
        .configure(crate::investigate::routes);
    // --- end cases ---
}

/// Binds and runs the server until SIGINT/SIGTERM, then drains in-flight requests.
pub async fn serve(
    graph: Graph,
    config: Arc<Config>,
    listener: std::net::TcpListener,
) -> std::io::Result<()> {
    let state = web::Data::new(AppState::new(graph, Arc::clone(&config)));
    let addr = listener.local_addr()?;
    tracing::info!(%addr, graphiql = %format!("http://{addr}/graphiql"), "serving");
    HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .app_data(web::PayloadConfig::new(16 * 1024 * 1024))
            .wrap(Compress::default())
            .wrap(TracingLogger::default())
            .configure(routes)
    })
    .listen(listener)?
    .shutdown_timeout(20)
    .run()
    .await
}
