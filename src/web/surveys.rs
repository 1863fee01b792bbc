//! `/surveys`: the surveys a user sees; a survey's page — while open, how many have answered
//! and the mail-merge links (to its builder); once closed, its frozen results, and to its builder
//! the free-text answers, which no export carries.

use actix_web::{HttpResponse, get, post, web};

use super::layout;
use super::page::{PageError, render};
use crate::http::form::FormData;
use crate::http::{CurrentUser, csv_download};
use crate::models::SurveyId;
use crate::state::AppState;
use crate::surveys::{links, listing, results};

#[get("/surveys")]
pub(crate) async fn list(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, PageError> {
    let items = listing::list(&state, user.actor).await?;
    let mut context = layout::context(&state, &user, "/surveys").await?;
    context.insert("items", &items);
    context.insert("may_build", &user.records().is_ok());
    render("surveys/list.html", &context)
}

#[get("/surveys/{id}")]
pub(crate) async fn show(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let id = SurveyId(id.into_inner());
    let actor = user.actor;
    let summary = listing::summary(&state, actor, id).await?;
    let mut context = layout::context(&state, &user, "/surveys").await?;
    if summary.status == "closed" {
        context.insert("results", &results::results(&state, actor, id).await?);
        if summary.owner {
            context.insert("comments", &listing::comments(&state, actor, id).await?);
        }
    } else {
        let (_, _, progress) = crate::surveys::view(&state, actor, id).await?;
        context.insert("progress", &progress);
    }
    context.insert("survey", &summary);
    render("surveys/show.html", &context)
}

/// The links of members who have none yet, as a CSV for a mail merge.
#[post("/surveys/{id}/links")]
pub(crate) async fn send_links(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
    req: actix_web::HttpRequest,
) -> Result<HttpResponse, PageError> {
    let form = FormData::new(form.into_inner());
    user.check_csrf(&state, form.csrf())?;
    let base = state
        .server
        .public_url
        .clone()
        .unwrap_or_else(|| crate::http::client::origin(&req));
    let csv = links::issue(&state, user.actor, SurveyId(id.into_inner()), base).await?;
    Ok(csv_download("survey-links.csv", csv))
}
