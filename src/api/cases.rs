//! Cases in the caller's scope, their timelines and deadlines, as JSON. The reads and writes
//! (with their audit entries) are `casework::case_service`.

use actix_web::{HttpResponse, get, patch, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

use super::params::{CaseListParams, PageParams, UpcomingParams};
use super::query::ApiQuery;
use super::views::{self, Case, CaseEvent, CaseListItem, Deadline};
use crate::casework::case_service;
use crate::casework::cases::{CaseChanges, CaseInput};
use crate::casework::deadlines::{DeadlineChanges, DeadlineInput};
use crate::casework::timeline::{EventCorrection, EventInput};
use crate::error::{AppError, ErrorBody};
use crate::http::json::JsonBody;
use crate::http::params::optional;
use crate::http::{CurrentUser, csv_download, filters};
use crate::models::{CaseEventId, CaseId, DeadlineId};
use crate::paging::ListPage;
use crate::state::AppState;

/// Fixed paths before `/cases/{id}`, so that `export` is never read as an id.
pub(crate) fn routes(cfg: &mut ServiceConfig) {
    cfg.service(export)
        .service(list)
        .service(create)
        .service(show)
        .service(update)
        .service(events)
        .service(add_event)
        .service(correct_event)
        .service(case_deadlines)
        .service(add_deadline)
        .service(upcoming)
        .service(update_deadline);
}

/// Cases in the caller's scope, filtered, a page at a time, each with its member's name and
/// next open deadline.
#[utoipa::path(
    operation_id = "list_cases",
    tag = "cases",
    params(CaseListParams, PageParams),
    responses(
        (status = 200, description = "A page of cases", body = ListPage<CaseListItem>),
        (status = 403, description = "Delegates see no cases", body = ErrorBody),
    ),
)]
#[get("/cases")]
async fn list(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: ApiQuery,
) -> Result<HttpResponse, AppError> {
    let (filter, paging) = filters::cases(|k| query.get(k))?;
    let page = case_service::list(&state, user.actor, filter, paging).await?;
    Ok(HttpResponse::Ok().json(views::page::<_, CaseListItem>(page)))
}

/// The filtered case list as CSV: every page, the list's columns.
#[utoipa::path(
    operation_id = "export_cases",
    tag = "cases",
    params(CaseListParams),
    responses(
        (status = 200, description = "The cases", content_type = "text/csv", body = String),
        (status = 403, description = "Delegates see no cases", body = ErrorBody),
    ),
)]
#[get("/cases/export")]
async fn export(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: ApiQuery,
) -> Result<HttpResponse, AppError> {
    let (filter, _) = filters::cases(|k| query.get(k))?;
    let csv = case_service::export(&state, user.actor, filter).await?;
    Ok(csv_download("cases.csv", csv))
}

/// One case in the caller's scope, with its workload factors.
#[utoipa::path(
    operation_id = "show_case",
    tag = "cases",
    responses(
        (status = 200, description = "The case", body = Case),
        (status = 403, description = "Delegates see no cases", body = ErrorBody),
        (status = 404, description = "No such case in the caller's scope", body = ErrorBody),
    ),
)]
#[get("/cases/{id}")]
async fn show(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let case = case_service::show(&state, user.actor, CaseId(id.into_inner())).await?;
    Ok(HttpResponse::Ok().json(Case::from(&case)))
}

/// Opens a case for a member; its reference is the branch code, the year and the next number.
#[utoipa::path(
    operation_id = "create_case",
    tag = "cases",
    request_body = CaseInput,
    responses(
        (status = 201, description = "Opened", body = Case),
        (status = 403, description = "Only administrators, officers and organisers open cases", body = ErrorBody),
        (status = 422, description = "A field is invalid; `fields` names each", body = ErrorBody),
    ),
)]
#[post("/cases")]
async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: JsonBody<CaseInput>,
) -> Result<HttpResponse, AppError> {
    let case = case_service::create(&state, user.actor, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(Case::from(&case)))
}

/// Changes a case: its stage, closing (with an outcome) or reopening, its details, referral to
/// the region. Each stage change, outcome and referral is written to the timeline; closing
/// closes the case's open deadlines.
#[utoipa::path(
    operation_id = "update_case",
    tag = "cases",
    request_body = CaseChanges,
    responses(
        (status = 200, description = "Changed", body = Case),
        (status = 403, description = "In sight but not the caller's to work", body = ErrorBody),
        (status = 404, description = "No such case in the caller's scope", body = ErrorBody),
        (status = 422, description = "A change the workflow refuses; `fields` names it", body = ErrorBody),
    ),
)]
#[patch("/cases/{id}")]
async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: JsonBody<CaseChanges>,
) -> Result<HttpResponse, AppError> {
    let id = CaseId(id.into_inner());
    let case = case_service::update(&state, user.actor, id, body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(Case::from(&case)))
}

/// A case's timeline, oldest first.
#[utoipa::path(
    tag = "cases",
    responses(
        (status = 200, description = "The timeline, as one page", body = ListPage<CaseEvent>),
        (status = 403, description = "Delegates see no cases", body = ErrorBody),
        (status = 404, description = "No such case in the caller's scope", body = ErrorBody),
    ),
)]
#[get("/cases/{id}/events")]
async fn events(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let items = case_service::events(&state, user.actor, CaseId(id.into_inner())).await?;
    Ok(HttpResponse::Ok().json(views::whole::<_, CaseEvent>(&items)))
}

/// Adds a timeline entry (a note, meeting, hearing or letter) written by the caller.
#[utoipa::path(
    tag = "cases",
    request_body = EventInput,
    responses(
        (status = 201, description = "Added", body = CaseEvent),
        (status = 403, description = "In sight but not the caller's to work", body = ErrorBody),
        (status = 404, description = "No such case in the caller's scope", body = ErrorBody),
        (status = 422, description = "A field is invalid; `fields` names each", body = ErrorBody),
    ),
)]
#[post("/cases/{id}/events")]
async fn add_event(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: JsonBody<EventInput>,
) -> Result<HttpResponse, AppError> {
    let id = CaseId(id.into_inner());
    let event = case_service::add_event(&state, user.actor, id, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(CaseEvent::from(&event)))
}

/// Corrects a timeline entry: its author only. The earlier text is kept and shown.
#[utoipa::path(
    tag = "cases",
    request_body = EventCorrection,
    responses(
        (status = 200, description = "Corrected", body = CaseEvent),
        (status = 403, description = "Not the entry's author, or not the caller's case to work", body = ErrorBody),
        (status = 404, description = "No such entry on a case in the caller's scope", body = ErrorBody),
        (status = 422, description = "A field is invalid, or the entry is a stage change or outcome", body = ErrorBody),
    ),
)]
#[patch("/cases/{id}/events/{event}")]
async fn correct_event(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, i64)>,
    body: JsonBody<EventCorrection>,
) -> Result<HttpResponse, AppError> {
    let (id, event) = path.into_inner();
    let event = case_service::correct_event(
        &state,
        user.actor,
        CaseId(id),
        CaseEventId(event),
        body.into_inner(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(CaseEvent::from(&event)))
}

/// A case's hearings and deadlines, soonest first.
#[utoipa::path(
    tag = "cases",
    responses(
        (status = 200, description = "The deadlines, as one page", body = ListPage<Deadline>),
        (status = 403, description = "Delegates see no cases", body = ErrorBody),
        (status = 404, description = "No such case in the caller's scope", body = ErrorBody),
    ),
)]
#[get("/cases/{id}/deadlines")]
async fn case_deadlines(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let items = case_service::deadlines(&state, user.actor, CaseId(id.into_inner())).await?;
    Ok(HttpResponse::Ok().json(views::whole::<_, Deadline>(&items)))
}

/// Adds a hearing or deadline: a date, or for a tribunal or appeal deadline the date it runs
/// from (`from`), computed by the rules.
#[utoipa::path(
    tag = "cases",
    request_body = DeadlineInput,
    responses(
        (status = 201, description = "Added", body = Deadline),
        (status = 403, description = "In sight but not the caller's to work", body = ErrorBody),
        (status = 404, description = "No such case in the caller's scope", body = ErrorBody),
        (status = 422, description = "A field is invalid; `fields` names each", body = ErrorBody),
    ),
)]
#[post("/cases/{id}/deadlines")]
async fn add_deadline(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: JsonBody<DeadlineInput>,
) -> Result<HttpResponse, AppError> {
    let id = CaseId(id.into_inner());
    let deadline = case_service::add_deadline(&state, user.actor, id, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(Deadline::from(&deadline)))
}

/// Open deadlines in the caller's scope: overdue ones and those due within `within_days`.
#[utoipa::path(
    tag = "cases",
    params(UpcomingParams),
    responses(
        (status = 200, description = "The deadlines, soonest first, as one page", body = ListPage<Deadline>),
        (status = 403, description = "Delegates see no cases", body = ErrorBody),
    ),
)]
#[get("/deadlines")]
async fn upcoming(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: ApiQuery,
) -> Result<HttpResponse, AppError> {
    let within = optional::<i64>("within_days", query.get("within_days").as_deref())?.unwrap_or(14);
    let within = u64::try_from(within)
        .ok()
        .filter(|days| *days <= WITHIN_MAX)
        .ok_or_else(|| {
            AppError::bad_field("within_days", format!("must be from 0 to {WITHIN_MAX}"))
        })?;
    let mine = optional::<bool>("mine", query.get("mine").as_deref())?.unwrap_or(false);
    let items = case_service::upcoming(&state, user.actor, within, mine).await?;
    Ok(HttpResponse::Ok().json(views::whole::<_, Deadline>(&items)))
}

/// Largest `within_days` accepted.
const WITHIN_MAX: u64 = 366;

/// Changes a deadline: its kind, date, a hearing's time and place, the note, or whether it is
/// done; `null` clears an optional field.
#[utoipa::path(
    tag = "cases",
    request_body = DeadlineChanges,
    responses(
        (status = 200, description = "Changed", body = Deadline),
        (status = 403, description = "In sight but not the caller's to work", body = ErrorBody),
        (status = 404, description = "No such deadline on a case in the caller's scope", body = ErrorBody),
        (status = 422, description = "A field is invalid; `fields` names each", body = ErrorBody),
    ),
)]
#[patch("/deadlines/{id}")]
async fn update_deadline(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: JsonBody<DeadlineChanges>,
) -> Result<HttpResponse, AppError> {
    let id = DeadlineId(id.into_inner());
    let deadline =
        case_service::change_deadline(&state, user.actor, None, id, body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(Deadline::from(&deadline)))
}
