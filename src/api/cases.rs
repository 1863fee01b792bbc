//! Cases in the caller's scope, their timelines and deadlines, as JSON. The reads and writes
//! (with their audit entries) are `casework::case_service`.

use std::collections::HashMap;

use actix_web::http::Method;
use actix_web::{HttpResponse, web};

use super::routes::Routes;

use crate::casework::case_service;
use crate::casework::cases::{CaseChanges, CaseInput};
use crate::casework::deadlines::{DeadlineChanges, DeadlineInput};
use crate::casework::timeline::{EventCorrection, EventInput};
use crate::error::AppError;
use crate::http::json::JsonBody;
use crate::http::params::optional;
use crate::http::{CurrentUser, csv_download, filters};
use crate::models::*;
use crate::paging::ListPage;
use crate::state::AppState;

pub(crate) fn routes(routes: Routes) -> Routes {
    routes
        .add(Method::GET, "/cases/export", export)
        .add(Method::GET, "/cases", list)
        .add(Method::POST, "/cases", create)
        .add(Method::GET, "/cases/{id}", show)
        .add(Method::PATCH, "/cases/{id}", update)
        .add(Method::GET, "/cases/{id}/events", events)
        .add(Method::POST, "/cases/{id}/events", add_event)
        .add(Method::PATCH, "/cases/{id}/events/{event}", correct_event)
        .add(Method::GET, "/cases/{id}/deadlines", case_deadlines)
        .add(Method::POST, "/cases/{id}/deadlines", add_deadline)
        .add(Method::GET, "/deadlines", upcoming)
        .add(Method::PATCH, "/deadlines/{id}", update_deadline)
}

async fn list(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let (filter, paging) = filters::cases(|k| query.get(k).cloned())?;
    let page = case_service::list(&state, user.actor, filter, paging).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// The filtered case list as CSV (the list's own filters; no paging).
async fn export(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let (filter, _) = filters::cases(|k| query.get(k).cloned())?;
    let csv = case_service::export(&state, user.actor, filter).await?;
    Ok(csv_download("cases.csv", csv))
}

async fn show(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let case = case_service::show(&state, user.actor, CaseId(id.into_inner())).await?;
    Ok(HttpResponse::Ok().json(case))
}

async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: JsonBody<CaseInput>,
) -> Result<HttpResponse, AppError> {
    let case = case_service::create(&state, user.actor, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(case))
}

async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: JsonBody<CaseChanges>,
) -> Result<HttpResponse, AppError> {
    let id = CaseId(id.into_inner());
    let case = case_service::update(&state, user.actor, id, body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(case))
}

async fn events(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let items = case_service::events(&state, user.actor, CaseId(id.into_inner())).await?;
    Ok(HttpResponse::Ok().json(ListPage::whole(items)))
}

async fn add_event(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: JsonBody<EventInput>,
) -> Result<HttpResponse, AppError> {
    let id = CaseId(id.into_inner());
    let event = case_service::add_event(&state, user.actor, id, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(event))
}

async fn case_deadlines(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let items = case_service::deadlines(&state, user.actor, CaseId(id.into_inner())).await?;
    Ok(HttpResponse::Ok().json(ListPage::whole(items)))
}

async fn add_deadline(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: JsonBody<DeadlineInput>,
) -> Result<HttpResponse, AppError> {
    let id = CaseId(id.into_inner());
    let deadline = case_service::add_deadline(&state, user.actor, id, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(deadline))
}

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
    Ok(HttpResponse::Ok().json(event))
}

async fn update_deadline(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: JsonBody<DeadlineChanges>,
) -> Result<HttpResponse, AppError> {
    let id = DeadlineId(id.into_inner());
    let deadline =
        case_service::change_deadline(&state, user.actor, None, id, body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(deadline))
}

/// Largest `within_days` accepted.
const WITHIN_MAX: u64 = 366;

async fn upcoming(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let within =
        optional::<i64>("within_days", query.get("within_days").map(String::as_str))?.unwrap_or(14);
    let within = u64::try_from(within)
        .ok()
        .filter(|days| *days <= WITHIN_MAX)
        .ok_or_else(|| {
            AppError::bad_field("within_days", format!("must be from 0 to {WITHIN_MAX}"))
        })?;
    let mine = optional::<bool>("mine", query.get("mine").map(String::as_str))?.unwrap_or(false);
    let items = case_service::upcoming(&state, user.actor, within, mine).await?;
    Ok(HttpResponse::Ok().json(ListPage::whole(items)))
}
