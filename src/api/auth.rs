//! Sign-in for API clients, the caller's own account.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::access::Scope;
use crate::accounts;
use crate::error::AppError;
use crate::http::CurrentUser;
use crate::http::json::JsonBody;
use crate::models::{Role, UserId};
use crate::state::AppState;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

pub(crate) async fn token(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: JsonBody<Credentials>,
) -> Result<HttpResponse, AppError> {
    let credentials = body.into_inner();
    let client = req.peer_addr().map(|a| a.ip().to_string());
    let session = accounts::sign_in(
        &state,
        &credentials.username,
        &credentials.password,
        client.as_deref(),
        crate::auth::surface::Surface::Api,
    )
    .await?;
    Ok(HttpResponse::Ok().json(json!({
        "token": session.token,
        "expires_at": session.expires_at,
    })))
}

/// Ends every session of the caller (tokens issued before now answer 401).
pub(crate) async fn logout(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    accounts::sign_out(&state, user.id()).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Serialize)]
pub struct Me {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub scope: Scope,
    /// The caller's iCalendar feed, once one has been issued.
    pub calendar_url: Option<String>,
}

fn me_of(state: &AppState, req: &HttpRequest, user: &crate::models::User, scope: Scope) -> Me {
    Me {
        id: user.id,
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        role: user.role,
        scope,
        calendar_url: user
            .calendar_token
            .as_deref()
            .map(|t| state.calendar_url(t, req)),
    }
}

pub(crate) async fn me(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: CurrentUser,
) -> HttpResponse {
    HttpResponse::Ok().json(me_of(&state, &req, &user.user, user.actor.scope))
}

/// Issues a new secret calendar URL (revoking any earlier one).
pub(crate) async fn rotate_calendar(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let updated = accounts::calendar(&state, user.id(), true).await?;
    Ok(HttpResponse::Ok().json(me_of(&state, &req, &updated, user.actor.scope)))
}

/// Revokes the calendar URL.
pub(crate) async fn revoke_calendar(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let updated = accounts::calendar(&state, user.id(), false).await?;
    Ok(HttpResponse::Ok().json(me_of(&state, &req, &updated, user.actor.scope)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

pub(crate) async fn change_password(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: JsonBody<PasswordChange>,
) -> Result<HttpResponse, AppError> {
    let change = body.into_inner();
    accounts::change_own_password(
        &state,
        user.user,
        change.current_password,
        change.new_password,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
