//! Correcting a case from its page: its details (type, summary, assignee, workload factors), a
//! timeline entry (by its author), a hearing or deadline; and the printable summary.

use actix_web::{HttpResponse, get, post, web};
use tera::Context;

use super::cases::{
    CaseRows, TimelineRow, choices, detail_context, detail_page, form, ticked_factors,
};
use super::layout;
use super::page::{
    Choice, DeadlineRow, PageError, Submitted, form_values, render, render_status, see_other,
    submit,
};
use crate::casework::case_service;
use crate::casework::cases::CaseChanges;
use crate::casework::cases::CaseView;
use crate::casework::deadlines::DeadlineChanges;
use crate::casework::timeline::EventCorrection;
use crate::error::AppError;
use crate::http::CurrentUser;
use crate::http::form::FormData;
use crate::models::*;
use crate::state::AppState;

/// The case and the choices of its details form.
async fn details_context(
    state: &AppState,
    user: &CurrentUser,
    id: CaseId,
) -> Result<(Context, CaseView), PageError> {
    let view = case_service::show(state, user.actor, id).await?;
    let reps = case_service::assignees(state, user.actor, id).await?;
    let mut context = layout::context(state, user, "/cases").await?;
    choices(&mut context);
    context.insert(
        "reps",
        &reps
            .iter()
            .map(|(id, name)| Choice::new(id.0.to_string(), name.clone()))
            .collect::<Vec<_>>(),
    );
    context.insert("case", &view);
    Ok((context, view))
}

#[get("/cases/{id}/edit")]
pub(crate) async fn edit_details(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let (mut context, view) = details_context(&state, &user, CaseId(id.into_inner())).await?;
    if !user.actor.may_work(&view.case) {
        return Err(AppError::Forbidden.into());
    }
    let mut values = form_values(&view.case);
    values.insert("type".into(), view.case.case_type.as_str().into());
    context.insert("values", &values);
    let ticked: Vec<&str> = view.workload_factors.iter().map(|f| f.as_str()).collect();
    context.insert("ticked", &ticked);
    render("cases/edit.html", &context)
}

/// The details form as a change: every field it shows, blank ones cleared.
fn details_changes(form: &FormData) -> Result<CaseChanges, AppError> {
    #[derive(serde::Deserialize)]
    struct Fields {
        #[serde(rename = "type")]
        case_type: CaseType,
    }
    let fields: Fields = form.parse_only(&["type"])?;
    let assigned_to = match form.get("assigned_to").map(str::trim) {
        None | Some("") => None,
        Some(id) => Some(UserId(id.parse().map_err(|_| {
            AppError::invalid("assigned_to", "choose a rep from the list")
        })?)),
    };
    let factors = ticked_factors(form)?;
    Ok(CaseChanges {
        case_type: Some(fields.case_type),
        workload_factor: Some(!factors.is_empty()),
        workload_factors: Some(factors),
        assigned_to: Some(assigned_to),
        summary: Some(form.get("summary").map(str::to_owned)),
        ..Default::default()
    })
}

#[post("/cases/{id}/edit")]
pub(crate) async fn update_details(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let (id, form) = (CaseId(id.into_inner()), self::form(form));
    let work = async {
        let changes = details_changes(&form)?;
        case_service::update(&state, user.actor, id, changes).await
    };
    match submit(&state, &user, &form, work).await? {
        Submitted::Done(_) => Ok(see_other(&format!("/cases/{id}?saved=1"))),
        Submitted::Refused(problem) => {
            let (mut context, _) = details_context(&state, &user, id).await?;
            problem.show(&mut context, &form.values());
            context.insert("ticked", &form.all("workload_factors"));
            render_status("cases/edit.html", &context, problem.status)
        }
    }
}

/// The case page's context with one of its rows picked out for an edit form.
async fn item_context<T: Clone>(
    state: &AppState,
    user: &CurrentUser,
    id: CaseId,
    list: fn(&CaseRows) -> &[T],
    pick: impl Fn(&T) -> bool,
) -> Result<(Context, T), PageError> {
    let (context, rows) = detail_page(state, user, id).await?;
    if !rows.can_work {
        return Err(AppError::Forbidden.into());
    }
    let item = list(&rows)
        .iter()
        .find(|row| pick(row))
        .cloned()
        .ok_or(PageError(AppError::NotFound))?;
    Ok((context, item))
}

fn timeline(rows: &CaseRows) -> &[TimelineRow] {
    &rows.timeline
}

fn deadlines(rows: &CaseRows) -> &[DeadlineRow] {
    &rows.deadlines
}

#[get("/cases/{id}/events/{event}/edit")]
pub(crate) async fn edit_event(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, PageError> {
    let (id, event) = path.into_inner();
    let (mut context, row) = item_context(&state, &user, CaseId(id), timeline, |row| {
        row.event.id == CaseEventId(event)
    })
    .await?;
    // The rule is `Actor::correction`'s, asked of the entry itself.
    let entry = case_service::correctable(&state, user.actor, CaseId(id), CaseEventId(event))
        .await
        .map_err(|error| match error {
            AppError::Unprocessable { .. } => AppError::Forbidden,
            other => other,
        })?;
    context.insert("values", &form_values(&entry));
    context.insert("item", &row);
    render("cases/event_edit.html", &context)
}

#[post("/cases/{id}/events/{event}")]
pub(crate) async fn correct_event(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, i64)>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let (id, event) = path.into_inner();
    let (id, form) = (CaseId(id), self::form(form));
    let work = async {
        let mut correction: EventCorrection = form.parse_only(&["occurred_on"])?;
        correction.text = Some(form.get("text").unwrap_or_default().to_owned());
        case_service::correct_event(&state, user.actor, id, CaseEventId(event), correction).await
    };
    match submit(&state, &user, &form, work).await? {
        Submitted::Done(_) => Ok(see_other(&format!("/cases/{id}?saved=1#timeline"))),
        Submitted::Refused(problem) => {
            let (mut context, row) = item_context(&state, &user, id, timeline, |row| {
                row.event.id == CaseEventId(event)
            })
            .await?;
            context.insert("item", &row);
            problem.show(&mut context, &form.values());
            render_status("cases/event_edit.html", &context, problem.status)
        }
    }
}

#[get("/cases/{id}/deadlines/{deadline}/edit")]
pub(crate) async fn edit_deadline(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, PageError> {
    let (id, deadline) = path.into_inner();
    let (mut context, row) = item_context(&state, &user, CaseId(id), deadlines, |row| {
        row.deadline.id == DeadlineId(deadline)
    })
    .await?;
    context.insert("values", &form_values(&row.deadline));
    context.insert("item", &row);
    render("cases/deadline_edit.html", &context)
}

/// The deadline form as a change: every field it shows, blank optional ones cleared.
fn deadline_changes(form: &FormData) -> Result<DeadlineChanges, AppError> {
    let mut changes: DeadlineChanges = form.parse_only(&["kind", "due_on"])?;
    let text = |name: &str| Some(form.get(name).map(str::to_owned));
    changes.note = text("note");
    changes.starts_at = text("starts_at");
    changes.place = text("place");
    if changes.due_on.is_none() {
        return Err(AppError::invalid("due_on", "is required"));
    }
    Ok(changes)
}

#[post("/cases/{id}/deadlines/{deadline}")]
pub(crate) async fn change_deadline(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, i64)>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let (id, deadline) = path.into_inner();
    let (id, form) = (CaseId(id), self::form(form));
    let work = async {
        let changes = deadline_changes(&form)?;
        case_service::change_deadline(&state, user.actor, Some(id), DeadlineId(deadline), changes)
            .await
    };
    match submit(&state, &user, &form, work).await? {
        Submitted::Done(_) => Ok(see_other(&format!("/cases/{id}?saved=1#deadlines"))),
        Submitted::Refused(problem) => {
            let (mut context, row) = item_context(&state, &user, id, deadlines, |row| {
                row.deadline.id == DeadlineId(deadline)
            })
            .await?;
            context.insert("item", &row);
            problem.show(&mut context, &form.values());
            render_status("cases/deadline_edit.html", &context, problem.status)
        }
    }
}

/// The case on paper: facts, deadlines and timeline, with no navigation or forms.
#[get("/cases/{id}/print")]
pub(crate) async fn print(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let mut context = detail_context(&state, &user, CaseId(id.into_inner())).await?;
    context.insert(
        "printed",
        &chrono::Utc::now().format("%-d %B %Y").to_string(),
    );
    render("cases/print.html", &context)
}
