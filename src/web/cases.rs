//! Case pages: the filterable list, opening a case, and the case itself with its timeline,
//! workflow (stage, close, reopen, referral) and deadlines.

use std::collections::HashMap;

use actix_web::{HttpResponse, get, post, web};
use chrono::Utc;
use serde_json::json;
use tera::Context;

use super::case_contacts::ContactRow;
use super::layout;
use super::page::{
    Choice, DeadlineRow, FormProblem, PageError, Submitted, pager, render, render_status,
    see_other, submit,
};
use crate::casework::case_service;
use crate::casework::cases::{CaseChanges, CaseInput};
use crate::casework::contacts;
use crate::casework::deadlines::{DeadlineChanges, DeadlineInput};
use crate::casework::timeline::EventInput;
use crate::error::AppError;
use crate::http::form::FormData;
use crate::http::{CurrentUser, csv_download, filters};
use crate::models::*;
use crate::state::AppState;

pub(super) fn options<T: Copy>(
    all: &[T],
    value: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> &'static str,
) -> Vec<Choice> {
    all.iter()
        .map(|v| Choice::new(value(*v), label(*v)))
        .collect()
}

/// The choices the case forms offer.
pub(super) fn choices(context: &mut Context) {
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
    // The cases first: their trip to the database carries the session check, and the layout
    // then reads the caller's row it left.
    let page = match filters::cases(|k| query.get(k).cloned()) {
        Ok((filter, paging)) => Ok(case_service::list(&state, user.actor, filter, paging).await?),
        Err(error) => Err(error),
    };
    let mut context = layout::context(&state, &user, "/cases").await?;
    choices(&mut context);
    context.insert("values", &*query);
    context.insert("can_open", &user.member_writer().is_ok());
    let page = match page {
        Ok(page) => page,
        Err(error) => {
            let problem = FormProblem::from_error(error)?;
            problem.show(&mut context, &*query);
            return render_status("cases/list.html", &context, problem.status);
        }
    };
    pager(&mut context, "/cases", &query, &page);
    context.insert("csv_link", &csv_link("/cases/export.csv", &query));
    context.insert("page", &page);
    render("cases/list.html", &context)
}

/// The page's filters, without paging, on a CSV download address.
pub(super) fn csv_link(path: &str, query: &HashMap<String, String>) -> String {
    let pairs: Vec<(&String, &String)> = query
        .iter()
        .filter(|(k, v)| !matches!(k.as_str(), "page" | "per_page") && !v.is_empty())
        .collect();
    format!(
        "{path}?{}",
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    )
}

/// The filtered list as CSV: every page, with the list's columns.
#[get("/cases/export.csv")]
pub(crate) async fn export(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, PageError> {
    let (filter, _) = filters::cases(|k| query.get(k).cloned())?;
    let csv = case_service::export(&state, user.actor, filter).await?;
    Ok(csv_download("cases.csv", csv))
}

#[get("/cases/new")]
pub async fn new(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, PageError> {
    user.member_writer()?;
    let mut context = layout::context(&state, &user, "/cases").await?;
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

/// The workload factors ticked on a case form.
pub(super) fn ticked_factors(form: &FormData) -> Result<Vec<WorkloadFactor>, AppError> {
    form.all("workload_factors")
        .into_iter()
        .map(|f| {
            f.parse()
                .map_err(|_| AppError::invalid("workload_factors", "choose from the list"))
        })
        .collect()
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
    let factors = ticked_factors(form)?;
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
        referral_reason: None,
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
            let mut context = layout::context(&state, &user, "/cases").await?;
            choices(&mut context);
            problem.show(&mut context, &form.values());
            context.insert("ticked", &form.all("workload_factors"));
            render_status("cases/new.html", &context, problem.status)
        }
    }
}

/// "Name, 2 December 2026 14:05": who did something and when, for the page.
fn who_when(
    people: &std::collections::BTreeMap<i64, String>,
    who: Option<UserId>,
    when: chrono::NaiveDateTime,
) -> String {
    let name = who
        .and_then(|id| people.get(&id.0))
        .map_or("someone no longer known", String::as_str);
    format!("{name}, {}", when.format("%-d %B %Y %H:%M"))
}

/// The timeline as the page shows it: each entry with who wrote it and when, its earlier
/// versions, and whether the reader may correct it.
fn timeline_rows(detail: &case_service::CaseDetail, user: &CurrentUser) -> Vec<TimelineRow> {
    detail
        .events
        .iter()
        .map(|e| TimelineRow {
            event: e.clone(),
            written: who_when(&detail.people, e.author_id, e.created_at),
            earlier: detail
                .revisions
                .iter()
                .filter(|r| r.event_id == e.id)
                .map(|r| EarlierVersion {
                    occurred_on: r.occurred_on,
                    text: r.text.clone(),
                    replaced: who_when(&detail.people, r.revised_by, r.revised_at),
                })
                .collect(),
            can_correct: user.actor.correction(&detail.view.case, e).is_ok(),
        })
        .collect()
}

/// A timeline entry as the case page shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub(super) struct TimelineRow {
    pub event: CaseEvent,
    /// Who wrote it, and when.
    pub written: String,
    /// What a correction replaced, oldest first.
    pub earlier: Vec<EarlierVersion>,
    pub can_correct: bool,
}

/// What an entry said before a correction, and who replaced it when.
#[derive(Debug, Clone, serde::Serialize)]
pub(super) struct EarlierVersion {
    pub occurred_on: chrono::NaiveDate,
    pub text: String,
    pub replaced: String,
}

/// A case's values as the page words them.
#[derive(serde::Serialize)]
struct CaseLabels {
    #[serde(rename = "type")]
    case_type: &'static str,
    stage: &'static str,
    outcome: Option<&'static str>,
    factors: Vec<&'static str>,
    /// The rep working the case.
    assignee: Option<String>,
}

/// The rows of a case page that edit forms pick from.
pub(super) struct CaseRows {
    pub timeline: Vec<TimelineRow>,
    pub deadlines: Vec<DeadlineRow>,
    pub can_work: bool,
}

/// A case in scope with everything its page (and its print view) shows.
pub(super) async fn detail_context(
    state: &AppState,
    user: &CurrentUser,
    id: CaseId,
) -> Result<Context, PageError> {
    Ok(detail_page(state, user, id).await?.0)
}

/// The case page's context and its rows.
pub(super) async fn detail_page(
    state: &AppState,
    user: &CurrentUser,
    id: CaseId,
) -> Result<(Context, CaseRows), PageError> {
    let detail = case_service::detail(state, user.actor, id).await?;
    let timeline = timeline_rows(&detail, user);
    let case_service::CaseDetail {
        view,
        member,
        deadlines,
        people,
        ..
    } = detail;
    let deadlines: Vec<_> = deadlines
        .into_iter()
        .map(|d| {
            let added = who_when(&people, d.deadline.created_by, d.deadline.created_at);
            let changed = d
                .deadline
                .updated_at
                .map(|at| who_when(&people, d.deadline.updated_by, at));
            DeadlineRow {
                added: Some(added),
                changed,
                ..DeadlineRow::from(d)
            }
        })
        .collect();
    let can_work = user.actor.may_work(&view.case);
    let papers: Vec<super::case_papers::PaperRow> = if can_work {
        crate::casework::documents::list(state, user.actor, id)
            .await?
            .into_iter()
            .map(|document| super::case_papers::PaperRow::new(document, &people))
            .collect()
    } else {
        Vec::new()
    };
    let (contacts, known): (Vec<ContactRow>, Vec<ContactRow>) = if can_work {
        (
            contacts::list(state, user.actor, id)
                .await?
                .into_iter()
                .map(ContactRow::from)
                .collect(),
            contacts::known(state, user.actor, id)
                .await?
                .into_iter()
                .map(ContactRow::from)
                .collect(),
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let mut context = layout::context(state, user, "/cases").await?;
    context.insert("contacts", &contacts);
    context.insert("known_contacts", &known);
    context.insert(
        "contact_roles",
        &options(ContactRole::ALL, ContactRole::as_str, ContactRole::label),
    );
    context.insert("papers", &papers);
    context.insert("can_remove_papers", &user.actor.member_writer().is_ok());
    context.insert(
        "document_kinds",
        &options(DocumentKind::ALL, DocumentKind::as_str, DocumentKind::label),
    );
    choices(&mut context);
    context.insert(
        "labels",
        &CaseLabels {
            case_type: view.case.case_type.label(),
            stage: view.case.stage.label(),
            outcome: view.case.outcome.map(Outcome::label),
            factors: view.workload_factors.iter().map(|f| f.label()).collect(),
            assignee: view
                .case
                .assigned_to
                .and_then(|id| people.get(&id.0).cloned()),
        },
    );
    context.insert("case", &view);
    context.insert("member", &member);
    context.insert("timeline", &timeline);
    context.insert("deadlines", &deadlines);
    context.insert("can_work", &can_work);
    context.insert("can_refer", &user.actor.may_refer(&view.case));
    context.insert("can_take", &user.actor.may_take(&view.case));
    let rows = CaseRows {
        timeline,
        deadlines,
        can_work,
    };
    Ok((context, rows))
}

#[get("/cases/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, PageError> {
    let mut context = detail_context(&state, &user, CaseId(id.into_inner())).await?;
    match query.get("saved").map(String::as_str) {
        Some("closed") => context.insert(
            "notice",
            "Case closed. Its open hearings and deadlines were closed with it: the timeline lists them.",
        ),
        Some(_) => context.insert("notice", "Saved."),
        None => {}
    }
    render("cases/show.html", &context)
}

/// One form handler per kind of change on the case page; a refusal shows the page again with
/// the field's message.
pub(super) async fn change<T>(
    state: &AppState,
    user: &CurrentUser,
    id: CaseId,
    form: &FormData,
    work: impl std::future::Future<Output = Result<T, AppError>>,
    anchor: &str,
) -> Result<HttpResponse, PageError> {
    match submit(state, user, form, work).await? {
        Submitted::Done(_) if form.get("status") == Some("closed") => {
            Ok(see_other(&format!("/cases/{id}?saved=closed#timeline")))
        }
        Submitted::Done(_) => Ok(see_other(&format!("/cases/{id}?saved=1#{anchor}"))),
        Submitted::Refused(problem) => {
            let mut context = detail_context(state, user, id).await?;
            problem.show(&mut context, &form.values());
            render_status("cases/show.html", &context, problem.status)
        }
    }
}

pub(super) fn form(form: web::Form<Vec<(String, String)>>) -> FormData {
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
            "referral_reason",
        ])?;
        case_service::update(&state, user.actor, id, changes).await
    };
    change(&state, &user, id, &form, work, "workflow").await
}

/// "Take this case": the caller becomes the rep working it, in one action written to the
/// timeline (another rep is chosen on the details form).
#[post("/cases/{id}/take")]
pub(crate) async fn take(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let (id, form) = (CaseId(id.into_inner()), self::form(form));
    let changes = CaseChanges {
        assigned_to: Some(Some(user.actor.id)),
        ..Default::default()
    };
    let work = case_service::update(&state, user.actor, id, changes);
    change(&state, &user, id, &form, work, "timeline").await
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
        let input: EventInput = form.parse_only(&["occurred_on", "kind", "text"])?;
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
        let input: DeadlineInput = form.parse_only(&[
            "kind",
            "due_on",
            "from",
            "acas_day_a",
            "acas_day_b",
            "note",
            "starts_at",
            "place",
        ])?;
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
    let changes = DeadlineChanges {
        done: Some(form.get("done") != Some("false")),
        ..Default::default()
    };
    let work =
        case_service::change_deadline(&state, user.actor, Some(id), DeadlineId(deadline), changes);
    change(&state, &user, id, &form, work, "deadlines").await
}
