//! Users, for administrators.

use actix_web::{HttpResponse, get, patch, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

use super::params::PageParams;
use super::query::ApiQuery;
use super::views::{self, User};
use crate::accounts::users::{self as accounts, UserChanges, UserInput};
use crate::error::{AppError, ErrorBody};
use crate::http::CurrentUser;
use crate::http::json::JsonBody;
use crate::http::params::paging;
use crate::models::UserId;
use crate::paging::ListPage;
use crate::state::AppState;

pub(crate) fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(show)
        .service(update);
}

/// Every user account, by username.
#[utoipa::path(
    operation_id = "list_users",
    tag = "users",
    params(PageParams),
    responses(
        (status = 200, description = "A page of users", body = ListPage<User>),
        (status = 403, description = "Administrators only", body = ErrorBody),
    ),
)]
#[get("/users")]
pub(crate) async fn list(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: ApiQuery,
) -> Result<HttpResponse, AppError> {
    user.require_admin()?;
    let paging = paging(
        query.get("page").as_deref(),
        query.get("per_page").as_deref(),
    )?;
    let page = accounts::list(&state, user.actor, paging).await?;
    Ok(HttpResponse::Ok().json(views::page::<_, User>(page)))
}

/// One user account.
#[utoipa::path(
    operation_id = "show_user",
    tag = "users",
    responses(
        (status = 200, description = "The user", body = User),
        (status = 403, description = "Administrators only", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
    ),
)]
#[get("/users/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let found = accounts::find(&state, user.actor, UserId(id.into_inner())).await?;
    Ok(HttpResponse::Ok().json(User::from(&found)))
}

/// Adds a user: a role and the scope it needs (an officer's branch, an organiser's region).
#[utoipa::path(
    operation_id = "create_user",
    tag = "users",
    request_body = UserInput,
    responses(
        (status = 201, description = "Created", body = User),
        (status = 403, description = "Administrators only", body = ErrorBody),
        (status = 409, description = "The username is taken", body = ErrorBody),
        (status = 422, description = "A field is invalid", body = ErrorBody),
    ),
)]
#[post("/users")]
pub(crate) async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: JsonBody<UserInput>,
) -> Result<HttpResponse, AppError> {
    let created = accounts::create(&state, user.actor, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(User::from(&created)))
}

/// Changes a user: name, role, scope, a password reset, or deactivation (which ends their
/// sessions).
#[utoipa::path(
    operation_id = "update_user",
    tag = "users",
    request_body = UserChanges,
    responses(
        (status = 200, description = "Changed", body = User),
        (status = 403, description = "Administrators only", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
        (status = 409, description = "The change would leave no active administrator", body = ErrorBody),
        (status = 422, description = "A field is invalid", body = ErrorBody),
    ),
)]
#[patch("/users/{id}")]
pub(crate) async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: JsonBody<UserChanges>,
) -> Result<HttpResponse, AppError> {
    let id = UserId(id.into_inner());
    // A PATCH that says `"active": false` is its own confirmation.
    let updated = accounts::update(&state, user.actor, id, body.into_inner(), true).await?;
    Ok(HttpResponse::Ok().json(User::from(&updated)))
}
