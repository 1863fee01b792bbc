//! Members in the caller's scope, their workload records, CSV import and export, as JSON. The
//! reads and writes (with their audit entries) are `casework::member_service`.

use std::collections::HashMap;

use actix_web::http::Method;
use actix_web::{HttpResponse, web};

use super::routes::Routes;

use super::csv_body::CsvBody;
use crate::casework::import::{IMPORT_LIMIT_BYTES, ImportOptions, ImportReport};
use crate::casework::member_fields::MemberFields;
use crate::casework::member_service::{self, ImportKind};
use crate::casework::workload::{WorkloadChanges, WorkloadInput};
use crate::error::AppError;
use crate::http::json::JsonBody;
use crate::http::params::optional;
use crate::http::{CurrentUser, csv_download, filters};
use crate::models::{MemberId, UpdateMember, WorkloadRecordId};
use crate::state::AppState;

pub(crate) fn routes(routes: Routes) -> Routes {
    routes
        .add(Method::GET, "/members/export", export)
        .add(Method::POST, "/members/import", import_members)
        .data(
            "/members/import",
            web::PayloadConfig::new(IMPORT_LIMIT_BYTES),
        )
        .add(Method::GET, "/workload/export", export_workload)
        .add(Method::POST, "/workload/import", import_workload)
        .data(
            "/workload/import",
            web::PayloadConfig::new(IMPORT_LIMIT_BYTES),
        )
        .add(Method::GET, "/members", list)
        .add(Method::POST, "/members", create)
        .add(Method::GET, "/members/{id}", show)
        .add(Method::PATCH, "/members/{id}", update)
        .add(Method::GET, "/members/{id}/workload", workload_list)
        .add(Method::POST, "/members/{id}/workload", workload_add)
        .add(
            Method::PATCH,
            "/members/{id}/workload/{record}",
            workload_change,
        )
        .add(
            Method::DELETE,
            "/members/{id}/workload/{record}",
            workload_delete,
        )
}

async fn list(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let (filter, paging) = filters::members(|k| query.get(k).cloned())?;
    let page = member_service::list(&state, user.actor, filter, paging).await?;
    Ok(HttpResponse::Ok().json(page))
}

async fn show(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = MemberId(id.into_inner());
    let member = member_service::show(&state, user.actor, id, None).await?;
    Ok(HttpResponse::Ok().json(member))
}

async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: JsonBody<MemberFields>,
) -> Result<HttpResponse, AppError> {
    let member = member_service::create(&state, user.actor, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(member))
}

async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: JsonBody<UpdateMember>,
) -> Result<HttpResponse, AppError> {
    let id = MemberId(id.into_inner());
    let member = member_service::update(&state, user.actor, id, body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(member))
}

async fn workload_list(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = MemberId(id.into_inner());
    let history = member_service::workload(&state, user.actor, id).await?;
    let total = history.points.len() as i64;
    let items: Vec<_> = history
        .points
        .iter()
        .map(|p| {
            let mut item = serde_json::to_value(&p.record).unwrap_or_default();
            item["caseload_per_fte"] = serde_json::json!(p.caseload_per_fte);
            item
        })
        .collect();
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "items": items,
        "total": total,
        "page": 1,
        "per_page": total.max(1),
        "safe_caseload": history.safe_caseload,
        "above_safe_caseload": history.above_safe_caseload,
        "latest_per_fte": history.latest_per_fte,
    })))
}

async fn workload_add(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: JsonBody<WorkloadInput>,
) -> Result<HttpResponse, AppError> {
    let id = MemberId(id.into_inner());
    let record = member_service::add_workload(&state, user.actor, id, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(record))
}

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
    Ok(HttpResponse::Ok().json(record))
}

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

/// The workload records of the members the filters pick (the member list's own filters).
async fn export_workload(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let (filter, _) = filters::members(|k| query.get(k).cloned())?;
    let csv = member_service::export_workload(&state, user.actor, filter).await?;
    Ok(csv_download("workload.csv", csv))
}

fn import_options(query: &HashMap<String, String>) -> Result<ImportOptions, AppError> {
    let get = |k: &str| query.get(k).map(String::as_str);
    Ok(ImportOptions {
        dry_run: optional::<bool>("dry_run", get("dry_run"))?.unwrap_or(false),
        create_employers: optional::<bool>("create_employers", get("create_employers"))?
            .unwrap_or(false),
    })
}

/// 200 with the report, or 422 with the report when any row is refused (nothing written).
pub(crate) fn import_answer(report: ImportReport) -> HttpResponse {
    if !report.is_refused() {
        return HttpResponse::Ok().json(report);
    }
    let fields: serde_json::Map<String, serde_json::Value> = report
        .errors
        .iter()
        .take(100)
        .map(|e| {
            (
                format!("line {}: {}", e.line, e.column),
                e.message.clone().into(),
            )
        })
        .collect();
    let count = report.errors.len();
    HttpResponse::UnprocessableEntity().json(serde_json::json!({
        "error": {
            "code": "invalid_rows",
            "message": format!("{count} problem(s) in the file; nothing was written"),
            "fields": fields,
        },
        "report": report,
    }))
}

async fn import_members(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<HashMap<String, String>>,
    CsvBody(body): CsvBody,
) -> Result<HttpResponse, AppError> {
    let options = import_options(&query)?;
    let kind = ImportKind::Members;
    let report = member_service::import(&state, user.actor, kind, body.to_vec(), options).await?;
    Ok(import_answer(report))
}

async fn import_workload(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<HashMap<String, String>>,
    CsvBody(body): CsvBody,
) -> Result<HttpResponse, AppError> {
    let options = import_options(&query)?;
    let kind = ImportKind::Workload;
    let report = member_service::import(&state, user.actor, kind, body.to_vec(), options).await?;
    Ok(import_answer(report))
}

async fn export(state: web::Data<AppState>, user: CurrentUser) -> Result<HttpResponse, AppError> {
    let csv = member_service::export(&state, user.actor).await?;
    Ok(csv_download("members.csv", csv))
}
