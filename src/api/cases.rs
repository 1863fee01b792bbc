//! Cases in the caller's scope, their timelines and deadlines. Every read and write is audited;
//! timeline text is confidential and never logged.

use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use chrono::{Days, NaiveDate, Utc};
use serde::Deserialize;

use super::json::JsonBody;
use super::query::{ListPage, Paging, parse};
use crate::audit::{self, Event};
use crate::auth::CurrentUser;
use crate::casework::cases::{self, Actor, CaseChanges, CaseInput, DeadlineInput, EventInput};
use crate::casework::dates;
use crate::error::AppError;
use crate::models::*;
use crate::state::{AppState, read_audited};
use crate::text::non_empty;

pub fn routes(scope: actix_web::Scope) -> actix_web::Scope {
    scope
        .service(
            web::resource("/cases")
                .route(web::get().to(list))
                .route(web::post().to(create)),
        )
        .service(
            web::resource("/cases/{id}")
                .route(web::get().to(show))
                .route(web::patch().to(update)),
        )
        .service(
            web::resource("/cases/{id}/events")
                .route(web::get().to(events))
                .route(web::post().to(add_event)),
        )
        .service(
            web::resource("/cases/{id}/deadlines")
                .route(web::get().to(case_deadlines))
                .route(web::post().to(add_deadline)),
        )
        .service(web::resource("/deadlines").route(web::get().to(upcoming)))
        .service(web::resource("/deadlines/{id}").route(web::patch().to(update_deadline)))
}

fn actor(user: &CurrentUser) -> Actor {
    Actor {
        id: user.id(),
        scope: user.scope,
    }
}

/// Reads the case list's filters, each error naming its parameter.
pub fn case_filter(get: impl Fn(&str) -> Option<String>) -> Result<(CaseFilter, Paging), AppError> {
    let text = |k: &str| get(k);
    let param = |k: &str| get(k);
    let filter = CaseFilter {
        case_type: parse::<CaseType>("type", param("type").as_deref())?,
        status: parse::<CaseStatus>("status", param("status").as_deref())?,
        stage: parse::<Stage>("stage", param("stage").as_deref())?,
        branch_id: parse::<i64>("branch_id", param("branch_id").as_deref())?.map(Into::into),
        member_id: parse::<i64>("member_id", param("member_id").as_deref())?.map(Into::into),
        assigned_to: parse::<i64>("assigned_to", param("assigned_to").as_deref())?.map(Into::into),
        opened_from: parse::<NaiveDate>("opened_from", param("opened_from").as_deref())?,
        opened_to: parse::<NaiveDate>("opened_to", param("opened_to").as_deref())?,
        workload_factor: parse::<bool>("workload_factor", param("workload_factor").as_deref())?,
        q: non_empty(text("q")),
        sort: parse::<CaseSort>("sort", param("sort").as_deref())?.unwrap_or_default(),
    };
    let paging = Paging::from_query(param("page").as_deref(), param("per_page").as_deref())?;
    Ok((filter, paging))
}

async fn list(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let casework = user.casework()?;
    let (filter, paging) = case_filter(|k| query.get(k).cloned())?;
    let actor = user.id();
    let page = read_audited(&state, move |conn, audit| {
        let (items, total) = Case::list_in(conn, casework, &filter, paging)?;
        if let Some(event) = audit::listed(actor, "case", items.iter().map(|c| c.id.0)) {
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
    let id = CaseId(id.into_inner());
    let actor = user.id();
    let case = read_audited(&state, move |conn, audit| {
        let case = Case::find_in(conn, casework, id)?;
        audit.read(Event::new(Some(actor), "read", "case").id(id.0));
        cases::view(conn, case)
    })
    .await?;
    Ok(HttpResponse::Ok().json(case))
}

async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: JsonBody<CaseInput>,
) -> Result<HttpResponse, AppError> {
    let actor = actor(&user);
    let input = body.into_inner();
    let case = state
        .db
        .write(move |conn| cases::create(conn, actor, input))
        .await?;
    Ok(HttpResponse::Created().json(case))
}

async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: JsonBody<CaseChanges>,
) -> Result<HttpResponse, AppError> {
    let actor = actor(&user);
    let id = CaseId(id.into_inner());
    let changes = body.into_inner();
    let case = state
        .db
        .write(move |conn| cases::update(conn, actor, id, changes))
        .await?;
    Ok(HttpResponse::Ok().json(case))
}

async fn events(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let casework = user.casework()?;
    let id = CaseId(id.into_inner());
    let actor = user.id();
    let items = read_audited(&state, move |conn, audit| {
        Case::find_in(conn, casework, id)?;
        audit.read(
            Event::new(Some(actor), "read", "case")
                .id(id.0)
                .detail("events"),
        );
        Ok(CaseEvent::for_case(conn, id)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(ListPage::whole(items)))
}

async fn add_event(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: JsonBody<EventInput>,
) -> Result<HttpResponse, AppError> {
    let actor = actor(&user);
    let id = CaseId(id.into_inner());
    let input = body.into_inner();
    let event = state
        .db
        .write(move |conn| cases::add_event(conn, actor, id, input))
        .await?;
    Ok(HttpResponse::Created().json(event))
}

/// A deadline as the API shows it: with how urgent it is today.
#[derive(serde::Serialize)]
struct DeadlineView {
    #[serde(flatten)]
    deadline: Deadline,
    urgency: dates::Urgency,
    #[serde(skip_serializing_if = "Option::is_none")]
    reference: Option<String>,
}

fn deadline_view(deadline: Deadline, reference: Option<String>) -> DeadlineView {
    let urgency = dates::urgency(deadline.due_on, Utc::now().date_naive());
    DeadlineView {
        deadline,
        urgency,
        reference,
    }
}

async fn case_deadlines(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let casework = user.casework()?;
    let id = CaseId(id.into_inner());
    let actor = user.id();
    let items = read_audited(&state, move |conn, audit| {
        Case::find_in(conn, casework, id)?;
        audit.read(
            Event::new(Some(actor), "read", "case")
                .id(id.0)
                .detail("deadlines"),
        );
        Ok(Deadline::for_case(conn, id)?)
    })
    .await?;
    let items: Vec<_> = items.into_iter().map(|d| deadline_view(d, None)).collect();
    Ok(HttpResponse::Ok().json(ListPage::whole(items)))
}

async fn add_deadline(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: JsonBody<DeadlineInput>,
) -> Result<HttpResponse, AppError> {
    let actor = actor(&user);
    let id = CaseId(id.into_inner());
    let input = body.into_inner();
    let deadline = state
        .db
        .write(move |conn| cases::add_deadline(conn, actor, id, input))
        .await?;
    Ok(HttpResponse::Created().json(deadline_view(deadline, None)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DeadlineChange {
    done: bool,
}

async fn update_deadline(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: JsonBody<DeadlineChange>,
) -> Result<HttpResponse, AppError> {
    let actor = actor(&user);
    let id = DeadlineId(id.into_inner());
    let done = body.into_inner().done;
    let deadline = state
        .db
        .write(move |conn| cases::set_deadline_done(conn, actor, id, done))
        .await?;
    Ok(HttpResponse::Ok().json(deadline_view(deadline, None)))
}

/// Largest `within_days` accepted.
const WITHIN_MAX: i64 = 366;

async fn upcoming(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let casework = user.casework()?;
    let within =
        parse::<i64>("within_days", query.get("within_days").map(String::as_str))?.unwrap_or(14);
    if !(0..=WITHIN_MAX).contains(&within) {
        return Err(AppError::bad_field(
            "within_days",
            format!("must be from 0 to {WITHIN_MAX}"),
        ));
    }
    let mine = parse::<bool>("mine", query.get("mine").map(String::as_str))?.unwrap_or(false);
    let until = Utc::now().date_naive() + Days::new(within as u64);
    let assignee = mine.then(|| user.id());
    let actor = user.id();
    let rows = read_audited(&state, move |conn, audit| {
        let rows = Deadline::upcoming(conn, casework, until, assignee)?;
        if let Some(event) = audit::listed_as(
            actor,
            "case",
            "deadlines",
            rows.iter().map(|(d, _)| d.case_id.0),
        ) {
            audit.read(event);
        }
        Ok(rows)
    })
    .await?;
    let items: Vec<_> = rows
        .into_iter()
        .map(|(d, r)| deadline_view(d, Some(r)))
        .collect();
    Ok(HttpResponse::Ok().json(ListPage::whole(items)))
}
