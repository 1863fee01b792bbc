//! Case pages: the filterable list, opening a case, and the case itself with its timeline,
//! workflow (stage, close, reopen, referral) and deadlines.

use std::collections::HashMap;

use actix_web::{HttpResponse, get, post, web};
use chrono::Utc;
use serde_json::json;
use tera::Context;

use super::form::FormData;
use super::layout;
use super::page::{FormProblem, PageError, pager, render, render_status, see_other};
use crate::api::cases::case_filter;
use crate::api::query::ListPage;
use crate::audit::{self, Event};
use crate::auth::CurrentUser;
use crate::casework::cases::{self, Actor, CaseChanges, CaseInput, DeadlineInput, EventInput};
use crate::casework::dates;
use crate::error::AppError;
use crate::models::*;
use crate::state::{AppState, read_audited};

fn actor(user: &CurrentUser) -> Actor {
    Actor {
        id: user.id(),
        scope: user.scope,
    }
}

fn options<T: Copy>(
    all: &[T],
    value: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> &'static str,
) -> Vec<serde_json::Value> {
    all.iter()
        .map(|v| json!({"value": value(*v), "label": label(*v)}))
        .collect()
}

/// The choices the case forms offer.
fn choices(context: &mut Context) {
    context.insert(
        "types",
        &options(CaseType::ALL, CaseType::as_str, CaseType::label),
    );
    context.insert("stages", &options(Stage::ALL, Stage::as_str, Stage::label));
    context.insert(
        "outcomes",
        &options(Outcome::ALL, Outcome::as_str, Outcome::label),
    );
    context.insert(
        "factors",
        &options(
            WorkloadFactor::ALL,
            WorkloadFactor::as_str,
            WorkloadFactor::label,
        ),
    );
    context.insert(
        "event_kinds",
        &options(
            &[
                EventKind::Note,
                EventKind::Meeting,
                EventKind::Hearing,
                EventKind::Letter,
            ],
            EventKind::as_str,
            EventKind::label,
        ),
    );
    context.insert(
        "deadline_kinds",
        &options(DeadlineKind::ALL, DeadlineKind::as_str, DeadlineKind::label),
    );
    context.insert("today", &Utc::now().date_naive().to_string());
}

#[get("/cases")]
pub async fn list(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, PageError> {
    let casework = user.casework()?;
    let mut context = layout::context(&state, &user, "/cases");
    choices(&mut context);
    context.insert("values", &*query);
    context.insert("can_open", &user.member_writer().is_ok());
    let (filter, paging) = match case_filter(|k| query.get(k).cloned()) {
        Ok(parsed) => parsed,
        Err(error) => {
            let problem = FormProblem::from_error(error)?;
            problem.show(&mut context, &*query);
            return render_status("cases/list.html", &context, problem.status);
        }
    };
    let actor = user.id();
    let page = read_audited(&state, move |conn, audit| {
        let (items, total) = Case::list_in(conn, casework, &filter, paging)?;
        if let Some(event) = audit::listed(actor, "case", items.iter().map(|c| c.id.0)) {
            audit.read(event);
        }
        Ok(ListPage::new(items, total, paging))
    })
    .await?;
    pager(&mut context, "/cases", &query, &page);
    context.insert("page", &page);
    render("cases/list.html", &context)
}

#[get("/cases/new")]
pub async fn new(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, PageError> {
    user.member_writer()?;
    let mut context = layout::context(&state, &user, "/cases");
    choices(&mut context);
    let mut values = serde_json::Map::new();
    values.insert(
        "opened_on".into(),
        json!(Utc::now().date_naive().to_string()),
    );
    if let Some(number) = query.get("membership_number") {
        values.insert("membership_number".into(), json!(number));
    }
    context.insert("values", &values);
    render("cases/new.html", &context)
}

/// Reads the new-case form; the member is named by membership number.
fn case_input(
    conn: &mut crate::db::DbConn,
    user_scope: crate::auth::Casework,
    form: &FormData,
) -> Result<CaseInput, AppError> {
    let number = form.get("membership_number").unwrap_or_default().trim();
    if number.is_empty() {
        return Err(AppError::invalid("membership_number", "is required"));
    }
    let member = Member::find_by_number(conn, number)?
        .filter(|m| Member::find_in(conn, user_scope, m.id).is_ok())
        .ok_or_else(|| {
            AppError::invalid(
                "membership_number",
                "no member with that number in your scope",
            )
        })?;
    #[derive(serde::Deserialize)]
    struct Fields {
        #[serde(rename = "type")]
        case_type: CaseType,
        opened_on: chrono::NaiveDate,
        summary: Option<String>,
    }
    let fields: Fields = form.parse_only(&["type", "opened_on", "summary"])?;
    let factors = form
        .all("workload_factors")
        .into_iter()
        .map(|f| {
            f.parse()
                .map_err(|_| AppError::invalid("workload_factors", "choose from the list"))
        })
        .collect::<Result<Vec<WorkloadFactor>, _>>()?;
    Ok(CaseInput {
        member_id: member.id,
        case_type: fields.case_type,
        opened_on: fields.opened_on,
        stage: None,
        summary: fields.summary,
        assigned_to: None,
        workload_factor: form.get("workload_factor").is_some() || !factors.is_empty(),
        workload_factors: factors,
        referred_to_region: false,
    })
}

#[post("/cases")]
pub async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let writer = user.member_writer()?;
    let form = FormData::new(form.into_inner());
    user.check_csrf(&state, form.csrf())?;
    let actor = actor(&user);
    let submitted = form.clone();
    let result = state
        .db
        .write(move |conn| {
            let input = case_input(conn, writer, &submitted)?;
            cases::create(conn, actor, input)
        })
        .await;
    match result {
        Ok(view) => Ok(see_other(&format!("/cases/{}?saved=1", view.case.id))),
        Err(error) => {
            let problem = FormProblem::from_error(error)?;
            let mut context = layout::context(&state, &user, "/cases");
            choices(&mut context);
            problem.show(&mut context, &form.values());
            context.insert("ticked", &form.all("workload_factors"));
            render_status("cases/new.html", &context, problem.status)
        }
    }
}

async fn detail_context(
    state: &web::Data<AppState>,
    user: &CurrentUser,
    id: CaseId,
) -> Result<Context, PageError> {
    let casework = user.casework()?;
    let reader = user.id();
    let (view, member, events, deadlines) = read_audited(state, move |conn, audit| {
        let case = Case::find_in(conn, casework, id)?;
        let member = match case.member_id {
            Some(m) => Some(Member::find_in(conn, casework, m)?),
            None => None,
        };
        let events = CaseEvent::for_case(conn, id)?;
        let deadlines = Deadline::for_case(conn, id)?;
        audit.read(Event::new(Some(reader), "read", "case").id(id.0));
        if let Some(m) = &member {
            audit.read(Event::new(Some(reader), "read", "member").id(m.id.0));
        }
        Ok((cases::view(conn, case)?, member, events, deadlines))
    })
    .await?;
    let today = Utc::now().date_naive();
    let deadlines: Vec<_> = deadlines
        .into_iter()
        .map(|d| {
            let urgency = dates::urgency(d.due_on, today);
            json!({"deadline": d, "kind": d.kind.label(), "urgency": urgency, "days": (d.due_on - today).num_days()})
        })
        .collect();
    let can_work = actor(user).may_work(&view.case);
    let mut context = layout::context(state, user, "/cases");
    choices(&mut context);
    context.insert(
        "labels",
        &json!({
            "type": view.case.case_type.label(),
            "stage": view.case.stage.label(),
            "outcome": view.case.outcome.map(Outcome::label),
            "factors": view.workload_factors.iter().map(|f| f.label()).collect::<Vec<_>>(),
        }),
    );
    context.insert("case", &view);
    context.insert("member", &member);
    context.insert("events", &events);
    context.insert("deadlines", &deadlines);
    context.insert("can_work", &can_work);
    context.insert("can_refer", &(can_work && user.member_writer().is_ok()));
    Ok(context)
}

#[get("/cases/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, PageError> {
    let mut context = detail_context(&state, &user, CaseId(id.into_inner())).await?;
    if query.contains_key("saved") {
        context.insert("notice", "Saved.");
    }
    render("cases/show.html", &context)
}

/// One form handler per kind of change on the case page; a refusal shows the page again with
/// the field's message.
async fn change(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: CaseId,
    form: FormData,
    work: impl FnOnce(&mut crate::db::DbConn, Actor, &FormData) -> Result<(), AppError> + Send + 'static,
    anchor: &str,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&state, form.csrf())?;
    let actor = actor(&user);
    let submitted = form.clone();
    let result = state
        .db
        .write(move |conn| work(conn, actor, &submitted))
        .await;
    match result {
        Ok(()) => Ok(see_other(&format!("/cases/{id}?saved=1#{anchor}"))),
        Err(error) => {
            let problem = FormProblem::from_error(error)?;
            let mut context = detail_context(&state, &user, id).await?;
            problem.show(&mut context, &form.values());
            render_status("cases/show.html", &context, problem.status)
        }
    }
}

#[post("/cases/{id}/workflow")]
pub async fn workflow(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let id = CaseId(id.into_inner());
    change(
        state,
        user,
        id,
        FormData::new(form.into_inner()),
        move |conn, actor, form| {
            let changes: CaseChanges = form.parse_only(&[
                "stage",
                "status",
                "outcome",
                "closed_on",
                "referred_to_region",
            ])?;
            cases::update(conn, actor, id, changes).map(|_| ())
        },
        "workflow",
    )
    .await
}

#[post("/cases/{id}/events")]
pub async fn add_event(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let id = CaseId(id.into_inner());
    change(
        state,
        user,
        id,
        FormData::new(form.into_inner()),
        move |conn, actor, form| {
            let input: EventInput = form.parse_only(&["occurred_on", "kind", "body"])?;
            cases::add_event(conn, actor, id, input).map(|_| ())
        },
        "timeline",
    )
    .await
}

#[post("/cases/{id}/deadlines")]
pub async fn add_deadline(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let id = CaseId(id.into_inner());
    change(
        state,
        user,
        id,
        FormData::new(form.into_inner()),
        move |conn, actor, form| {
            let input: DeadlineInput = form.parse_only(&["kind", "due_on", "from", "note"])?;
            cases::add_deadline(conn, actor, id, input).map(|_| ())
        },
        "deadlines",
    )
    .await
}

#[post("/cases/{id}/deadlines/{deadline}/done")]
pub async fn deadline_done(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, i64)>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let (id, deadline) = path.into_inner();
    let id = CaseId(id);
    change(
        state,
        user,
        id,
        FormData::new(form.into_inner()),
        move |conn, actor, _| {
            let found = Deadline::find(conn, DeadlineId(deadline))?;
            if found.case_id != id {
                return Err(AppError::NotFound);
            }
            cases::set_deadline_done(conn, actor, DeadlineId(deadline), true).map(|_| ())
        },
        "deadlines",
    )
    .await
}
