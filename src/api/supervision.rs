//! A member's supervision records: list (with whether supervision is regular today) and add.
//! See `casework::supervision`.

use actix_web::{HttpResponse, delete, get, post, web};
use chrono::NaiveDate;
use serde::Serialize;
use utoipa_actix_web::service_config::ServiceConfig;

use super::csv_body::CsvBody;
use super::members::RefusedImport;
use super::params::ImportParams;
use super::query::ApiQuery;
use super::views::SupervisionRecord;
use crate::casework::import::ImportReport;
use crate::casework::member_service::ImportKind;
use crate::casework::supervision::{self, SupervisionInput};
use crate::error::{AppError, ErrorBody};
use crate::http::CurrentUser;
use crate::http::json::JsonBody;
use crate::models::{MemberId, SupervisionRecordId};
use crate::reports::supervision_standing::Standing;
use crate::state::AppState;

pub(crate) fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_supervision)
        .service(add_supervision)
        .service(delete_supervision)
        .service(import_supervision);
}

/// A member's supervision records, oldest first, and where they stand today.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SupervisionHistory {
    pub items: Vec<SupervisionRecord>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    /// The longest gap in days between reflective supervisions that counts as regular for the
    /// member's employer.
    pub regular_days: i64,
    pub standing: Standing,
    pub last_reflective: Option<NaiveDate>,
}

/// A member's supervision records, oldest first, with whether their reflective supervision is
/// regular today.
#[utoipa::path(
    tag = "supervision",
    responses(
        (status = 200, description = "The records", body = SupervisionHistory),
        (status = 403, description = "Delegates see no members", body = ErrorBody),
        (status = 404, description = "No such member in the caller's scope", body = ErrorBody),
    ),
)]
#[get("/members/{id}/supervision")]
async fn list_supervision(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let history = supervision::list(&state, user.actor, MemberId(id.into_inner())).await?;
    let total = history.records.len() as i64;
    Ok(HttpResponse::Ok().json(SupervisionHistory {
        items: history
            .records
            .iter()
            .map(SupervisionRecord::from)
            .collect(),
        total,
        page: 1,
        per_page: total.max(1),
        regular_days: history.regular_days,
        standing: history.standing,
        last_reflective: history.last_reflective,
    }))
}

/// Records a supervision session: held, or cancelled or postponed and by whom.
#[utoipa::path(
    tag = "supervision",
    request_body = SupervisionInput,
    responses(
        (status = 201, description = "Recorded", body = SupervisionRecord),
        (status = 403, description = "Only administrators and officers record supervision", body = ErrorBody),
        (status = 404, description = "No such member in the caller's scope", body = ErrorBody),
        (status = 409, description = "The member's details were erased", body = ErrorBody),
        (status = 422, description = "A field is invalid; `fields` names each", body = ErrorBody),
    ),
)]
#[post("/members/{id}/supervision")]
async fn add_supervision(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: JsonBody<SupervisionInput>,
) -> Result<HttpResponse, AppError> {
    let record = supervision::add_for(
        &state,
        user.actor,
        MemberId(id.into_inner()),
        body.into_inner(),
    )
    .await?;
    Ok(HttpResponse::Created().json(SupervisionRecord::from(&record)))
}

/// Deletes a supervision record made in error.
#[utoipa::path(
    tag = "supervision",
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Only administrators and officers delete supervision records", body = ErrorBody),
        (status = 404, description = "No such member in the caller's scope, or no such record of theirs", body = ErrorBody),
        (status = 409, description = "The member's details were erased", body = ErrorBody),
    ),
)]
#[delete("/members/{id}/supervision/{record}")]
async fn delete_supervision(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (member, record) = path.into_inner();
    supervision::remove(
        &state,
        user.actor,
        MemberId(member),
        SupervisionRecordId(record),
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Imports supervision records from a CSV file (sent as `text/csv` or `application/octet-stream`, up to 32 MB): every row or none. A row with the same member, date, kind and status as a record held is counted as unchanged, not added again.
#[utoipa::path(
    tag = "supervision",
    params(ImportParams),
    request_body(content = crate::api::csv_body::CsvFile, content_type = "application/octet-stream",
                 description = "membership_number,held_on,kind,minutes,status,called_off_by,source,note (header row first)"),
    responses(
        (status = 200, description = "Imported (or checked, with `dry_run`)", body = ImportReport),
        (status = 403, description = "Only administrators and officers import", body = ErrorBody),
        (status = 422, description = "Rows refused; nothing was written", body = RefusedImport),
    ),
)]
#[post("/supervision/import")]
async fn import_supervision(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: ApiQuery,
    body: CsvBody,
) -> Result<HttpResponse, AppError> {
    super::members::import(&state, user, &query, body, ImportKind::Supervision).await
}
