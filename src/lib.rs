//! caseload: casework and workload evidence for trade-union branches.
//!
//! [`build_app`] assembles the whole HTTP application; `main` and the tests share it.

pub mod access;
pub mod accounts;
pub mod api;
pub mod audit;
pub mod auth;
pub mod casework;
pub mod config;
pub mod csv_writer;
pub mod db;
pub mod demo;
pub mod error;
pub mod http;
pub mod key_file;
pub mod mail;
pub mod metrics;
pub mod models;
pub mod paging;
pub mod private_file;
pub mod proxies;
pub mod reports;
pub mod seed;
pub mod state;
pub mod surveys;
pub mod telemetry;
pub mod templates;
pub mod text;
pub mod timestamps;
pub mod validate;
pub mod vault;
pub mod web;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::{Compress, DefaultHeaders};
use actix_web::{App, HttpResponse};

pub use state::AppState;

/// Content-Security-Policy: no inline script or style, nothing from another origin.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

pub fn build_app(
    state: actix_web::web::Data<AppState>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    App::new()
        .app_data(state)
        .wrap(actix_web::middleware::from_fn(
            http::session_check::check_once,
        ))
        .wrap(actix_web::middleware::from_fn(
            http::refusals::audit_not_found,
        ))
        .wrap(Compress::default())
        .wrap(security_headers())
        .wrap(actix_web::middleware::from_fn(http::observe::observe))
        .configure(api::routes)
        .configure(web::routes)
        .default_service(actix_web::web::to(not_found))
}

fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add(("Content-Security-Policy", CONTENT_SECURITY_POLICY))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "same-origin"))
        .add(("Cross-Origin-Opener-Policy", "same-origin"))
        // Nothing personal is kept in a browser's or a proxy's cache; only static assets say
        // otherwise (they set their own).
        .add(("Cache-Control", "no-store"))
}

async fn not_found() -> Result<HttpResponse, web::PageError> {
    Err(error::AppError::NotFound.into())
}
