//! Users, for administrators.

use std::collections::HashMap;

use actix_web::{HttpResponse, web};

use crate::accounts::users::{self as accounts, UserChanges, UserInput};
use crate::error::AppError;
use crate::http::CurrentUser;
use crate::http::json::JsonBody;
use crate::http::params::paging;
use crate::models::UserId;
use crate::state::AppState;

pub(crate) async fn list(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    user.require_admin()?;
    let get = |k: &str| query.get(k).map(String::as_str);
    let paging = paging(get("page"), get("per_page"))?;
    let page = accounts::list(&state, user.actor, paging).await?;
    Ok(HttpResponse::Ok().json(page))
}

pub async fn show(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let found = accounts::find(&state, user.actor, UserId(id.into_inner())).await?;
    Ok(HttpResponse::Ok().json(found))
}

pub(crate) async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: JsonBody<UserInput>,
) -> Result<HttpResponse, AppError> {
    let created = accounts::create(&state, user.actor, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(created))
}

pub(crate) async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: JsonBody<UserChanges>,
) -> Result<HttpResponse, AppError> {
    let id = UserId(id.into_inner());
    // A PATCH that says `"active": false` is its own confirmation.
    let updated = accounts::update(&state, user.actor, id, body.into_inner(), true).await?;
    Ok(HttpResponse::Ok().json(updated))
}
