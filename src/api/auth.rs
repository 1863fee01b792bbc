//! Sign-in for API clients, the caller's own account.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use serde::{Deserialize, Serialize};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::access::Scope;
use crate::accounts;
use crate::error::AppError;
use crate::http::CurrentUser;
use crate::http::json::JsonBody;
use crate::models::{Role, UserId};
use crate::state::AppState;

pub(crate) fn routes(cfg: &mut ServiceConfig) {
    cfg.service(token)
        .service(logout)
        .service(me)
        .service(update_me)
        .service(change_password)
        .service(rotate_calendar)
        .service(revoke_calendar);
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"username": "wgn.officer", "password": "correct horse battery staple"}))]
pub struct Credentials {
    #[schema(max_length = 200)]
    pub username: String,
    #[schema(max_length = 1024)]
    pub password: String,
}

/// A bearer token for the API.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Token {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    /// When the token stops working, to the second like every moment the API writes.
    #[serde(serialize_with = "crate::timestamps::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: chrono::NaiveDateTime,
}

/// Sign in: a bearer token for the other routes.
///
/// Five wrong passwords for one username, or more than the per-address setting from one
/// address, within 15 minutes answer 429 with `Retry-After`.
#[utoipa::path(
    tag = "auth",
    request_body = Credentials,
    responses(
        (status = 200, description = "Signed in", body = Token),
        (status = 401, description = "Wrong username or password", body = crate::error::ErrorBody),
        (status = 422, description = "A field is missing or too long", body = crate::error::ErrorBody),
        (status = 429, description = "Too many failed attempts; retry after `Retry-After` seconds", body = crate::error::ErrorBody),
    ),
)]
#[post("/auth/token")]
pub(crate) async fn token(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: JsonBody<Credentials>,
) -> Result<HttpResponse, AppError> {
    let credentials = body.into_inner();
    let client = crate::http::client::address(&req).map(|a| a.to_string());
    let session = accounts::sign_in(
        &state,
        &credentials.username,
        &credentials.password,
        client.as_deref(),
        crate::auth::surface::Surface::Api,
    )
    .await?;
    Ok(HttpResponse::Ok().json(Token {
        token: session.token,
        expires_at: session.expires_at.naive_utc(),
    }))
}

/// Sign out: ends every session of the caller (tokens issued before now answer 401).
#[utoipa::path(tag = "auth", responses((status = 204, description = "Signed out")))]
#[post("/auth/logout")]
pub(crate) async fn logout(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    accounts::sign_out(&state, user.id()).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Me {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub scope: Scope,
    /// Whether the caller has a calendar feed address.
    pub calendar_active: bool,
    /// Whether the feed carries a hearing's place (off unless the caller chose it).
    pub calendar_places: bool,
    /// Where reminders go (set by an administrator).
    pub email: Option<String>,
    /// Whether the caller gets the morning digest of what falls due (off unless they chose it).
    pub email_digest: bool,
    /// The new address, only in the answer that issues it: it is stored hashed and cannot be
    /// shown again (make a new one if it is lost).
    pub calendar_url: Option<String>,
}

fn me_of(
    state: &AppState,
    req: &HttpRequest,
    user: &crate::models::User,
    scope: Scope,
    issued: Option<&str>,
) -> Me {
    Me {
        id: user.id,
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        role: user.role,
        scope,
        calendar_active: user.calendar_token.is_some(),
        calendar_places: user.calendar_places,
        email: user.email.clone(),
        email_digest: user.email_digest,
        calendar_url: issued.map(|t| state.calendar_url(t, &crate::http::client::origin(req))),
    }
}

/// The caller: who they are, their role and scope, their calendar address.
#[utoipa::path(tag = "auth", responses((status = 200, description = "The caller", body = Me)))]
#[get("/me")]
pub(crate) async fn me(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let account = user.account(&state).await?;
    Ok(HttpResponse::Ok().json(me_of(&state, &req, account, user.actor.scope, None)))
}

/// Issues a new secret calendar address (revoking any earlier one). The address is in this
/// answer only: it is stored hashed.
#[utoipa::path(tag = "auth", responses((status = 200, description = "The caller with the new address, shown this once", body = Me)))]
#[post("/me/calendar")]
pub(crate) async fn rotate_calendar(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let (updated, issued) = accounts::calendar(&state, user.id(), true).await?;
    let answer = me_of(&state, &req, &updated, user.actor.scope, issued.as_deref());
    Ok(HttpResponse::Ok().json(answer))
}

/// What the caller may change of their own account here.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeChanges {
    /// Whether the calendar feed carries a hearing's place.
    pub calendar_places: Option<bool>,
    /// Whether to get the morning digest by email (needs an email address on the account).
    pub email_digest: Option<bool>,
}

/// Changes the caller's own choices: whether their calendar feed carries a hearing's place,
/// whether they get the morning digest.
#[utoipa::path(
    tag = "auth",
    request_body = MeChanges,
    responses((status = 200, description = "The caller, changed", body = Me)),
)]
#[patch("/me")]
pub(crate) async fn update_me(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: CurrentUser,
    body: JsonBody<MeChanges>,
) -> Result<HttpResponse, AppError> {
    let changes = body.into_inner();
    if changes.calendar_places.is_none() && changes.email_digest.is_none() {
        return Err(AppError::invalid(
            "calendar_places",
            "give calendar_places or email_digest, true or false",
        ));
    }
    let updated = accounts::own_choices(
        &state,
        user.id(),
        changes.calendar_places,
        changes.email_digest,
    )
    .await?;
    Ok(HttpResponse::Ok().json(me_of(&state, &req, &updated, user.actor.scope, None)))
}

/// Revokes the calendar address.
#[utoipa::path(tag = "auth", responses((status = 200, description = "The caller without an address", body = Me)))]
#[delete("/me/calendar")]
pub(crate) async fn revoke_calendar(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let (updated, _) = accounts::calendar(&state, user.id(), false).await?;
    Ok(HttpResponse::Ok().json(me_of(&state, &req, &updated, user.actor.scope, None)))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: String,
    /// 12 characters or more.
    #[schema(min_length = 12, max_length = 1024)]
    pub new_password: String,
}

/// Changes the caller's password; every other session ends.
#[utoipa::path(
    tag = "auth",
    request_body = PasswordChange,
    responses(
        (status = 204, description = "Changed"),
        (status = 422, description = "The current password is wrong or the new one too weak", body = crate::error::ErrorBody),
        (status = 429, description = "Too many wrong current passwords; retry after `Retry-After` seconds", body = crate::error::ErrorBody),
    ),
)]
#[post("/me/password")]
pub(crate) async fn change_password(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: JsonBody<PasswordChange>,
) -> Result<HttpResponse, AppError> {
    let change = body.into_inner();
    accounts::change_own_password(
        &state,
        user.account(&state).await?.clone(),
        change.current_password,
        change.new_password,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
