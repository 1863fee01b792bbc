//! Recording an outcome on an open case from its page: the outcome and its day, then the
//! deadlines it starts (the appeal window, the tribunal limitation date) shown with their
//! dates, each ticked and each can be declined, and all saved in one action.

use std::collections::HashMap;

use actix_web::{HttpResponse, get, post, web};
use chrono::NaiveDate;

use super::cases::{detail_context, form};
use super::layout;
use super::page::{FormProblem, PageError, Submitted, render, render_status, see_other, submit};
use crate::casework::case_service;
use crate::error::AppError;
use crate::http::CurrentUser;
use crate::http::form::FormData;
use crate::models::*;
use crate::state::AppState;

/// The outcome and its day, as the case page's form sends them.
fn outcome_of(get: &dyn Fn(&str) -> Option<String>) -> Result<(Outcome, NaiveDate), AppError> {
    let outcome = get("outcome")
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| AppError::invalid("outcome", "choose the outcome"))?
        .parse::<Outcome>()
        .map_err(|_| AppError::invalid("outcome", "choose the outcome from the list"))?;
    let on = get("outcome_on")
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| AppError::invalid("outcome_on", "give the day the outcome was given"))?
        .parse::<NaiveDate>()
        .map_err(|_| AppError::invalid("outcome_on", "give a date"))?;
    Ok((outcome, on))
}

/// The case page again, with the problem shown beside the outcome form.
async fn refused(
    state: &AppState,
    user: &CurrentUser,
    id: CaseId,
    values: &std::collections::BTreeMap<String, String>,
    error: AppError,
) -> Result<HttpResponse, PageError> {
    let problem = FormProblem::from_error(error)?;
    let mut context = detail_context(state, user, id).await?;
    problem.show(&mut context, values);
    render_status("cases/show.html", &context, problem.status)
}

#[get("/cases/{id}/outcome")]
pub(crate) async fn confirm_outcome(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, PageError> {
    let id = CaseId(id.into_inner());
    let values = query.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    let (outcome, on) = match outcome_of(&|k| query.get(k).cloned()) {
        Ok(parsed) => parsed,
        Err(error) => return refused(&state, &user, id, &values, error).await,
    };
    let (view, offers) = match case_service::outcome_deadlines(&state, user.actor, id, on).await {
        Ok(found) => found,
        Err(error) => return refused(&state, &user, id, &values, error).await,
    };
    let mut context = layout::context(&state, &user, "/cases").await?;
    context.insert("case", &view);
    context.insert(
        "outcome",
        &super::page::Choice::new(outcome.as_str(), outcome.label()),
    );
    context.insert("outcome_on", &on.to_string());
    context.insert(
        "offers",
        &offers
            .iter()
            .map(|(kind, due)| Offer {
                kind: kind.as_str(),
                label: kind.label(),
                due_on: due.to_string(),
                due_text: due.format("%A %-d %B %Y").to_string(),
            })
            .collect::<Vec<_>>(),
    );
    render("cases/outcome.html", &context)
}

#[post("/cases/{id}/outcome")]
pub(crate) async fn record_outcome(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let (id, form): (CaseId, FormData) = (CaseId(id.into_inner()), self::form(form));
    let work = async {
        let (outcome, on) = outcome_of(&|k| form.get(k).map(str::to_owned))?;
        let add = form
            .all("add")
            .into_iter()
            .map(|kind| {
                kind.parse::<DeadlineKind>()
                    .map_err(|_| AppError::invalid("add", "choose from the deadlines shown"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        case_service::record_outcome(&state, user.actor, id, outcome, on, add).await
    };
    match submit(&state, &user, &form, work).await? {
        Submitted::Done(_) => Ok(see_other(&format!("/cases/{id}?saved=1#timeline"))),
        Submitted::Refused(problem) => {
            let mut context = detail_context(&state, &user, id).await?;
            problem.show(&mut context, &form.values());
            render_status("cases/show.html", &context, problem.status)
        }
    }
}

/// A deadline an outcome starts, offered with its date before it is added.
#[derive(serde::Serialize)]
struct Offer {
    kind: &'static str,
    label: &'static str,
    due_on: String,
    due_text: String,
}
