//! `/dashboard` and `/evidence`, as JSON (evidence also as CSV and Markdown).

use actix_web::{HttpResponse, get, web};
use utoipa_actix_web::service_config::ServiceConfig;

use super::params::{DashboardParams, EvidenceParams};
use super::query::ApiQuery;
use crate::error::{AppError, ErrorBody};
use crate::http::CurrentUser;
use crate::http::params::optional;
use crate::http::report_params::{
    dashboard_scope, evidence_period, evidence_response, evidence_scope, period,
};
use crate::reports;
use crate::reports::dashboard::Dashboard;
use crate::reports::evidence::Evidence;
use crate::reports::render::Format;
use crate::state::AppState;

pub(crate) fn routes(cfg: &mut ServiceConfig) {
    cfg.service(get_dashboard).service(get_evidence);
}

/// Caseload, cases and workload factors of an area over a period, by branch and employer.
#[utoipa::path(
    tag = "reports",
    params(DashboardParams),
    responses(
        (status = 200, description = "The dashboard", body = Dashboard),
        (status = 403, description = "Not the caller's area, or a delegate", body = ErrorBody),
        (status = 404, description = "No such region or branch", body = ErrorBody),
    ),
)]
#[get("/dashboard")]
pub(crate) async fn get_dashboard(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: ApiQuery,
) -> Result<HttpResponse, AppError> {
    let get = |k: &str| query.get(k);
    let (scope, narrowing) = dashboard_scope(&user, &get)?;
    let (from, to) = period(&get)?;
    let board = reports::service::dashboard(&state, user.actor, scope, narrowing, from, to).await?;
    Ok(HttpResponse::Ok().json(board))
}

/// An anonymised evidence summary over whole months: every count perturbed, small ones shown
/// as `<5`, areas with too few members refused (see docs/EVIDENCE.md).
#[utoipa::path(
    tag = "reports",
    params(EvidenceParams),
    responses(
        (status = 200, description = "The summary (JSON, or CSV / Markdown with `format`)",
         content((Evidence = "application/json"), (String = "text/csv"), (String = "text/markdown"))),
        (status = 403, description = "Not the caller's area, or not a delegate or administrator", body = ErrorBody),
        (status = 404, description = "No such region or branch", body = ErrorBody),
        (status = 422, description = "The area has too few members for evidence of its own", body = ErrorBody),
        (status = 429, description = "The caller's daily allowance of summaries is used up", body = ErrorBody),
    ),
)]
#[get("/evidence")]
pub(crate) async fn get_evidence(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: ApiQuery,
) -> Result<HttpResponse, AppError> {
    let get = |k: &str| query.get(k);
    let scope = evidence_scope(&user, &get)?;
    let period = evidence_period(&get, false)?;
    let format = optional::<Format>("format", get("format").as_deref())?.unwrap_or(Format::Json);
    let built =
        reports::service::evidence(&state, user.actor, scope, period, format.name()).await?;
    evidence_response(&built, format)
}
