//! `/surveys/new`: building a survey on a page, without JavaScript — up to
//! [`QUESTION_SLOTS`] questions, each with its kind (a blank kind leaves the slot unused), text,
//! choices one per line, and a range for a number. The checks are `surveys::build`'s; its
//! problems are shown beside the fields they name (`questions[2].choices`).

use actix_web::{HttpResponse, get, post, web};

use super::layout;
use super::page::{Choice, PageError, Submitted, render, render_status, see_other, submit};
use crate::error::AppError;
use crate::http::CurrentUser;
use crate::http::form::FormData;
use crate::models::QuestionKind;
use crate::state::AppState;
use crate::surveys::build::{self, QuestionInput, SurveyInput};

/// How many questions the page offers.
pub const QUESTION_SLOTS: usize = 12;

fn kinds() -> Vec<Choice> {
    QuestionKind::ALL
        .iter()
        .map(|k| Choice::new(k.as_str(), k.label()))
        .collect()
}

async fn form_context(state: &AppState, user: &CurrentUser) -> Result<tera::Context, PageError> {
    user.records()?;
    let mut context = layout::context(state, user, "/surveys").await?;
    context.insert("kinds", &kinds());
    context.insert("slots", &(0..QUESTION_SLOTS).collect::<Vec<_>>());
    Ok(context)
}

#[get("/surveys/new")]
pub(crate) async fn new(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, PageError> {
    let context = form_context(&state, &user).await?;
    render("surveys/new.html", &context)
}

/// The survey a form describes; a field that cannot be read is named.
fn input(form: &FormData) -> Result<SurveyInput, AppError> {
    let text = |name: &str| {
        form.get(name)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let date = |name: &str| -> Result<chrono::NaiveDate, AppError> {
        text(name)
            .ok_or_else(|| AppError::invalid(name, "is required"))?
            .parse()
            .map_err(|_| AppError::invalid(name, "is not a date (use the picker or YYYY-MM-DD)"))
    };
    let number = |name: &str| -> Result<Option<f64>, AppError> {
        text(name)
            .map(|v| {
                v.parse::<f64>()
                    .map_err(|_| AppError::invalid(name, format!("{v} is not a number")))
            })
            .transpose()
    };
    let mut questions = Vec::new();
    for i in 0..QUESTION_SLOTS {
        let Some(kind) = text(&format!("questions[{i}].kind")) else {
            continue;
        };
        let kind: QuestionKind = kind
            .parse()
            .map_err(|_| AppError::invalid(&format!("questions[{i}].kind"), "choose a kind"))?;
        questions.push(QuestionInput {
            kind,
            text: text(&format!("questions[{i}].text")).unwrap_or_default(),
            choices: text(&format!("questions[{i}].choices")).map(|c| {
                c.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned)
                    .collect()
            }),
            min: number(&format!("questions[{i}].min"))?,
            max: number(&format!("questions[{i}].max"))?,
        });
    }
    Ok(SurveyInput {
        title: text("title").unwrap_or_default(),
        introduction: text("introduction"),
        scope: text("scope"),
        employer_id: None,
        job_role: text("job_role"),
        opens_on: date("opens_on")?,
        closes_on: date("closes_on")?,
        questions,
    })
}

#[post("/surveys/new")]
pub(crate) async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let form = FormData::new(form.into_inner());
    let work = async {
        let input = input(&form)?;
        build::create(&state, user.actor, input).await
    };
    match submit(&state, &user, &form, work).await? {
        Submitted::Done((survey, _)) => Ok(see_other(&format!("/surveys/{}", survey.id))),
        Submitted::Refused(problem) => {
            let mut context = form_context(&state, &user).await?;
            problem.show(&mut context, &form.values());
            render_status("surveys/new.html", &context, problem.status)
        }
    }
}
