//! `/admin/members/{id}/protection`: a member's subject access export and erasure, started by
//! an administrator who types the member's name to confirm (the command line does the same).

use actix_web::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::{HttpResponse, get, post, web};

use crate::casework::member_service;
use crate::casework::protection::is_erased;
use crate::error::AppError;
use crate::http::CurrentUser;
use crate::http::form::FormData;
use crate::models::MemberId;
use crate::state::AppState;
use crate::web::layout;
use crate::web::page::{PageError, Submitted, render, render_status, see_other, submit};

async fn context(
    state: &AppState,
    user: &CurrentUser,
    id: MemberId,
) -> Result<tera::Context, PageError> {
    user.require_admin()?;
    let member = member_service::show(state, user.actor, id, Some("data protection")).await?;
    let mut context = layout::context(state, user, "/members").await?;
    context.insert("erased", &is_erased(&member));
    context.insert("member", &member);
    Ok(context)
}

#[get("/admin/members/{id}/protection")]
pub(crate) async fn show(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let context = context(&state, &user, MemberId(id.into_inner())).await?;
    render("admin/protection.html", &context)
}

/// The form's typed name, and what a refusal shows.
async fn refused(
    state: &AppState,
    user: &CurrentUser,
    id: MemberId,
    form: &FormData,
    problem: crate::web::page::FormProblem,
    which: &str,
) -> Result<HttpResponse, PageError> {
    let mut context = context(state, user, id).await?;
    problem.show(&mut context, &form.values());
    context.insert("refused", which);
    render_status("admin/protection.html", &context, problem.status)
}

/// Everything held about the member, as a JSON download.
#[post("/admin/members/{id}/export")]
pub(crate) async fn export(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    user.require_admin()?;
    let (id, form) = (MemberId(id.into_inner()), FormData::new(form.into_inner()));
    let typed = form.get("confirm_name").unwrap_or_default().to_owned();
    let work = member_service::subject_access(&state, user.actor, id, typed);
    match submit(&state, &user, &form, work).await? {
        Submitted::Done(json) => {
            let body = serde_json::to_vec_pretty(&json)
                .map_err(|e| PageError(AppError::Internal(e.to_string())))?;
            Ok(HttpResponse::Ok()
                .insert_header((CONTENT_TYPE, "application/json"))
                .insert_header((CACHE_CONTROL, "no-store"))
                .insert_header((
                    CONTENT_DISPOSITION,
                    format!("attachment; filename=\"member-{id}-subject-access.json\""),
                ))
                .body(body))
        }
        Submitted::Refused(problem) => refused(&state, &user, id, &form, problem, "export").await,
    }
}

#[post("/admin/members/{id}/erase")]
pub(crate) async fn erase(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    user.require_admin()?;
    let (id, form) = (MemberId(id.into_inner()), FormData::new(form.into_inner()));
    let typed = form.get("confirm_name").unwrap_or_default().to_owned();
    let work = member_service::erase(&state, user.actor, id, typed);
    match submit(&state, &user, &form, work).await? {
        Submitted::Done(()) => Ok(see_other(&format!("/members/{id}?erased=1"))),
        Submitted::Refused(problem) => refused(&state, &user, id, &form, problem, "erase").await,
    }
}
