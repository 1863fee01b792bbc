//! `/s/{token}`: a member answers a survey through their one-time link, with no account. Plain
//! HTML that works on a phone and without JavaScript; a used link, a closed survey or one not
//! yet open is said in words with its status (410, 410, 409). The token is the capability:
//! logs and metrics name the route pattern, never the path.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use tera::Context;

use super::page::{PageError, render_status};
use crate::error::AppError;
use crate::state::AppState;
use crate::surveys::answer;

/// A question as the form shows it.
#[derive(serde::Serialize)]
struct Shown {
    id: i64,
    position: i32,
    kind: &'static str,
    text: String,
    options: Vec<String>,
    min: Option<String>,
    max: Option<String>,
}

fn context_for(open: &answer::Open) -> Context {
    let mut context = Context::new();
    context.insert("public", &true);
    context.insert("survey", &open.survey);
    let questions: Vec<Shown> = open
        .questions
        .iter()
        .map(|q| Shown {
            id: q.id.0,
            position: q.position,
            kind: q.kind.as_str(),
            text: q.text.clone(),
            options: q.options(),
            min: q.min_value.map(|v| v.to_string()),
            max: q.max_value.map(|v| v.to_string()),
        })
        .collect();
    context.insert("questions", &questions);
    context
}

/// A link that cannot answer, said in words with its status.
fn refused(error: AppError) -> Result<HttpResponse, PageError> {
    let status = match &error {
        AppError::Gone(_) => StatusCode::GONE,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        _ => return Err(PageError(error)),
    };
    let mut context = Context::new();
    context.insert("public", &true);
    context.insert("message", &error.to_string());
    render_status("surveys/unavailable.html", &context, status)
}

#[get("/s/{token}")]
pub(crate) async fn show(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    match answer::show(&state, token.into_inner()).await {
        Ok(open) => render_status("surveys/answer.html", &context_for(&open), StatusCode::OK),
        Err(error) => refused(error),
    }
}

#[post("/s/{token}")]
pub(crate) async fn submit(
    state: web::Data<AppState>,
    token: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let token = token.into_inner();
    let mut given: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, value) in form.into_inner() {
        given.entry(name).or_default().push(value);
    }
    match answer::submit(&state, token.clone(), given.clone()).await {
        Ok(_) => {
            let mut context = Context::new();
            context.insert("public", &true);
            render_status("surveys/thanks.html", &context, StatusCode::OK)
        }
        Err(AppError::Unprocessable { fields, .. }) => {
            let open = match answer::show(&state, token).await {
                Ok(open) => open,
                Err(error) => return refused(error),
            };
            let mut context = context_for(&open);
            context.insert("errors", &fields);
            context.insert("given", &given);
            render_status(
                "surveys/answer.html",
                &context,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(error) => refused(error),
    }
}
