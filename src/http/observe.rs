//! The outermost layer of every request: `HEAD` answered as `GET` is (the server sends the
//! headers without the body), one log line when it is answered, and its count and latency in
//! the metrics. Both name the route pattern (`/members/{id}`), never the path or its query
//! string, which may hold a search for a name or a calendar secret.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::web;

use crate::state::AppState;

pub(crate) async fn observe(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = req.method().clone();
    if method == Method::HEAD {
        req.head_mut().method = Method::GET;
    }
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let answered = next.call(req).await;
    let (status, route) = match &answered {
        Ok(response) => (response.status(), response.request().match_pattern()),
        Err(error) => (error.as_response_error().status_code(), None),
    };
    let route = route.unwrap_or_else(|| "(no route)".to_owned());
    let took = started.elapsed();
    if let Some(state) = state {
        state
            .metrics
            .request(method.as_str(), &route, status.as_u16(), took);
    }
    let millis = (took.as_secs_f64() * 1000.0 * 10.0).round() / 10.0;
    if status.is_server_error() {
        tracing::warn!(method = %method, route, status = status.as_u16(), ms = millis, "request failed");
    } else {
        tracing::info!(method = %method, route, status = status.as_u16(), ms = millis, "request");
    }
    answered
}
