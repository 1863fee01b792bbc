//! Logging. Request spans carry the method, the path without its query string (a search may
//! hold a name) and the status; never a body, a token or a password.

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use tracing::Span;
use tracing_actix_web::RootSpanBuilder;
use tracing_subscriber::EnvFilter;

/// Logs to stderr; the level comes from `RUST_LOG` (default `info`).
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// The path as it may be logged: a calendar feed's path is its secret, so it is left out
/// (however it is spelled: the router matches the percent-decoded path).
pub fn loggable_path(path: &str) -> std::borrow::Cow<'_, str> {
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    if decoded.starts_with("/calendar/") {
        "/calendar/…".into()
    } else {
        path.into()
    }
}

pub struct RequestSpan;

impl RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        tracing::info_span!(
            "request",
            method = %request.method(),
            path = %loggable_path(request.path()),
            status = tracing::field::Empty,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        let status = match outcome {
            Ok(response) => response.status(),
            Err(error) => error.as_response_error().status_code(),
        };
        span.record("status", status.as_u16());
        if status.is_server_error() {
            tracing::warn!(parent: &span, status = status.as_u16(), "request failed");
        } else {
            tracing::debug!(parent: &span, status = status.as_u16(), "request");
        }
    }
}
