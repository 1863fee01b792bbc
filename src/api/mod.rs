//! The JSON API under `/api`. Every error here answers `{"error": {...}}`. The routes of
//! `/api/v1` are registered through `utoipa_actix_web`, which takes each handler's
//! `#[utoipa::path]` description as it registers it: the OpenAPI document (`doc`) is the table
//! of what the server answers, served at `/api/openapi.json` and explored at `/api/docs`.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::{
    HttpRequest, HttpResponse, error::JsonPayloadError, error::QueryPayloadError, web,
};

use crate::auth::surface::Surface;
use crate::error::AppError;

pub mod api_keys;
pub mod auth;
pub mod cases;
pub mod contacts;
pub mod csv_body;
pub mod doc;
pub mod documents;
pub mod explorer;
pub mod members;
pub mod params;
pub mod query;
pub mod reference;
pub mod reports;
pub mod supervision;
pub mod surveys;
pub mod users;
pub mod views;

/// Largest JSON body accepted; CSV imports set their own limit.
pub const JSON_LIMIT_BYTES: usize = 256 * 1024;

pub(crate) fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(v1()).service(
        web::scope("/api")
            .app_data(Surface::Api)
            .service(web::resource("/openapi.json").get(explorer::openapi_json))
            .service(web::resource("/docs").get(explorer::to_docs))
            .service(web::resource("/docs/{tail:.*}").get(explorer::docs))
            .default_service(web::to(not_found)),
    );
}

/// `/api/v1`: every route of the API, each registered with its description.
pub(crate) fn v1() -> utoipa_actix_web::scope::Scope<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    utoipa_actix_web::scope("/api/v1")
        .app_data(Surface::Api)
        .app_data(json_config())
        .app_data(query_config())
        .app_data(web::PayloadConfig::new(JSON_LIMIT_BYTES))
        // `/members/export` read as `/members/{id}` with another method: not an id, so
        // the path's own routes decide (405 with the methods it takes).
        .app_data(web::PathConfig::default().error_handler(|_, req| not_routed_error(req).into()))
        .configure(auth::routes)
        .configure(members::routes)
        .configure(cases::routes)
        .configure(documents::routes)
        .configure(contacts::routes)
        .configure(supervision::routes)
        .configure(surveys::routes)
        .configure(reports::routes)
        .configure(reference::routes)
        .configure(users::routes)
        .configure(api_keys::routes)
        .default_service(web::to(not_routed))
}

/// A request no route took: 405 with `Allow` when its path is an API route's with other
/// methods, else 404.
async fn not_routed(req: HttpRequest) -> Result<HttpResponse, AppError> {
    Err(not_routed_error(&req))
}

fn not_routed_error(req: &HttpRequest) -> AppError {
    let path = req.path();
    let allowed: Vec<String> = routes_described()
        .iter()
        .filter(|(_, pattern)| fits(pattern, path))
        .map(|(method, _)| method.to_string())
        .collect();
    if allowed.is_empty() || allowed.iter().any(|m| m == req.method().as_str()) {
        AppError::NotFound
    } else {
        AppError::MethodNotAllowed(allowed.join(", "))
    }
}

/// Whether a concrete path fits a route pattern like `/api/v1/cases/{id}` (every parameter of
/// the API is a record id, so a `{…}` segment takes whole numbers only).
pub(crate) fn fits(pattern: &str, path: &str) -> bool {
    let pattern: Vec<&str> = pattern.split('/').collect();
    let path: Vec<&str> = path.split('/').collect();
    pattern.len() == path.len()
        && pattern.iter().zip(&path).all(|(p, q)| {
            p == q || (p.starts_with('{') && p.ends_with('}') && q.parse::<i64>().is_ok())
        })
}

/// Every API route as (method, full path pattern), read from the document the server
/// registered its routes with.
pub fn route_table() -> Vec<(Method, String)> {
    routes_described().to_vec()
}

fn routes_described() -> &'static [(Method, String)] {
    static TABLE: std::sync::OnceLock<Vec<(Method, String)>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut document = doc::document().clone();
        let mut table = Vec::new();
        for (path, item) in document.paths.paths.iter_mut() {
            for (method, _) in doc::operations_mut(item) {
                table.push((method, path.clone()));
            }
        }
        table
    })
}

async fn not_found() -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound)
}

fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(JSON_LIMIT_BYTES)
        .error_handler(|error, _req: &HttpRequest| json_error(error).into())
}

fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|error, _req: &HttpRequest| query_error(error).into())
}

/// A body that could not be read, as a 400 (or 413) naming what was wrong.
pub fn json_error(error: JsonPayloadError) -> AppError {
    match error {
        JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => {
            AppError::PayloadTooLarge
        }
        JsonPayloadError::ContentType => {
            AppError::bad_field("content-type", "send the body as application/json")
        }
        JsonPayloadError::Deserialize(e) => {
            AppError::bad_field("body", crate::http::json::plain(&e.to_string()))
        }
        other => AppError::bad_field("body", crate::http::json::plain(&other.to_string())),
    }
}

/// A query string that could not be read, as a 400 naming the parameter where serde says which.
pub(crate) fn query_error(error: QueryPayloadError) -> AppError {
    match error {
        QueryPayloadError::Deserialize(e) => {
            AppError::bad_field("query", crate::http::json::plain(&e.to_string()))
        }
        other => AppError::bad_field("query", crate::http::json::plain(&other.to_string())),
    }
}
