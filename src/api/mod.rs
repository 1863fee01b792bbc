//! The JSON API under `/api`. Every error here answers `{"error": {...}}`.

use actix_web::http::Method;
use actix_web::{HttpRequest, error::JsonPayloadError, error::QueryPayloadError, web};

use routes::Routes;

use crate::auth::surface::Surface;
use crate::error::AppError;

pub mod auth;
pub mod cases;
pub mod csv_body;
pub mod members;
pub mod reference;
pub mod reports;
pub mod routes;
pub mod users;

/// Largest JSON body accepted; CSV imports set their own limit.
pub const JSON_LIMIT_BYTES: usize = 256 * 1024;

pub(crate) fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api")
            .app_data(Surface::Api)
            .app_data(json_config())
            .app_data(query_config())
            .app_data(web::PayloadConfig::new(JSON_LIMIT_BYTES))
            .app_data(web::PathConfig::default().error_handler(|_, _| AppError::NotFound.into()))
            .service(
                v1().register(web::scope("/v1"))
                    .default_service(web::to(not_found)),
            )
            .default_service(web::to(not_found)),
    );
}

/// `/api/v1`: every route of the API, declared once.
fn v1() -> Routes {
    let routes = Routes::default()
        .add(Method::POST, "/auth/token", auth::token)
        .add(Method::POST, "/auth/logout", auth::logout)
        .add(Method::GET, "/me", auth::me)
        .add(Method::POST, "/me/password", auth::change_password)
        .add(Method::POST, "/me/calendar", auth::rotate_calendar)
        .add(Method::DELETE, "/me/calendar", auth::revoke_calendar)
        .add(Method::GET, "/dashboard", reports::get_dashboard)
        .add(Method::GET, "/evidence", reports::get_evidence)
        .add(Method::GET, "/users", users::list)
        .add(Method::POST, "/users", users::create)
        .add(Method::GET, "/users/{id}", users::show)
        .add(Method::PATCH, "/users/{id}", users::update);
    reference::routes(cases::routes(members::routes(routes)))
}

/// Every API route as (method, full path pattern), from the same declarations the server
/// registers.
pub fn route_table() -> Vec<(Method, String)> {
    v1().table()
        .iter()
        .map(|(method, path)| (method.clone(), format!("/api/v1{path}")))
        .collect()
}

async fn not_found() -> Result<actix_web::HttpResponse, AppError> {
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
