//! The investigation page and the evidence bundle download, as HTTP routes:
//! - `GET /investigate` (+ `/investigate/assets/{file}`): a page for analysts, served from
//!   files embedded in the binary (`tools/investigate/`: the page, and Cytoscape.js with
//!   dagre vendored from npm by `tools/investigate/vendor.sh`), so it works offline. It
//!   uses only the public GraphQL API and the download route.
//! - `GET /export/{kind}/{id}` (`ring`, `incident`, `insider`, `lineage`, `case`): the
//!   evidence bundle ([`crate::export`]) as `application/x-tar`. The request context (and so
//!   authorization and masking) is built exactly as for `/graphql`, by `AppState::context`.

use crate::error::AppError;
use crate::export::{self, Subject};
use crate::http::AppState;
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
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

async fn page() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
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
        AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        AppError::Timeout(_) => StatusCode::GATEWAY_TIMEOUT,
        AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

async fn download(
    path: web::Path<(String, String)>,
    state: web::Data<AppState>,
    request_id: RequestId,
) -> HttpResponse {
    let ctx = state.context(request_id.to_string());
    let (kind, id) = path.into_inner();
    let limit = Duration::from_millis(ctx.config.api.query_timeout_ms);
    let built = async {
        let subject = Subject::parse(&kind, &id)?;
        export::export(&ctx.graph, &ctx.guard, &subject, limit).await
    }
    .await;
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
            HttpResponse::build(status_of(&e)).json(serde_json::json!({
                "errors": [{"message": e.to_string(), "extensions": {"code": code}}]
            }))
        }
    }
}
