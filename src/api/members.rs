//! Members in the caller's scope, their workload records, CSV import and export, as JSON. The
//! reads and writes (with their audit entries) are `casework::member_service`.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use serde::Serialize;
use utoipa_actix_web::service_config::ServiceConfig;

use super::csv_body::{CsvBody, CsvFile};
use super::params::{ImportParams, MemberListParams, PageParams};
use super::query::ApiQuery;
use super::views::{self, Member, WorkloadRecord};
use crate::casework::import::{ImportOptions, ImportReport};
use crate::casework::member_fields::MemberFields;
use crate::casework::member_service::{self, ImportKind};
use crate::casework::workload::{WorkloadChanges, WorkloadInput};
use crate::error::{AppError, ErrorBody};
use crate::http::json::JsonBody;
use crate::http::params::optional;
use crate::http::{CurrentUser, csv_download, filters};
use crate::models::{MemberId, UpdateMember, WorkloadRecordId};
use crate::paging::ListPage;
use crate::state::AppState;

/// Fixed paths before `/members/{id}`, so that `export` is never read as an id.
pub(crate) fn routes(cfg: &mut ServiceConfig) {
    cfg.service(export)
        .service(import_members)
        .service(import_workload)
        .service(export_workload)
        .service(list)
        .service(create)
        .service(show)
        .service(update)
        .service(workload_list)
        .service(workload_add)
        .service(workload_change)
        .service(workload_delete);
}

/// Members in the caller's scope, filtered, a page at a time.
#[utoipa::path(
    operation_id = "list_members",
    tag = "members",
    params(MemberListParams, PageParams),
    responses(
        (status = 200, description = "A page of members", body = ListPage<Member>),
        (status = 403, description = "Delegates see no members", body = ErrorBody),
    ),
)]
#[get("/members")]
async fn list(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: ApiQuery,
) -> Result<HttpResponse, AppError> {
    let (filter, paging) = filters::members(|k| query.get(k))?;
    let page = member_service::list(&state, user.actor, filter, paging).await?;
    Ok(HttpResponse::Ok().json(views::page::<_, Member>(page)))
}

/// One member in the caller's scope.
#[utoipa::path(
    operation_id = "show_member",
    tag = "members",
    responses(
        (status = 200, description = "The member", body = Member),
        (status = 403, description = "Delegates see no members", body = ErrorBody),
        (status = 404, description = "No such member in the caller's scope", body = ErrorBody),
    ),
)]
#[get("/members/{id}")]
async fn show(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = MemberId(id.into_inner());
    let member = member_service::show(&state, user.actor, id, None).await?;
    Ok(HttpResponse::Ok().json(Member::from(&member)))
}

/// Adds a member (administrators anywhere, officers in their branch).
#[utoipa::path(
    operation_id = "create_member",
    tag = "members",
    request_body = MemberFields,
    responses(
        (status = 201, description = "Created", body = Member),
        (status = 403, description = "Only administrators and officers add members", body = ErrorBody),
        (status = 409, description = "The membership number is taken", body = ErrorBody),
        (status = 422, description = "A field is invalid; `fields` names each", body = ErrorBody),
    ),
)]
#[post("/members")]
async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: JsonBody<MemberFields>,
) -> Result<HttpResponse, AppError> {
    let member = member_service::create(&state, user.actor, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(Member::from(&member)))
}

/// Changes a member; `null` clears an optional field.
#[utoipa::path(
    operation_id = "update_member",
    tag = "members",
    request_body = UpdateMember,
    responses(
        (status = 200, description = "Changed", body = Member),
        (status = 403, description = "Only administrators and officers change members", body = ErrorBody),
        (status = 404, description = "No such member in the caller's scope", body = ErrorBody),
        (status = 409, description = "The membership number is taken", body = ErrorBody),
        (status = 422, description = "A field is invalid; `fields` names each", body = ErrorBody),
    ),
)]
#[patch("/members/{id}")]
async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: JsonBody<UpdateMember>,
) -> Result<HttpResponse, AppError> {
    let id = MemberId(id.into_inner());
    let member = member_service::update(&state, user.actor, id, body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(Member::from(&member)))
}

/// A workload record with the caseload per FTE it gives.
#[derive(Serialize, utoipa::ToSchema)]
pub struct WorkloadItem {
    #[serde(flatten)]
    pub record: WorkloadRecord,
    /// Open cases ÷ the FTE at the time, to two places.
    pub caseload_per_fte: f64,
}

/// A member's workload records, oldest first, measured against their safe caseload.
#[derive(Serialize, utoipa::ToSchema)]
pub struct WorkloadHistory {
    pub items: Vec<WorkloadItem>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    /// The threshold for the member's employer.
    pub safe_caseload: f64,
    /// Whether the latest record is above it.
    pub above_safe_caseload: bool,
    pub latest_per_fte: Option<f64>,
}

/// A member's workload records, oldest first.
#[utoipa::path(
    tag = "members",
    responses(
        (status = 200, description = "The records", body = WorkloadHistory),
        (status = 403, description = "Delegates see no members", body = ErrorBody),
        (status = 404, description = "No such member in the caller's scope", body = ErrorBody),
    ),
)]
#[get("/members/{id}/workload")]
async fn workload_list(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = MemberId(id.into_inner());
    let history = member_service::workload(&state, user.actor, id).await?;
    let total = history.points.len() as i64;
    let items = history
        .points
        .into_iter()
        .map(|p| WorkloadItem {
            record: WorkloadRecord::from(&p.record),
            caseload_per_fte: p.caseload_per_fte,
        })
        .collect();
    Ok(HttpResponse::Ok().json(WorkloadHistory {
        items,
        total,
        page: 1,
        per_page: total.max(1),
        safe_caseload: history.safe_caseload,
        above_safe_caseload: history.above_safe_caseload,
        latest_per_fte: history.latest_per_fte,
    }))
}

/// Adds a workload record; the FTE and employer default to the member's present ones.
#[utoipa::path(
    tag = "members",
    request_body = WorkloadInput,
    responses(
        (status = 201, description = "Created", body = WorkloadRecord),
        (status = 403, description = "Only administrators and officers record workload", body = ErrorBody),
        (status = 404, description = "No such member in the caller's scope", body = ErrorBody),
        (status = 409, description = "The member already has a record of that source on that date", body = ErrorBody),
        (status = 422, description = "A field is invalid; `fields` names each", body = ErrorBody),
    ),
)]
#[post("/members/{id}/workload")]
async fn workload_add(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: JsonBody<WorkloadInput>,
) -> Result<HttpResponse, AppError> {
    let id = MemberId(id.into_inner());
    let record = member_service::add_workload(&state, user.actor, id, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(WorkloadRecord::from(&record)))
}

/// Corrects a workload record; `null` clears an optional field. Dashboards follow at once.
#[utoipa::path(
    tag = "members",
    request_body = WorkloadChanges,
    responses(
        (status = 200, description = "Corrected", body = WorkloadRecord),
        (status = 403, description = "Only administrators and officers correct workload", body = ErrorBody),
        (status = 404, description = "No such record of this member in the caller's scope", body = ErrorBody),
        (status = 409, description = "The member already has a record of that source on that date", body = ErrorBody),
        (status = 422, description = "A field is invalid; `fields` names each", body = ErrorBody),
    ),
)]
#[patch("/members/{id}/workload/{record}")]
async fn workload_change(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, i64)>,
    body: JsonBody<WorkloadChanges>,
) -> Result<HttpResponse, AppError> {
    let (id, record) = path.into_inner();
    let (id, record) = (MemberId(id), WorkloadRecordId(record));
    let record =
        member_service::change_workload(&state, user.actor, id, record, body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(WorkloadRecord::from(&record)))
}

/// Deletes a workload record made in error.
#[utoipa::path(
    tag = "members",
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Only administrators and officers delete workload", body = ErrorBody),
        (status = 404, description = "No such record of this member in the caller's scope", body = ErrorBody),
    ),
)]
#[delete("/members/{id}/workload/{record}")]
async fn workload_delete(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (id, record) = path.into_inner();
    member_service::delete_workload(&state, user.actor, MemberId(id), WorkloadRecordId(record))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The workload records of the members the filters pick, as CSV (the member list's filters).
#[utoipa::path(
    tag = "members",
    params(MemberListParams),
    responses(
        (status = 200, description = "The records", content_type = "text/csv", body = String),
        (status = 403, description = "Delegates see no members", body = ErrorBody),
    ),
)]
#[get("/workload/export")]
async fn export_workload(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: ApiQuery,
) -> Result<HttpResponse, AppError> {
    let (filter, _) = filters::members(|k| query.get(k))?;
    let csv = member_service::export_workload(&state, user.actor, filter).await?;
    Ok(csv_download("workload.csv", csv))
}

fn import_options(query: &ApiQuery) -> Result<ImportOptions, AppError> {
    let get = |k: &str| query.get(k);
    Ok(ImportOptions {
        dry_run: optional::<bool>("dry_run", get("dry_run").as_deref())?.unwrap_or(false),
        create_employers: optional::<bool>("create_employers", get("create_employers").as_deref())?
            .unwrap_or(false),
    })
}

/// A refused import: the error naming each row at fault, and the full report.
#[derive(Serialize, utoipa::ToSchema)]
pub struct RefusedImport<'a> {
    pub error: crate::error::ErrorDetail<'a>,
    pub report: ImportReport,
}

/// 200 with the report, or 422 with the report when any row is refused (nothing written).
pub(crate) fn import_answer(report: ImportReport) -> HttpResponse {
    if !report.is_refused() {
        return HttpResponse::Ok().json(report);
    }
    let fields: crate::error::FieldErrors = report
        .errors
        .iter()
        .take(100)
        .map(|e| (format!("line {}: {}", e.line, e.column), e.message.clone()))
        .collect();
    let count = report.errors.len();
    HttpResponse::UnprocessableEntity().json(RefusedImport {
        error: crate::error::ErrorDetail {
            code: "invalid_rows",
            message: format!("{count} problem(s) in the file; nothing was written"),
            fields: Some(&fields),
        },
        report,
    })
}

/// Imports members from a CSV file (sent as `text/csv` or `application/octet-stream`, up to 32 MB): every row or none.
#[utoipa::path(
    tag = "members",
    params(ImportParams),
    request_body(content = CsvFile, content_type = "application/octet-stream",
                 description = "membership_number,first_name,last_name,email,phone,employer,job_role,team,fte,start_date,left_on,branch_code (header row first)"),
    responses(
        (status = 200, description = "Imported (or checked, with `dry_run`)", body = ImportReport),
        (status = 403, description = "Only administrators and officers import", body = ErrorBody),
        (status = 422, description = "Rows refused; nothing was written", body = RefusedImport),
    ),
)]
#[post("/members/import")]
async fn import_members(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: ApiQuery,
    body: CsvBody,
) -> Result<HttpResponse, AppError> {
    import(&state, user, &query, body, ImportKind::Members).await
}

/// Imports workload records from a CSV file (sent as `text/csv` or `application/octet-stream`, up to 32 MB): every row or none.
#[utoipa::path(
    tag = "members",
    params(ImportParams),
    request_body(content = CsvFile, content_type = "application/octet-stream",
                 description = "membership_number,recorded_on,open_cases,hours_worked,contracted_hours,source,note,fte (header row first)"),
    responses(
        (status = 200, description = "Imported (or checked, with `dry_run`)", body = ImportReport),
        (status = 403, description = "Only administrators and officers import", body = ErrorBody),
        (status = 422, description = "Rows refused; nothing was written", body = RefusedImport),
    ),
)]
#[post("/workload/import")]
async fn import_workload(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: ApiQuery,
    body: CsvBody,
) -> Result<HttpResponse, AppError> {
    import(&state, user, &query, body, ImportKind::Workload).await
}

/// An import of any kind: its options, every row or none, the report.
pub(super) async fn import(
    state: &AppState,
    user: CurrentUser,
    query: &ApiQuery,
    CsvBody(body): CsvBody,
    kind: ImportKind,
) -> Result<HttpResponse, AppError> {
    let options = import_options(query)?;
    let report = member_service::import(state, user.actor, kind, body.to_vec(), options).await?;
    Ok(import_answer(report))
}

/// The members in the caller's scope that pass the list's filters, as CSV in the import's
/// columns.
#[utoipa::path(
    operation_id = "export_members",
    tag = "members",
    params(MemberListParams),
    responses(
        (status = 200, description = "The members", content_type = "text/csv", body = String),
        (status = 403, description = "Only administrators and officers export", body = ErrorBody),
    ),
)]
#[get("/members/export")]
async fn export(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: ApiQuery,
) -> Result<HttpResponse, AppError> {
    let (filter, _) = filters::members(|k| query.get(k))?;
    let csv = member_service::export(&state, user.actor, filter).await?;
    Ok(csv_download("members.csv", csv))
}
