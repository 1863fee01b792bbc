//! Case pages: the filterable list, opening a case, and the case itself with its timeline,
//! workflow (stage, close, reopen, referral) and deadlines.

use std::collections::HashMap;

use actix_web::{HttpResponse, get, post, web};
use chrono::Utc;
use serde_json::json;
use tera::Context;

use super::layout;
use super::page::{
    FormProblem, PageError, Submitted, deadline_row, pager, render, render_status, see_other,
    submit,
};
use crate::casework::case_service;
use crate::casework::cases::{CaseChanges, CaseInput, DeadlineInput, EventInput};
use crate::error::AppError;
use crate::http::form::FormData;
use crate::http::{CurrentUser, filters};
use crate::models::*;
use crate::state::AppState;

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
pub(crate) async fn list(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, PageError> {
    user.records()?;
    let mut context = layout::context(&state, &user, "/cases");
    choices(&mut context);
    context.insert("values", &*query);
    context.insert("can_open", &user.member_writer().is_ok());
    let (filter, paging) = match filters::cases(|k| query.get(k).cloned()) {
        Ok(parsed) => parsed,
        Err(error) => {
            let problem = FormProblem::from_error(error)?;
            problem.show(&mut context, &*query);
            return render_status("cases/list.html", &context, problem.status);
        }
    };
    let page = case_service::list(&state, user.actor, filter, paging).await?;
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

/// Reads the new-case form (all but the member, who is named by membership number).
fn case_input(form: &FormData) -> Result<impl FnOnce(MemberId) -> CaseInput + use<>, AppError> {
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
    let workload_factor = form.get("workload_factor").is_some() || !factors.is_empty();
    Ok(move |member_id| CaseInput {
        member_id,
        case_type: fields.case_type,
        opened_on: fields.opened_on,
        stage: None,
        summary: fields.summary,
        assigned_to: None,
        workload_factor,
        workload_factors: factors,
        referred_to_region: false,
    })
}

#[post("/cases")]
pub(crate) async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    user.member_writer()?;
    let form = self::form(form);
    let number = form.get("membership_number").unwrap_or_default().to_owned();
    let work = async {
        let input = case_input(&form)?;
        case_service::create_for_number(&state, user.actor, number, input).await
    };
    match submit(&state, &user, &form, work).await? {
        Submitted::Done(view) => Ok(see_other(&format!("/cases/{}?saved=1", view.case.id))),
        Submitted::Refused(problem) => {
            let mut context = layout::context(&state, &user, "/cases");
            choices(&mut context);
            problem.show(&mut context, &form.values());
            context.insert("ticked", &form.all("workload_factors"));
            render_status("cases/new.html", &context, problem.status)
        }
    }
}

async fn detail_context(
    state: &AppState,
    user: &CurrentUser,
    id: CaseId,
) -> Result<Context, PageError> {
    let case_service::CaseDetail {
        view,
        member,
        events,
        deadlines,
    } = case_service::detail(state, user.actor, id).await?;
    let deadlines: Vec<_> = deadlines.into_iter().map(deadline_row).collect();
    let can_work = user.actor.may_work(&view.case);
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
    context.insert("can_refer", &user.actor.may_refer(&view.case));
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
async fn change<T>(
    state: &AppState,
    user: &CurrentUser,
    id: CaseId,
    form: &FormData,
    work: impl std::future::Future<Output = Result<T, AppError>>,
    anchor: &str,
) -> Result<HttpResponse, PageError> {
    match submit(state, user, form, work).await? {
        Submitted::Done(_) => Ok(see_other(&format!("/cases/{id}?saved=1#{anchor}"))),
        Submitted::Refused(problem) => {
            let mut context = detail_context(state, user, id).await?;
            problem.show(&mut context, &form.values());
            render_status("cases/show.html", &context, problem.status)
        }
    }
}

fn form(form: web::Form<Vec<(String, String)>>) -> FormData {
    FormData::new(form.into_inner())
}

#[post("/cases/{id}/workflow")]
pub(crate) async fn workflow(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let (id, form) = (CaseId(id.into_inner()), self::form(form));
    let work = async {
        let changes: CaseChanges = form.parse_only(&[
            "stage",
            "status",
            "outcome",
            "closed_on",
            "referred_to_region",
        ])?;
        case_service::update(&state, user.actor, id, changes).await
    };
    change(&state, &user, id, &form, work, "workflow").await
}

#[post("/cases/{id}/events")]
pub(crate) async fn add_event(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let (id, form) = (CaseId(id.into_inner()), self::form(form));
    let work = async {
        let input: EventInput = form.parse_only(&["occurred_on", "kind", "body"])?;
        case_service::add_event(&state, user.actor, id, input).await
    };
    change(&state, &user, id, &form, work, "timeline").await
}

#[post("/cases/{id}/deadlines")]
pub(crate) async fn add_deadline(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let (id, form) = (CaseId(id.into_inner()), self::form(form));
    let work = async {
        let input: DeadlineInput = form.parse_only(&["kind", "due_on", "from", "note"])?;
        case_service::add_deadline(&state, user.actor, id, input).await
    };
    change(&state, &user, id, &form, work, "deadlines").await
}

#[post("/cases/{id}/deadlines/{deadline}/done")]
pub(crate) async fn deadline_done(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, i64)>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let (id, deadline) = path.into_inner();
    let (id, form) = (CaseId(id), self::form(form));
    // "Mark done", or "not done after all" (`done=false`): a slip is undone where it was made.
    let done = form.get("done") != Some("false");
    let work =
        case_service::set_deadline_done(&state, user.actor, Some(id), DeadlineId(deadline), done);
    change(&state, &user, id, &form, work, "deadlines").await
}
