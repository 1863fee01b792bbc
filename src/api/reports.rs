//! `/dashboard` and `/evidence`, as JSON (evidence also as CSV and Markdown).

use std::collections::HashMap;

use actix_web::{HttpResponse, web};

use crate::error::AppError;
use crate::http::CurrentUser;
use crate::http::params::optional;
use crate::http::report_params::{
    dashboard_scope, evidence_period, evidence_response, evidence_scope, period,
};
use crate::reports;
use crate::reports::render::Format;
use crate::state::AppState;

pub(crate) async fn get_dashboard(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let get = |k: &str| query.get(k).cloned();
    let (scope, narrowing) = dashboard_scope(&user, &get)?;
    let (from, to) = period(&get)?;
    let board = reports::service::dashboard(&state, user.actor, scope, narrowing, from, to).await?;
    Ok(HttpResponse::Ok().json(board))
}

pub(crate) async fn get_evidence(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let get = |k: &str| query.get(k).cloned();
    let scope = evidence_scope(&user, &get)?;
    let period = evidence_period(&get, false)?;
    let format = optional::<Format>("format", get("format").as_deref())?.unwrap_or(Format::Json);
    let built =
        reports::service::evidence(&state, user.actor, scope, period, format.name()).await?;
    evidence_response(&built, format)
}
