//! Members in the caller's scope, their workload records, CSV import and export. Every read
//! and write is audited.

use std::collections::HashMap;

use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::{HttpResponse, web};

use super::csv_body::CsvBody;
use super::json::JsonBody;
use super::query::{ListPage, Paging, parse};
use crate::audit::{self, Event};
use crate::auth::CurrentUser;
use crate::casework::import::{self, ImportOptions, ImportReport, NoProgress};
use crate::casework::members::{self, MemberChanges, MemberInput};
use crate::casework::workload::{self, WorkloadInput};
use crate::error::AppError;
use crate::models::{Member, MemberFilter, MemberId};
use crate::state::{AppState, read_audited};
use crate::text::non_empty;

/// Largest CSV file accepted by an import (about 200,000 member rows).
pub const IMPORT_LIMIT_BYTES: usize = 32 * 1024 * 1024;

pub fn routes(scope: actix_web::Scope) -> actix_web::Scope {
    scope
        .service(web::resource("/members/export").route(web::get().to(export)))
        .service(
            web::resource("/members/import")
                .app_data(web::PayloadConfig::new(IMPORT_LIMIT_BYTES))
                .route(web::post().to(import_members)),
        )
        .service(
            web::resource("/workload/import")
                .app_data(web::PayloadConfig::new(IMPORT_LIMIT_BYTES))
                .route(web::post().to(import_workload)),
        )
        .service(
            web::resource("/members")
                .route(web::get().to(list))
                .route(web::post().to(create)),
        )
        .service(
            web::resource("/members/{id}")
                .route(web::get().to(show))
                .route(web::patch().to(update)),
        )
        .service(
            web::resource("/members/{id}/workload")
                .route(web::get().to(workload_list))
                .route(web::post().to(workload_add)),
        )
}

async fn list(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let casework = user.casework()?;
    let get = |k: &str| query.get(k).map(String::as_str);
    let paging = Paging::from_query(get("page"), get("per_page"))?;
    let filter = MemberFilter {
        q: non_empty(get("q").map(str::to_owned)),
        branch_id: parse::<i64>("branch_id", get("branch_id"))?.map(Into::into),
        employer_id: parse::<i64>("employer_id", get("employer_id"))?.map(Into::into),
        team: non_empty(get("team").map(str::to_owned)),
        job_role: non_empty(get("job_role").map(str::to_owned)),
    };
    let actor = user.id();
    let page = read_audited(&state, move |conn, audit| {
        let (items, total) = Member::list_in(conn, casework, &filter, paging)?;
        if let Some(event) = audit::listed(actor, "member", items.iter().map(|m| m.id.0)) {
            audit.read(event);
        }
        Ok(ListPage::new(items, total, paging))
    })
    .await?;
    Ok(HttpResponse::Ok().json(page))
}

async fn show(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let casework = user.casework()?;
    let id = MemberId(id.into_inner());
    let actor = user.id();
    let member = read_audited(&state, move |conn, audit| {
        let member = Member::find_in(conn, casework, id)?;
        audit.read(Event::new(Some(actor), "read", "member").id(id.0));
        Ok(member)
    })
    .await?;
    Ok(HttpResponse::Ok().json(member))
}

async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: JsonBody<MemberInput>,
) -> Result<HttpResponse, AppError> {
    let writer = user.member_writer()?;
    let actor = user.id();
    let input = body.into_inner();
    let member = state
        .db
        .write(move |conn| members::create(conn, actor, writer, input))
        .await?;
    Ok(HttpResponse::Created().json(member))
}

async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: JsonBody<MemberChanges>,
) -> Result<HttpResponse, AppError> {
    let writer = user.member_writer()?;
    let actor = user.id();
    let id = MemberId(id.into_inner());
    let changes = body.into_inner();
    let member = state
        .db
        .write(move |conn| members::update(conn, actor, writer, id, changes))
        .await?;
    Ok(HttpResponse::Ok().json(member))
}

async fn workload_list(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let casework = user.casework()?;
    let id = MemberId(id.into_inner());
    let actor = user.id();
    let history = read_audited(&state, move |conn, audit| {
        let member = Member::find_in(conn, casework, id)?;
        let history = workload::history(conn, &member)?;
        audit.read(
            Event::new(Some(actor), "read", "member")
                .id(id.0)
                .detail("workload"),
        );
        Ok(history)
    })
    .await?;
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
    let writer = user.member_writer()?;
    let actor = user.id();
    let id = MemberId(id.into_inner());
    let input = body.into_inner();
    let record = state
        .db
        .write(move |conn| workload::add(conn, actor, writer, id, input))
        .await?;
    Ok(HttpResponse::Created().json(record))
}

fn import_options(query: &HashMap<String, String>) -> Result<ImportOptions, AppError> {
    let get = |k: &str| query.get(k).map(String::as_str);
    Ok(ImportOptions {
        dry_run: parse::<bool>("dry_run", get("dry_run"))?.unwrap_or(false),
        create_employers: parse::<bool>("create_employers", get("create_employers"))?
            .unwrap_or(false),
    })
}

/// 200 with the report, or 422 with the report when any row is refused (nothing written).
pub fn import_answer(report: ImportReport) -> HttpResponse {
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
    let writer = user.member_writer()?;
    let options = import_options(&query)?;
    let actor = user.id();
    let report = state
        .db
        .write(move |conn| {
            import::import_members(conn, Some(actor), writer, &body, options, &NoProgress)
        })
        .await?;
    Ok(import_answer(report))
}

async fn import_workload(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<HashMap<String, String>>,
    CsvBody(body): CsvBody,
) -> Result<HttpResponse, AppError> {
    let writer = user.member_writer()?;
    let options = import_options(&query)?;
    let actor = user.id();
    let report = state
        .db
        .write(move |conn| {
            import::import_workload(conn, Some(actor), writer, &body, options, &NoProgress)
        })
        .await?;
    Ok(import_answer(report))
}

/// The members CSV download, for the API and the page alike: administrators and officers
/// only, the caller's scope only, audited with the ids of the members exported.
pub async fn export(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let scope = user.member_writer()?;
    let actor = user.id();
    let (csv, count) = state
        .db
        .write(move |conn| {
            let (csv, ids) = crate::casework::export::members_csv(conn, scope)?;
            let count = ids.len();
            let what = format!("count={count}");
            audit::record_ids(conn, Some(actor), "export", "member", &what, &ids)?;
            Ok((csv, count))
        })
        .await?;
    tracing::info!(count, "members exported");
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((CONTENT_DISPOSITION, "attachment; filename=\"members.csv\""))
        .body(csv))
}
