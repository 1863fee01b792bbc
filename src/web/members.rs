//! Member pages: search, detail with workload history and chart, create, edit, add workload.

use std::collections::HashMap;

use actix_web::{HttpResponse, get, post, web};
use serde_json::json;
use tera::Context;

use super::form::FormData;
use super::layout;
use super::page::{FormProblem, PageError, form_values, pager, render, render_status, see_other};
use crate::api::query::{ListPage, Paging, parse};
use crate::audit::{self, Event};
use crate::auth::CurrentUser;
use crate::casework::members::{self, MemberChanges, MemberInput};
use crate::casework::workload::{self, WorkloadInput};
use crate::error::AppError;
use crate::models::*;
use crate::reports::chart;
use crate::state::{AppState, read_audited};
use crate::text::non_empty;

/// Choices every member form offers.
async fn choices(state: &web::Data<AppState>, context: &mut Context) -> Result<(), PageError> {
    let (branches, employers) = state
        .db
        .run(|conn| Ok((Branch::list(conn)?, Employer::list(conn)?)))
        .await?;
    context.insert("branches", &branches);
    context.insert("employers", &employers);
    let options = |all: &[(&str, &str)]| -> Vec<serde_json::Value> {
        all.iter()
            .map(|(v, l)| json!({"value": v, "label": l}))
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
pub async fn list(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, PageError> {
    let casework = user.casework()?;
    let get = |k: &str| query.get(k).map(String::as_str);
    let mut context = layout::context(&state, &user, "/members");
    choices(&state, &mut context).await?;
    context.insert("values", &*query);
    context.insert("can_edit", &user.member_writer().is_ok());
    let parsed = (|| -> Result<_, AppError> {
        Ok((
            Paging::from_query(get("page"), get("per_page"))?,
            MemberFilter {
                q: non_empty(get("q").map(str::to_owned)),
                branch_id: parse::<i64>("branch_id", get("branch_id"))?.map(Into::into),
                employer_id: parse::<i64>("employer_id", get("employer_id"))?.map(Into::into),
                team: non_empty(get("team").map(str::to_owned)),
                job_role: non_empty(get("job_role").map(str::to_owned)),
            },
        ))
    })();
    let (paging, filter) = match parsed {
        Ok(parsed) => parsed,
        Err(error) => {
            let problem = FormProblem::from_error(error)?;
            problem.show(&mut context, &*query);
            return render_status("members/list.html", &context, problem.status);
        }
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
    pager(&mut context, "/members", &query, &page);
    context.insert("page", &page);
    render("members/list.html", &context)
}

#[get("/members/new")]
pub async fn new(state: web::Data<AppState>, user: CurrentUser) -> Result<HttpResponse, PageError> {
    user.member_writer()?;
    let mut context = layout::context(&state, &user, "/members");
    choices(&state, &mut context).await?;
    render("members/form.html", &context)
}

fn member_form(form: web::Form<Vec<(String, String)>>) -> FormData {
    FormData::new(form.into_inner()).with_checkbox("equality_consent")
}

#[post("/members")]
pub async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let writer = user.member_writer()?;
    let form = member_form(form);
    user.check_csrf(&state, form.csrf())?;
    let actor = user.id();
    let result = match form.parse::<MemberInput>() {
        Ok(input) => {
            state
                .db
                .write(move |conn| members::create(conn, actor, writer, input))
                .await
        }
        Err(error) => Err(error),
    };
    match result {
        Ok(member) => Ok(see_other(&format!("/members/{}?saved=1", member.id))),
        Err(error) => {
            let problem = FormProblem::from_error(error)?;
            let mut context = layout::context(&state, &user, "/members");
            choices(&state, &mut context).await?;
            problem.show(&mut context, &form.values());
            render_status("members/form.html", &context, problem.status)
        }
    }
}

/// A member in scope, with what their page shows.
async fn detail_context(
    state: &web::Data<AppState>,
    user: &CurrentUser,
    id: MemberId,
) -> Result<Context, PageError> {
    let casework = user.casework()?;
    let actor = user.id();
    let (member, history, cases, branch, employer) = read_audited(state, move |conn, audit| {
        let member = Member::find_in(conn, casework, id)?;
        let history = workload::history(conn, &member)?;
        let filter = CaseFilter {
            member_id: Some(id),
            ..Default::default()
        };
        let (cases, _) = Case::list_in(
            conn,
            casework,
            &filter,
            Paging {
                page: 1,
                per_page: 200,
            },
        )?;
        let branch = Branch::find(conn, member.branch_id)?;
        let employer = Employer::find(conn, member.employer_id)?;
        audit.read(Event::new(Some(actor), "read", "member").id(id.0));
        Ok((member, history, cases, branch, employer))
    })
    .await?;
    let mut context = layout::context(state, user, "/members");
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
    context.insert("can_edit", &user.member_writer().is_ok());
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
    }
    render("members/show.html", &context)
}

#[get("/members/{id}/edit")]
pub async fn edit(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let writer = user.member_writer()?;
    let id = MemberId(id.into_inner());
    let actor = user.id();
    let member = read_audited(&state, move |conn, audit| {
        let member = Member::find_in(conn, writer, id)?;
        audit.read(
            Event::new(Some(actor), "read", "member")
                .id(id.0)
                .detail("edit form"),
        );
        Ok(member)
    })
    .await?;
    let mut context = layout::context(&state, &user, "/members");
    choices(&state, &mut context).await?;
    context.insert("values", &form_values(&member));
    context.insert("member", &member);
    render("members/form.html", &context)
}

#[post("/members/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let writer = user.member_writer()?;
    let form = member_form(form);
    user.check_csrf(&state, form.csrf())?;
    let id = MemberId(id.into_inner());
    let actor = user.id();
    // The edit form sends every field: blank optional fields clear what was held.
    let result = match form.parse::<MemberInput>() {
        Ok(input) => {
            let changes = MemberChanges {
                branch_id: input.branch_id,
                employer_id: Some(input.employer_id),
                first_name: Some(input.first_name),
                last_name: Some(input.last_name),
                email: Some(input.email),
                phone: Some(input.phone),
                job_role: Some(input.job_role),
                team: Some(input.team),
                fte: Some(input.fte),
                start_date: Some(input.start_date),
                left_on: Some(input.left_on),
                equality_consent: Some(input.equality_consent),
                age_band: Some(input.age_band),
                ethnic_group: Some(input.ethnic_group),
            };
            state
                .db
                .write(move |conn| members::update(conn, actor, writer, id, changes))
                .await
        }
        Err(error) => Err(error),
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/members/{id}?saved=1"))),
        Err(error) => {
            let problem = FormProblem::from_error(error)?;
            let member = state
                .db
                .run(move |conn| Ok(Member::find_in(conn, writer, id)?))
                .await?;
            let mut context = layout::context(&state, &user, "/members");
            choices(&state, &mut context).await?;
            context.insert("member", &member);
            problem.show(&mut context, &form.values());
            render_status("members/form.html", &context, problem.status)
        }
    }
}

#[post("/members/{id}/workload")]
pub async fn add_workload(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let writer = user.member_writer()?;
    let form = FormData::new(form.into_inner());
    user.check_csrf(&state, form.csrf())?;
    let id = MemberId(id.into_inner());
    let actor = user.id();
    let result = match form.parse::<WorkloadInput>() {
        Ok(input) => {
            state
                .db
                .write(move |conn| workload::add(conn, actor, writer, id, input))
                .await
        }
        Err(error) => Err(error),
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/members/{id}?saved=1#workload"))),
        Err(error) => {
            let problem = FormProblem::from_error(error)?;
            let mut context = detail_context(&state, &user, id).await?;
            choices(&state, &mut context).await?;
            problem.show(&mut context, &form.values());
            render_status("members/show.html", &context, problem.status)
        }
    }
}
