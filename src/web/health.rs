//! `/healthz`: 200 when the database answers a query, 503 when it does not.

use actix_web::{HttpResponse, ResponseError, get, web};
use diesel::RunQueryDsl;
use serde_json::json;

use crate::error::AppError;
use crate::state::AppState;

/// Anonymous, so it says only whether the database answers, not which engine it is.
#[get("/healthz")]
pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let answer = state
        .db
        .run(|conn| {
            diesel::sql_query("SELECT 1").execute(conn)?;
            Ok(())
        })
        .await;
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
