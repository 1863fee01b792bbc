//! `/healthz`: 200 when the database answers a query, 503 when it does not.

use actix_web::{HttpResponse, ResponseError, get, web};
use serde_json::json;

use crate::error::AppError;
use crate::state::AppState;

/// Anonymous, so it says only whether the database answers, not which engine it is.
#[get("/healthz")]
pub(crate) async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let answer = state.database_answers().await;
    match answer {
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
