//! What a load balancer, an orchestrator and a monitoring system ask: `/livez` (the process
//! answers), `/readyz` and `/healthz` (the database answers a query: 503 when it does not), and
//! `/metrics` (Prometheus text, only with the configured token).

use actix_web::http::header::{AUTHORIZATION, CONTENT_TYPE};
use actix_web::{HttpRequest, HttpResponse, ResponseError, get, web};
use serde_json::json;

use crate::error::AppError;
use crate::state::AppState;

/// The process is up and serving; nothing is checked, so an orchestrator restarts it only
/// when it hangs, not when the database is away.
#[get("/livez")]
pub(crate) async fn livez() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

/// Ready to serve: the database answers. Anonymous, so it says only that, not which engine.
#[get("/readyz")]
pub(crate) async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    ready(&state).await
}

/// The same as `/readyz`, under the name earlier versions used.
#[get("/healthz")]
pub(crate) async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    ready(&state).await
}

async fn ready(state: &AppState) -> HttpResponse {
    match state.database_answers().await {
        Ok(()) => HttpResponse::Ok().json(json!({"status": "ok"})),
        Err(error) => {
            let cause = match error {
                AppError::Unavailable(cause) | AppError::Internal(cause) => cause,
                other => other.to_string(),
            };
            AppError::Unavailable(cause).error_response()
        }
    }
}

/// Counters and gauges for Prometheus. 404 unless `CASELOAD_METRICS_TOKEN` is set (as if there
/// were no such page); then 401 without that token as `Authorization: Bearer`.
#[get("/metrics")]
pub(crate) async fn metrics(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let Some(expected) = state.server.metrics_token.as_deref() else {
        return Err(AppError::NotFound);
    };
    let given = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    if !crate::text::constant_time_eq(given, expected) {
        return Err(AppError::Unauthorized);
    }
    let outbox = crate::mail::outbox::email_counts(&state).await?;
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8"))
        .body(state.metrics_text(outbox)))
}
