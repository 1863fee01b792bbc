//! Member pages: search, detail with workload history and chart, create, edit, add workload.

use std::collections::HashMap;

use actix_web::{HttpResponse, get, post, web};
use tera::Context;

use super::layout;
use super::page::{
    FormProblem, PageError, Submitted, form_values, pager, render, render_status, see_other, submit,
};
use crate::casework::member_fields::MemberFields;
use crate::casework::member_service::{self, MemberDetail};
use crate::casework::reference_service;
use crate::casework::workload::{WorkloadChanges, WorkloadInput};
use crate::http::form::FormData;
use crate::http::{CurrentUser, csv_download, filters};
use crate::models::UpdateMember;
use crate::models::*;
use crate::reports::chart;
use crate::state::AppState;

/// Choices every member form offers.
async fn choices(state: &AppState, context: &mut Context) -> Result<(), PageError> {
    let (_, branches, employers) = reference_service::all(state).await?;
    context.insert("branches", &branches);
    context.insert("employers", &employers);
    let options = |all: &[(&str, &str)]| -> Vec<super::page::Choice> {
        all.iter()
            .map(|(v, l)| super::page::Choice::new(*v, *l))
            .collect()
    };
    let bands: Vec<(&str, &str)> = AgeBand::ALL
        .iter()
        .map(|a| (a.as_str(), a.label()))
        .collect();
    let groups: Vec<(&str, &str)> = EthnicGroup::ALL
        .iter()
        .map(|e| (e.as_str(), e.label()))
        .collect();
    let sources: Vec<(&str, &str)> = WorkloadSource::ALL
        .iter()
        .map(|s| (s.as_str(), s.label()))
        .collect();
    context.insert("age_bands", &options(&bands));
    context.insert("ethnic_groups", &options(&groups));
    context.insert("sources", &options(&sources));
    Ok(())
}

#[get("/members")]
pub(crate) async fn list(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, PageError> {
    user.records()?;
    // The members first: their trip to the database carries the session check, and the
    // layout then reads the caller's row it left.
    let page = match filters::members(|k| query.get(k).cloned()) {
        Ok((filter, paging)) => Ok(member_service::list(&state, user.actor, filter, paging).await?),
        Err(error) => Err(error),
    };
    let mut context = layout::context(&state, &user, "/members").await?;
    choices(&state, &mut context).await?;
    context.insert("values", &*query);
    context.insert("can_edit", &user.member_writer().is_ok());
    let page = match page {
        Ok(page) => page,
        Err(error) => {
            let problem = FormProblem::from_error(error)?;
            problem.show(&mut context, &*query);
            return render_status("members/list.html", &context, problem.status);
        }
    };
    pager(&mut context, "/members", &query, &page);
    context.insert(
        "csv_link",
        &super::cases::csv_link("/members/workload.csv", &query),
    );
    context.insert(
        "members_csv_link",
        &super::cases::csv_link("/members.csv", &query),
    );
    context.insert("page", &page);
    render("members/list.html", &context)
}

/// The workload records of the members the list's filters pick, as CSV.
#[get("/members/workload.csv")]
pub(crate) async fn export_workload(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, PageError> {
    let (filter, _) = filters::members(|k| query.get(k).cloned())?;
    let csv = member_service::export_workload(&state, user.actor, filter).await?;
    Ok(csv_download("workload.csv", csv))
}

#[get("/members/new")]
pub async fn new(state: web::Data<AppState>, user: CurrentUser) -> Result<HttpResponse, PageError> {
    user.member_writer()?;
    let mut context = layout::context(&state, &user, "/members").await?;
    choices(&state, &mut context).await?;
    render("members/form.html", &context)
}

fn member_form(form: web::Form<Vec<(String, String)>>) -> FormData {
    FormData::new(form.into_inner()).with_checkbox("equality_consent")
}

#[post("/members")]
pub(crate) async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    user.member_writer()?;
    let form = member_form(form);
    let work = async { member_service::create(&state, user.actor, form.parse()?).await };
    match submit(&state, &user, &form, work).await? {
        Submitted::Done(member) => Ok(see_other(&format!("/members/{}?saved=1", member.id))),
        Submitted::Refused(problem) => {
            let mut context = layout::context(&state, &user, "/members").await?;
            choices(&state, &mut context).await?;
            problem.show(&mut context, &form.values());
            render_status("members/form.html", &context, problem.status)
        }
    }
}

/// A member in scope, with what their page shows.
async fn detail_context(
    state: &AppState,
    user: &CurrentUser,
    id: MemberId,
) -> Result<Context, PageError> {
    let MemberDetail {
        member,
        history,
        cases,
        branch,
        employer,
        deleted,
    } = member_service::detail(state, user.actor, id).await?;
    let mut context = layout::context(state, user, "/members").await?;
    let points: Vec<_> = history
        .points
        .iter()
        .map(|p| (p.recorded_on, p.caseload_per_fte))
        .collect();
    let title = format!(
        "Open cases per FTE over time; the safe caseload is {}",
        history.safe_caseload
    );
    context.insert(
        "chart",
        &chart::caseload_line(&points, history.safe_caseload, &title),
    );
    context.insert("member", &member);
    context.insert("history", &history);
    context.insert("cases", &cases);
    context.insert("branch", &branch);
    context.insert("employer", &employer);
    // An erased member's page is a record of counts kept: nothing to edit, add or open.
    let erased = crate::casework::protection::is_erased(&member);
    context.insert("erased", &erased);
    context.insert("can_edit", &(user.member_writer().is_ok() && !erased));
    context.insert("is_admin", &user.require_admin().is_ok());
    /// A workload record deleted a few minutes ago, to restore.
    #[derive(serde::Serialize)]
    struct Deleted {
        id: WorkloadRecordId,
        record: crate::models::NewWorkloadRecord,
    }
    let deleted: Vec<Deleted> = deleted
        .into_iter()
        .map(|(id, record)| Deleted { id, record })
        .collect();
    context.insert("deleted", &deleted);
    context.insert("undo_minutes", &crate::casework::workload::UNDO_MINUTES);
    super::member_supervision::into_context(state, user, id, &mut context).await?;
    Ok(context)
}

/// The member page's context with the member forms' choices, to show the page again with a
/// form's problems.
pub(super) async fn page_context(
    state: &AppState,
    user: &CurrentUser,
    id: MemberId,
) -> Result<Context, PageError> {
    let mut context = detail_context(state, user, id).await?;
    choices(state, &mut context).await?;
    Ok(context)
}

#[get("/members/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, PageError> {
    let mut context = detail_context(&state, &user, MemberId(id.into_inner())).await?;
    choices(&state, &mut context).await?;
    if query.contains_key("saved") {
        context.insert("notice", "Saved.");
    } else if query.contains_key("deleted") {
        context.insert(
            "notice",
            "The workload record was deleted. You can undo this below for a while.",
        );
    } else if query.contains_key("erased") {
        context.insert(
            "notice",
            "The member's details were erased; anonymous counts are kept.",
        );
    } else if query.contains_key("restored") {
        context.insert("notice", "The workload record was restored.");
    }
    render("members/show.html", &context)
}

#[get("/members/{id}/edit")]
pub(crate) async fn edit(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    user.member_writer()?;
    let id = MemberId(id.into_inner());
    let member = member_service::show(&state, user.actor, id, Some("edit form")).await?;
    let mut context = layout::context(&state, &user, "/members").await?;
    choices(&state, &mut context).await?;
    context.insert("values", &form_values(&member));
    context.insert("member", &member);
    render("members/form.html", &context)
}

#[post("/members/{id}")]
pub(crate) async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    user.member_writer()?;
    let form = member_form(form);
    let id = MemberId(id.into_inner());
    let work = async {
        // The edit form sends every field: blank optional fields clear what was held.
        let changes = UpdateMember::from(form.parse::<MemberFields>()?);
        member_service::update(&state, user.actor, id, changes).await
    };
    match submit(&state, &user, &form, work).await? {
        Submitted::Done(_) => Ok(see_other(&format!("/members/{id}?saved=1"))),
        Submitted::Refused(problem) => {
            let member = member_service::show(&state, user.actor, id, Some("edit form")).await?;
            let mut context = layout::context(&state, &user, "/members").await?;
            choices(&state, &mut context).await?;
            context.insert("member", &member);
            problem.show(&mut context, &form.values());
            render_status("members/form.html", &context, problem.status)
        }
    }
}

#[post("/members/{id}/workload")]
pub(crate) async fn add_workload(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    user.member_writer()?;
    let form = FormData::new(form.into_inner());
    let id = MemberId(id.into_inner());
    let confirmed = form.get("same_date_confirmed").is_some();
    let work = async {
        let input: WorkloadInput = form.parse_only(&[
            "recorded_on",
            "open_cases",
            "hours_worked",
            "contracted_hours",
            "source",
            "note",
            "fte",
            "employer_id",
        ])?;
        // A second record on one date is usually the same survey entered twice: ask first.
        if !confirmed {
            let held = member_service::workload(&state, user.actor, id).await?;
            if held
                .points
                .iter()
                .any(|p| p.recorded_on == input.recorded_on)
            {
                return Ok(None);
            }
        }
        member_service::add_workload(&state, user.actor, id, input)
            .await
            .map(Some)
    };
    match submit(&state, &user, &form, work).await? {
        Submitted::Done(Some(_)) => Ok(see_other(&format!("/members/{id}?saved=1#workload"))),
        Submitted::Done(None) => {
            let mut context = detail_context(&state, &user, id).await?;
            choices(&state, &mut context).await?;
            context.insert("values", &form.values());
            context.insert("same_date", &true);
            render("members/show.html", &context)
        }
        Submitted::Refused(problem) => {
            let mut context = detail_context(&state, &user, id).await?;
            choices(&state, &mut context).await?;
            problem.show(&mut context, &form.values());
            render_status("members/show.html", &context, problem.status)
        }
    }
}

/// One of a member's workload records, with the member's page choices, for its edit form.
async fn workload_context(
    state: &AppState,
    user: &CurrentUser,
    id: MemberId,
    record: WorkloadRecordId,
) -> Result<(Context, WorkloadRecord), PageError> {
    user.member_writer()?;
    let member = member_service::show(state, user.actor, id, Some("workload edit form")).await?;
    let history = member_service::workload(state, user.actor, id).await?;
    let record = history
        .points
        .into_iter()
        .map(|p| p.record)
        .find(|r| r.id == record)
        .ok_or(PageError(crate::error::AppError::NotFound))?;
    let mut context = layout::context(state, user, "/members").await?;
    choices(state, &mut context).await?;
    context.insert("member", &member);
    context.insert("record", &record);
    Ok((context, record))
}

#[get("/members/{id}/workload/{record}/edit")]
pub(crate) async fn edit_workload(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, PageError> {
    let (id, record) = path.into_inner();
    let (mut context, record) =
        workload_context(&state, &user, MemberId(id), WorkloadRecordId(record)).await?;
    context.insert("values", &form_values(&record));
    render("members/workload_edit.html", &context)
}

#[post("/members/{id}/workload/{record}")]
pub(crate) async fn change_workload(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, i64)>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let (id, record) = path.into_inner();
    let (id, record) = (MemberId(id), WorkloadRecordId(record));
    let form = FormData::new(form.into_inner());
    let work = async {
        // Every field of the form is sent: blank optional ones clear what was held.
        let input: WorkloadInput = form.parse_only(&[
            "recorded_on",
            "open_cases",
            "hours_worked",
            "contracted_hours",
            "source",
            "note",
        ])?;
        let changes = WorkloadChanges {
            recorded_on: Some(input.recorded_on),
            open_cases: Some(input.open_cases),
            hours_worked: Some(input.hours_worked),
            contracted_hours: Some(input.contracted_hours),
            source: Some(input.source),
            note: Some(input.note),
            ..Default::default()
        };
        member_service::change_workload(&state, user.actor, id, record, changes).await
    };
    match submit(&state, &user, &form, work).await? {
        Submitted::Done(_) => Ok(see_other(&format!("/members/{id}?saved=1#workload"))),
        Submitted::Refused(problem) => {
            let (mut context, _) = workload_context(&state, &user, id, record).await?;
            problem.show(&mut context, &form.values());
            render_status("members/workload_edit.html", &context, problem.status)
        }
    }
}

/// "Delete this record?": the record, and the choice, without JavaScript.
#[get("/members/{id}/workload/{record}/delete")]
pub(crate) async fn confirm_delete_workload(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, PageError> {
    let (id, record) = path.into_inner();
    let (context, _) =
        workload_context(&state, &user, MemberId(id), WorkloadRecordId(record)).await?;
    render("members/workload_delete.html", &context)
}

/// Restores a workload record the caller deleted a few minutes ago ("Undo").
#[post("/members/{id}/workload/{record}/restore")]
pub(crate) async fn restore_workload(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, i64)>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let (id, record) = path.into_inner();
    let (id, record) = (MemberId(id), WorkloadRecordId(record));
    let form = FormData::new(form.into_inner());
    let work = member_service::restore_workload(&state, user.actor, id, record);
    match submit(&state, &user, &form, work).await? {
        Submitted::Done(_) => Ok(see_other(&format!("/members/{id}?restored=1#workload"))),
        Submitted::Refused(problem) => {
            Err(PageError(crate::error::AppError::Conflict(problem.message)))
        }
    }
}

#[post("/members/{id}/workload/{record}/delete")]
pub(crate) async fn delete_workload(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, i64)>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let (id, record) = path.into_inner();
    let (id, record) = (MemberId(id), WorkloadRecordId(record));
    let form = FormData::new(form.into_inner());
    let work = member_service::delete_workload(&state, user.actor, id, record);
    match submit(&state, &user, &form, work).await? {
        Submitted::Done(()) => Ok(see_other(&format!("/members/{id}?deleted=1#workload"))),
        Submitted::Refused(problem) => {
            Err(PageError(crate::error::AppError::Conflict(problem.message)))
        }
    }
}
