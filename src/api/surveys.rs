//! Member surveys: build one, send its links (a CSV for a mail merge), see how many have
//! answered while it is open, and its frozen results once it has closed. See `crate::surveys`.

use actix_web::http::header::{ACCEPT, CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::Serialize;
use utoipa_actix_web::service_config::ServiceConfig;

use super::query::ApiQuery;
use crate::error::{AppError, ErrorBody};
use crate::http::json::JsonBody;
use crate::http::params::optional;
use crate::http::{CurrentUser, csv_download};
use crate::models::{Question, Survey, SurveyId};
use crate::paging::ListPage;
use crate::reports::render::Format;
use crate::state::AppState;
use crate::surveys::build::{self, SurveyInput};
use crate::surveys::listing::{self, Comments, SurveySummary};
use crate::surveys::results::{self, Progress, SurveyResults};

pub(crate) fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_surveys)
        .service(create_survey)
        .service(show_survey)
        .service(survey_comments)
        .service(send_survey_links)
        .service(survey_results);
}

/// A survey with its questions and, for its owner, how many have answered so far.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SurveyView {
    pub id: SurveyId,
    pub title: String,
    pub introduction: Option<String>,
    pub scope: String,
    pub employer_id: Option<crate::models::EmployerId>,
    pub job_role: Option<String>,
    pub opens_on: chrono::NaiveDate,
    pub closes_on: chrono::NaiveDate,
    pub questions: Vec<QuestionView>,
    pub progress: Progress,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct QuestionView {
    pub id: crate::models::QuestionId,
    pub position: i32,
    pub kind: crate::models::QuestionKind,
    pub text: String,
    /// The choices offered (the five points of the scale for a scale question).
    pub choices: Vec<String>,
    pub min: Option<f64>,
    pub max: Option<f64>,
}

fn view(survey: Survey, questions: Vec<Question>, progress: Progress) -> SurveyView {
    SurveyView {
        id: survey.id,
        title: survey.title,
        introduction: survey.introduction,
        scope: survey.scope,
        employer_id: survey.employer_id,
        job_role: survey.job_role,
        opens_on: survey.opens_on,
        closes_on: survey.closes_on,
        questions: questions
            .into_iter()
            .map(|q| QuestionView {
                choices: q.options(),
                id: q.id,
                position: q.position,
                kind: q.kind,
                text: q.text,
                min: q.min_value,
                max: q.max_value,
            })
            .collect(),
        progress,
    }
}

/// The surveys the caller sees: administrators all, builders their own, delegates those that
/// have closed; the latest to close first.
#[utoipa::path(
    tag = "surveys",
    responses((status = 200, description = "The surveys, as one page", body = ListPage<SurveySummary>)),
)]
#[get("/surveys")]
async fn list_surveys(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let items = listing::list(&state, user.actor).await?;
    Ok(HttpResponse::Ok().json(ListPage::whole(items)))
}

/// The free-text answers of a closed survey, to the one who built it only: never in the
/// results or any export.
#[utoipa::path(
    tag = "surveys",
    responses(
        (status = 200, description = "Each free-text question's answers", body = ListPage<Comments>),
        (status = 404, description = "No such survey built by the caller", body = ErrorBody),
        (status = 409, description = "The survey has not closed yet", body = ErrorBody),
    ),
)]
#[get("/surveys/{id}/free-text")]
async fn survey_comments(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let items = listing::comments(&state, user.actor, SurveyId(id.into_inner())).await?;
    Ok(HttpResponse::Ok().json(ListPage::whole(items)))
}

/// Builds a survey of the members of a scope the caller works in: officers their branch,
/// organisers their region (or a branch in it), administrators any.
#[utoipa::path(
    tag = "surveys",
    request_body = SurveyInput,
    responses(
        (status = 201, description = "Built", body = SurveyView),
        (status = 403, description = "Delegates build no surveys; not the caller's area", body = ErrorBody),
        (status = 404, description = "No such region or branch", body = ErrorBody),
        (status = 422, description = "A field is invalid, or the scope is too small for its results to be published; `fields` names each", body = ErrorBody),
    ),
)]
#[post("/surveys")]
async fn create_survey(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: JsonBody<SurveyInput>,
) -> Result<HttpResponse, AppError> {
    let (survey, questions) = build::create(&state, user.actor, body.into_inner()).await?;
    let progress = Progress {
        links_sent: 0,
        responses: 0,
    };
    Ok(HttpResponse::Created().json(view(survey, questions, progress)))
}

/// A survey the caller built (administrators: any), with how many have answered so far.
#[utoipa::path(
    tag = "surveys",
    responses(
        (status = 200, description = "The survey", body = SurveyView),
        (status = 404, description = "No such survey of the caller's", body = ErrorBody),
    ),
)]
#[get("/surveys/{id}")]
async fn show_survey(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (survey, questions, progress) =
        crate::surveys::view(&state, user.actor, SurveyId(id.into_inner())).await?;
    Ok(HttpResponse::Ok().json(view(survey, questions, progress)))
}

/// Makes a one-time link for each member in the survey's scope who has none yet, and gives
/// them once, as CSV for a mail merge (`membership_number,first_name,last_name,email,link`).
#[utoipa::path(
    tag = "surveys",
    responses(
        (status = 200, description = "The new links", content_type = "text/csv", body = String),
        (status = 404, description = "No such survey of the caller's", body = ErrorBody),
        (status = 409, description = "The survey has closed", body = ErrorBody),
    ),
)]
#[post("/surveys/{id}/links")]
async fn send_survey_links(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let base = state
        .server
        .public_url
        .clone()
        .unwrap_or_else(|| crate::http::client::origin(&req));
    let csv =
        crate::surveys::links::issue(&state, user.actor, SurveyId(id.into_inner()), base).await?;
    Ok(csv_download("survey-links.csv", csv))
}

/// A closed survey's results, worked out once and the same ever after (JSON, or CSV /
/// Markdown by `format` or `Accept`): its owner, administrators and delegates.
#[utoipa::path(
    tag = "surveys",
    params(("format" = Option<String>, Query, description = "`json` (the default), `csv` or `md`")),
    responses(
        (status = 200, description = "The results",
         content((SurveyResults = "application/json"), (String = "text/csv"), (String = "text/markdown"))),
        (status = 404, description = "No such survey the caller may read", body = ErrorBody),
        (status = 409, description = "The survey has not closed yet", body = ErrorBody),
    ),
)]
#[get("/surveys/{id}/results")]
async fn survey_results(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    query: ApiQuery,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let accepted = req
        .headers()
        .get(ACCEPT)
        .and_then(|v| v.to_str().ok())
        .and_then(Format::from_accept);
    let format = optional::<Format>("format", query.get("format").as_deref())?
        .or(accepted)
        .unwrap_or(Format::Json);
    let id = SurveyId(id.into_inner());
    let r = results::results(&state, user.actor, id).await?;
    let name = format!("survey-{id}-results");
    Ok(match format {
        Format::Json => HttpResponse::Ok().json(r),
        Format::Csv => csv_download(&format!("{name}.csv"), results::csv(&r)?),
        Format::Markdown => HttpResponse::Ok()
            .insert_header((CONTENT_TYPE, "text/markdown; charset=utf-8"))
            .insert_header((
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.md\""),
            ))
            .body(results::markdown(&r)),
    })
}
