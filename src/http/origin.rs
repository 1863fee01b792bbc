//! Refuses a browser write (any non-GET page request) whose `Origin` is not this site:
//! together with SameSite=Strict cookies and per-form CSRF tokens, a third site cannot make a
//! signed-in browser change anything. It wraps the page routes only (the API takes bearer tokens,
//! never the cookie), so which requests it sees is decided by the router, not by the raw path.
//! "This site" is the configured public address; without one, the `Host` the browser sent over
//! plain HTTP, or what a trusted proxy says it was sent to (`X-Forwarded-Host`, `Forwarded`:
//! believed from the configured trusted proxies only, as any client can set them).

use actix_web::ResponseError;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header::ORIGIN;
use actix_web::middleware::Next;
use actix_web::web;

use super::PageError;
use crate::error::AppError;
use crate::state::AppState;

pub(crate) async fn check_origin(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe {
        let origin = req
            .headers()
            .get(ORIGIN)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        if let Some(origin) = origin {
            let public = req
                .app_data::<web::Data<AppState>>()
                .and_then(|s| s.server.public_url.clone());
            let expected = match public {
                Some(url) => origin_of(&url),
                None => super::client::origin(req.request()),
            };
            if !origin.eq_ignore_ascii_case(&expected) {
                tracing::info!(path = req.path(), "cross-origin write refused");
                let refusal = PageError(AppError::Forbidden).error_response();
                return Ok(req.into_response(refusal).map_into_right_body());
            }
        }
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

/// `https://host:port` of a URL, without path.
fn origin_of(url: &str) -> String {
    let start = url.find("://").map_or(0, |i| i + 3);
    match url[start..].find('/') {
        Some(slash) => url[..start + slash].to_owned(),
        None => url.to_owned(),
    }
}
