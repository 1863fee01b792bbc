//! `/users/{id}/api-keys`: long-lived keys for integrations, for administrators.

use actix_web::{HttpResponse, delete, get, post, web};
use serde::Deserialize;
use utoipa_actix_web::service_config::ServiceConfig;

use super::views::{self, ApiKey};
use crate::accounts::api_keys;
use crate::error::{AppError, ErrorBody};
use crate::http::CurrentUser;
use crate::http::json::JsonBody;
use crate::models::{ApiKeyId, UserId};
use crate::paging::ListPage;
use crate::state::AppState;

pub(crate) fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list).service(issue).service(revoke);
}

/// What a new key is called, to tell keys apart ("Membership system sync").
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyInput {
    pub name: String,
}

/// A user's API keys, revoked ones too; never their secrets.
#[utoipa::path(
    operation_id = "list_api_keys",
    tag = "users",
    responses(
        (status = 200, description = "The keys, newest first", body = ListPage<ApiKey>),
        (status = 403, description = "Administrators only", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
    ),
)]
#[get("/users/{id}/api-keys")]
pub(crate) async fn list(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let keys = api_keys::list(&state, user.actor, UserId(id.into_inner())).await?;
    Ok(HttpResponse::Ok().json(views::whole::<_, ApiKey>(&keys)))
}

/// Issues an API key to a user account made for an integration: it acts with that account's
/// role and scope. The key is in this answer only (`key`); only its hash is kept.
#[utoipa::path(
    operation_id = "issue_api_key",
    tag = "users",
    request_body = KeyInput,
    responses(
        (status = 201, description = "Issued; `key` is shown this once", body = ApiKey),
        (status = 403, description = "Administrators only", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
        (status = 422, description = "A field is invalid, or the account is deactivated", body = ErrorBody),
    ),
)]
#[post("/users/{id}/api-keys")]
pub(crate) async fn issue(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: JsonBody<KeyInput>,
) -> Result<HttpResponse, AppError> {
    let owner = UserId(id.into_inner());
    let issued = api_keys::issue(&state, user.actor, owner, body.into_inner().name).await?;
    let mut view = ApiKey::from(&issued.key);
    view.key = issued.secret;
    Ok(HttpResponse::Created().json(view))
}

/// Revokes a key: it stops working at once. Revoking one already revoked changes nothing.
#[utoipa::path(
    operation_id = "revoke_api_key",
    tag = "users",
    responses(
        (status = 204, description = "Revoked"),
        (status = 403, description = "Administrators only", body = ErrorBody),
        (status = 404, description = "No such user or key", body = ErrorBody),
    ),
)]
#[delete("/users/{id}/api-keys/{key}")]
pub(crate) async fn revoke(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (owner, key) = path.into_inner();
    api_keys::revoke(&state, user.actor, UserId(owner), ApiKeyId(key)).await?;
    Ok(HttpResponse::NoContent().finish())
}
