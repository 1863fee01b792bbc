//! The signed-in person's own account: their calendar address, the morning digest, their
//! password.

use actix_web::{HttpRequest, HttpResponse, get, post, web};

use super::layout;
use super::page::{FormProblem, PageError, render, render_status, see_other};
use crate::accounts;
use crate::http::CurrentUser;
use crate::http::form::FormData;
use crate::state::AppState;

#[get("/account")]
pub async fn show(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let mut context = layout::context(&state, &user, "/account").await?;
    let notice = query
        .iter()
        .find(|(k, _)| k == "notice")
        .and_then(|(_, v)| match v.as_str() {
            "calendar" => Some("Your calendar is stopped; its address no longer works."),
            "places" => Some("Saved: your calendar says where hearings are."),
            "no-places" => Some("Saved: your calendar no longer says where hearings are."),
            "digest" => Some("Saved: you will get the morning email of what falls due."),
            "no-digest" => Some("Saved: you will no longer get the morning email."),
            _ => None,
        });
    if let Some(notice) = notice {
        context.insert("notice", notice);
    }
    let account = user.account(&state).await?;
    context.insert("calendar_active", &account.calendar_token.is_some());
    context.insert("calendar_places", &account.calendar_places);
    context.insert("email", &account.email);
    context.insert("email_digest", &account.email_digest);
    context.insert(
        "with_unassigned",
        &(user.role() == crate::models::Role::Officer),
    );
    render("account.html", &context)
}

/// Issues a new secret calendar address, or revokes it.
#[post("/account/calendar")]
pub(crate) async fn calendar(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: CurrentUser,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let form = FormData::new(form.into_inner());
    user.check_csrf(&state, form.csrf())?;
    if let Some(places) = match form.get("action") {
        Some("places") => Some(true),
        Some("no-places") => Some(false),
        _ => None,
    } {
        accounts::own_choices(&state, user.id(), Some(places), None).await?;
        let notice = if places { "places" } else { "no-places" };
        return Ok(see_other(&format!("/account?notice={notice}")));
    }
    let on = form.get("action") != Some("revoke");
    let (_, issued) = accounts::calendar(&state, user.id(), on).await?;
    let Some(token) = issued else {
        return Ok(see_other("/account?notice=calendar"));
    };
    // Shown in this answer only: the address is stored hashed.
    let mut context = layout::context(&state, &user, "/account").await?;
    context.insert("calendar_active", &true);
    context.insert(
        "calendar_places",
        &user.account(&state).await?.calendar_places,
    );
    let url = state.calendar_url(&token, &crate::http::client::origin(&req));
    // The same address for programs that subscribe through a `webcal:` link.
    let webcal = format!(
        "webcal://{}",
        url.split_once("://").map_or(url.as_str(), |(_, rest)| rest)
    );
    context.insert("calendar_url", &url);
    context.insert("calendar_webcal", &webcal);
    context.insert(
        "notice",
        "Your new calendar address is below. Copy it into your calendar program now: it is shown \
         only this once. Any earlier address no longer works.",
    );
    render("account.html", &context)
}

/// Turns the morning digest on or off.
#[post("/account/digest")]
pub(crate) async fn digest(
    state: web::Data<AppState>,
    user: CurrentUser,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let form = FormData::new(form.into_inner());
    user.check_csrf(&state, form.csrf())?;
    let on = form.get("action") == Some("digest");
    accounts::own_choices(&state, user.id(), None, Some(on)).await?;
    let notice = if on { "digest" } else { "no-digest" };
    Ok(see_other(&format!("/account?notice={notice}")))
}

#[post("/account/password")]
pub(crate) async fn change_password(
    state: web::Data<AppState>,
    user: CurrentUser,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let form = FormData::new(form.into_inner());
    user.check_csrf(&state, form.csrf())?;
    let current = form.get("current_password").unwrap_or_default().to_owned();
    let new = form.get("new_password").unwrap_or_default().to_owned();
    let result =
        accounts::change_own_password(&state, user.account(&state).await?.clone(), current, new)
            .await;
    match result {
        // The change revoked this session too: sign in again with the new password.
        Ok(()) => Ok(see_other("/login")),
        Err(error) => {
            let problem = FormProblem::from_error(error)?;
            let mut context = layout::context(&state, &user, "/account").await?;
            problem.show(&mut context, &form.values());
            render_status("account.html", &context, problem.status)
        }
    }
}
