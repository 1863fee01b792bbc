//! `/dashboard` and `/evidence`, as JSON (evidence also as CSV and Markdown).

use actix_web::http::header::ACCEPT;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa_actix_web::service_config::ServiceConfig;

use super::params::{DashboardParams, EvidenceParams, ReleasesParams};
use super::query::ApiQuery;
use crate::error::{AppError, ErrorBody};
use crate::http::CurrentUser;
use crate::http::json::JsonBody;
use crate::http::params::optional;
use crate::http::report_params::{
    dashboard_scope, evidence_period, evidence_response, evidence_scope, period,
};
use crate::paging::ListPage;
use crate::reports;
use crate::reports::dashboard::Dashboard;
use crate::reports::evidence::Evidence;
use crate::reports::releases::publish::ReleaseListing;
use crate::reports::render::Format;
use crate::state::AppState;

pub(crate) fn routes(cfg: &mut ServiceConfig) {
    cfg.service(get_dashboard)
        .service(get_evidence)
        .service(list_releases)
        .service(withdraw_release);
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

/// An evidence release: the anonymised figures of a scope for a period of the menu, computed
/// once when first published and the same for every request after (see docs/EVIDENCE.md).
#[utoipa::path(
    tag = "reports",
    params(EvidenceParams),
    responses(
        (status = 200, description = "The release (JSON, or CSV / Markdown by `format` or `Accept`)",
         content((Evidence = "application/json"), (String = "text/csv"), (String = "text/markdown"))),
        (status = 403, description = "Not the caller's area, or not a delegate or administrator", body = ErrorBody),
        (status = 404, description = "No such region or branch", body = ErrorBody),
        (status = 410, description = "The release was withdrawn; the message gives the reason", body = ErrorBody),
        (status = 422, description = "A period not on the scope's menu or not yet published, or an area with too few members", body = ErrorBody),
    ),
)]
#[get("/evidence")]
pub(crate) async fn get_evidence(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: ApiQuery,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let get = |k: &str| query.get(k);
    let scope = evidence_scope(&user, &get)?;
    let period = evidence_period(&get)?;
    let accepted = req
        .headers()
        .get(ACCEPT)
        .and_then(|v| v.to_str().ok())
        .and_then(Format::from_accept);
    let format = optional::<Format>("format", get("format").as_deref())?
        .or(accepted)
        .unwrap_or(Format::Json);
    let stored =
        reports::service::evidence(&state, user.actor, scope, period, format.name()).await?;
    evidence_response(&stored, format)
}

/// The releases of a scope: every period of its menu from its first case to today, with those
/// published, those that can be, those still to come (and when) and any withdrawn.
#[utoipa::path(
    tag = "reports",
    params(ReleasesParams),
    responses(
        (status = 200, description = "The scope's releases, the latest first", body = ListPage<ReleaseListing>),
        (status = 403, description = "Not the caller's area", body = ErrorBody),
        (status = 404, description = "No such region or branch", body = ErrorBody),
    ),
)]
#[get("/evidence/releases")]
pub(crate) async fn list_releases(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: ApiQuery,
) -> Result<HttpResponse, AppError> {
    let get = |k: &str| query.get(k);
    let scope = evidence_scope(&user, &get)?;
    let items = reports::service::releases(&state, user.actor, scope).await?;
    Ok(HttpResponse::Ok().json(ListPage::whole(items)))
}

/// Why a release is withdrawn, shown in its place.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Withdrawal {
    /// 1 to 500 characters; no names or case details.
    pub reason: String,
}

/// Withdraws a published release (administrators only). It is never computed again: requests
/// for it answer 410 with the reason.
#[utoipa::path(
    tag = "reports",
    request_body = Withdrawal,
    params(("id" = String, Path, description = "The release's identifier, e.g. `national-2025-26`")),
    responses(
        (status = 204, description = "Withdrawn"),
        (status = 403, description = "Administrators only", body = ErrorBody),
        (status = 404, description = "No such release has been published", body = ErrorBody),
        (status = 409, description = "Already withdrawn", body = ErrorBody),
        (status = 422, description = "No reason given", body = ErrorBody),
    ),
)]
#[post("/evidence/releases/{id}/withdraw")]
pub(crate) async fn withdraw_release(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    body: JsonBody<Withdrawal>,
) -> Result<HttpResponse, AppError> {
    let reason = body.into_inner().reason;
    reports::service::withdraw(&state, user.actor, id.into_inner(), reason).await?;
    Ok(HttpResponse::NoContent().finish())
}
