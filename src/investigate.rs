//! The investigation page and the evidence bundle download, as HTTP routes:
//! - `GET /investigate` (+ `/investigate/assets/{file}`): a page for analysts, served from
//!   files embedded in the binary (`tools/investigate/`: the page, and Cytoscape.js with
//!   dagre vendored from npm by `tools/investigate/vendor.sh`), so it works offline. It
//!   uses only the public GraphQL API and the download route.
//! - `GET /export/{kind}/{id}` (`ring`, `incident`, `insider`, `lineage`, `case`): the
//!   evidence bundle ([`crate::export`]) as `application/x-tar`. The request is authenticated
//!   and its context (authorization, masking, deadline) built exactly as for `/graphql`, by
//!   `AppState::begin`, and it is written to the audit log by `AppState::finish` before the
//!   bundle leaves.

use crate::error::AppError;
use crate::export::{self, Subject};
use crate::http::{error_response, AppState, Budget};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use std::time::Duration;
use tracing_actix_web::RequestId;

/// Registers the page, its assets and the download route.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/investigate", web::get().to(page))
        .route("/investigate/assets/{file}", web::get().to(asset))
        .route("/export/{kind}/{id}", web::get().to(download));
}

macro_rules! file {
    ($path:literal) => {
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tools/investigate/",
            $path
        ))
    };
}

const PAGE: &[u8] = file!("index.html");

/// Embedded assets: name, media type, bytes.
const ASSETS: &[(&str, &str, &[u8])] = &[
    ("app.js", "text/javascript; charset=utf-8", file!("app.js")),
    ("app.css", "text/css; charset=utf-8", file!("app.css")),
    (
        "cytoscape.min.js",
        "text/javascript; charset=utf-8",
        file!("dist/cytoscape.min.js"),
    ),
    (
        "dagre.min.js",
        "text/javascript; charset=utf-8",
        file!("dist/dagre.min.js"),
    ),
    (
        "cytoscape-dagre.js",
        "text/javascript; charset=utf-8",
        file!("dist/cytoscape-dagre.js"),
    ),
];

/// The page loads only its own embedded assets and talks only to this server; it draws
/// records as text, never as HTML, and may not be framed.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
frame-ancestors 'none'";

/// The page itself needs no token (like the explorer): it asks for one, and every request
/// it sends carries it.
async fn page() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header(("Content-Security-Policy", CSP))
        .insert_header(("Referrer-Policy", "no-referrer"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(PAGE)
}

async fn asset(file: web::Path<String>) -> HttpResponse {
    match ASSETS.iter().find(|(name, _, _)| *name == file.as_str()) {
        Some((_, mime, bytes)) => HttpResponse::Ok()
            .content_type(*mime)
            .insert_header((header::CACHE_CONTROL, "no-cache"))
            .body(*bytes),
        None => HttpResponse::NotFound().finish(),
    }
}

fn status_of(e: &AppError) -> StatusCode {
    match e {
        AppError::NotFound { .. } => StatusCode::NOT_FOUND,
        AppError::BadInput { .. } | AppError::InvalidRecords { .. } => StatusCode::BAD_REQUEST,
        AppError::Forbidden(_) => StatusCode::FORBIDDEN,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::Unavailable(_) | AppError::Overloaded(_) => StatusCode::SERVICE_UNAVAILABLE,
        AppError::Timeout(_) => StatusCode::GATEWAY_TIMEOUT,
        AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

async fn download(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    state: web::Data<AppState>,
    request_id: RequestId,
) -> HttpResponse {
    let ctx = match state
        .begin(&req, request_id.to_string(), Budget::Read)
        .await
    {
        Ok(ctx) => ctx,
        Err(resp) => return resp,
    };
    let (kind, id) = path.into_inner();
    let limit = Duration::from_millis(ctx.config.api.query_timeout_ms);
    let built = async {
        let subject = Subject::parse(&kind, &id)?;
        export::export(&ctx.graph, &ctx.guard, &subject, limit).await
    }
    .await;
    let outcome = match &built {
        Ok(_) => "ok".to_string(),
        Err(e) => format!("error:{}", e.code()),
    };
    let entities = match &built {
        Ok(b) => serde_json::json!({"ids": [id], "total": 1, "sha256": b.sha256}),
        Err(_) => serde_json::json!({"ids": [], "total": 0}),
    };
    let operation = format!("GET /export/{kind}/{id}");
    if let Err(e) = state
        .finish(&ctx, operation, serde_json::Value::Null, entities, outcome)
        .await
    {
        return error_response(StatusCode::SERVICE_UNAVAILABLE, e.code(), &e.to_string());
    }
    match built {
        Ok(b) => HttpResponse::Ok()
            .content_type("application/x-tar")
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", b.file_name),
            ))
            .insert_header(("X-Bundle-Sha256", b.sha256))
            .insert_header((
                "X-Exported-At",
                crate::model::Timestamp(crate::cases::now_ms()).rfc3339(),
            ))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body(b.bytes),
        Err(e) => {
            let code = e.code();
            if matches!(e, AppError::Internal(_) | AppError::Unavailable(_)) {
                tracing::error!(error = ?e, code, request_id = %ctx.request_id, "export failed");
            }
            error_response(
                status_of(&e),
                code,
                &ctx.guard.redact_text(&e.client_message()),
            )
        }
    }
}
