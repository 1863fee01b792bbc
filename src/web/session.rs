//! Signing in and out in the browser. The session token lives in an HttpOnly, SameSite=Strict
//! cookie (Secure when the public address is https).

use actix_web::cookie::{Cookie, SameSite, time};
use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use tera::Context;

use super::kept_form::{self, RESUME_FIELDS, RESUME_TO};
use super::page::{PageError, render, render_status};
use crate::accounts;
use crate::error::AppError;
use crate::http::form::FormData;
use crate::http::{CurrentUser, SESSION_COOKIE};
use crate::state::AppState;

#[get("/login")]
pub(crate) async fn login_form(
    query: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let next = query
        .iter()
        .find(|(k, _)| k == "next")
        .map(|(_, v)| local_path(v))
        .unwrap_or("/");
    let mut context = Context::new();
    context.insert("next", next);
    render("login.html", &context)
}

#[post("/login")]
pub(crate) async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let form = FormData::new(form.into_inner());
    let username = form.get("username").unwrap_or_default();
    let password = form.get("password").unwrap_or_default();
    let next = local_path(form.get("next").unwrap_or("/")).to_owned();
    let resume = kept_form::resumed(form.get(RESUME_TO), form.get(RESUME_FIELDS));
    let client = crate::http::client::address(&req).map(|a| a.to_string());
    match accounts::sign_in(
        &state,
        username,
        password,
        client.as_deref(),
        crate::auth::surface::Surface::Page,
    )
    .await
    {
        Ok(session) => {
            let max_age = (session.expires_at - chrono::Utc::now())
                .num_seconds()
                .max(0);
            let cookie = Cookie::build(SESSION_COOKIE, session.token)
                .path("/")
                .http_only(true)
                .same_site(SameSite::Strict)
                .secure(state.secure_cookies())
                .max_age(time::Duration::seconds(max_age))
                .finish();
            if let Some((to, fields)) = &resume {
                let csrf = state.keys.csrf_token(cookie.value());
                let mut page = kept_form::resume_page(to, fields, &csrf)?;
                page.add_cookie(&cookie)
                    .map_err(|e| PageError(AppError::Internal(e.to_string())))?;
                return Ok(page);
            }
            Ok(HttpResponse::SeeOther()
                .cookie(cookie)
                .insert_header((LOCATION, next))
                .finish())
        }
        Err(
            error @ (AppError::Unauthorized
            | AppError::TooManyRequests { .. }
            | AppError::Unprocessable { .. }),
        ) => {
            let mut context = Context::new();
            context.insert("next", &next);
            context.insert("username", username);
            if let (Some(to), Some(fields)) = (form.get(RESUME_TO), form.get(RESUME_FIELDS)) {
                context.insert(RESUME_TO, to);
                context.insert(RESUME_FIELDS, fields);
            }
            let (status, message) = match error {
                AppError::TooManyRequests {
                    retry_after_secs, ..
                } => (
                    StatusCode::TOO_MANY_REQUESTS,
                    format!(
                        "Too many attempts. Try again in {} minutes.",
                        retry_after_secs.div_ceil(60)
                    ),
                ),
                AppError::Unprocessable { message, .. } => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    format!("Check the form: {message}."),
                ),
                _ => (
                    StatusCode::UNAUTHORIZED,
                    "That username and password do not match an active account.".to_owned(),
                ),
            };
            context.insert("error", &message);
            render_status("login.html", &context, status)
        }
        Err(other) => Err(other.into()),
    }
}

#[post("/logout")]
pub(crate) async fn logout(
    state: web::Data<AppState>,
    user: CurrentUser,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let form = FormData::new(form.into_inner());
    user.check_csrf(&state, form.csrf())?;
    accounts::sign_out(&state, user.id()).await?;
    let mut gone = Cookie::build(SESSION_COOKIE, "").path("/").finish();
    gone.make_removal();
    Ok(HttpResponse::SeeOther()
        .cookie(gone)
        .insert_header((LOCATION, "/login"))
        .finish())
}

/// Only a path on this site: one leading `/` with no `/` or `\\` after it, no `\\` anywhere, and
/// no control, whitespace or hidden character (browsers drop tabs and newlines from a URL, so
/// `/\t/host` becomes `//host`, another site; CR and LF would break the header). Anything else
/// goes home.
pub(crate) fn local_path(next: &str) -> &str {
    let mut chars = next.chars();
    let rooted = chars.next() == Some('/') && !matches!(chars.next(), Some('/' | '\\'));
    let clean = !next
        .chars()
        .any(|c| c == '\\' || c.is_whitespace() || crate::validate::is_hidden(c));
    if rooted && clean { next } else { "/" }
}
