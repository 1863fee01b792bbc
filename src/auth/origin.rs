//! Refuses a browser write (any non-GET page request) whose `Origin` is not this site:
//! together with SameSite=Strict cookies and per-form CSRF tokens, a third site cannot make a
//! signed-in browser change anything. The API takes bearer tokens only, never the cookie.

use actix_web::ResponseError;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header::ORIGIN;
use actix_web::middleware::Next;
use actix_web::web;

use crate::error::AppError;
use crate::state::AppState;
use crate::web::PageError;

pub async fn check_origin(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe && !req.path().starts_with("/api/") {
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
                None => {
                    let info = req.connection_info();
                    format!("{}://{}", info.scheme(), info.host())
                }
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
