//! Users, for administrators.

use std::collections::HashMap;

use actix_web::{HttpResponse, get, patch, post, web};

use super::json::JsonBody;
use super::query::{ListPage, Paging};
use crate::auth::CurrentUser;
use crate::auth::accounts::{self, UserChanges, UserInput};
use crate::error::AppError;
use crate::models::{User, UserId};
use crate::state::AppState;

#[get("/users")]
pub async fn list(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    user.require_admin()?;
    let paging = Paging::from_query(
        query.get("page").map(String::as_str),
        query.get("per_page").map(String::as_str),
    )?;
    let (items, total) = state
        .db
        .run(move |conn| Ok(User::list(conn, paging)?))
        .await?;
    Ok(HttpResponse::Ok().json(ListPage::new(items, total, paging)))
}

#[get("/users/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require_admin()?;
    let id = UserId(id.into_inner());
    let found = state.db.run(move |conn| Ok(User::find(conn, id)?)).await?;
    Ok(HttpResponse::Ok().json(found))
}

#[post("/users")]
pub async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: JsonBody<UserInput>,
) -> Result<HttpResponse, AppError> {
    user.require_admin()?;
    let actor = user.id();
    let input = body.into_inner();
    let created = state
        .db
        .write(move |conn| accounts::create_user(conn, Some(actor), input))
        .await?;
    Ok(HttpResponse::Created().json(created))
}

#[patch("/users/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: JsonBody<UserChanges>,
) -> Result<HttpResponse, AppError> {
    user.require_admin()?;
    let actor = user.id();
    let id = UserId(id.into_inner());
    let changes = body.into_inner();
    let updated = state
        .db
        .write(move |conn| accounts::update_user(conn, actor, id, changes))
        .await?;
    Ok(HttpResponse::Ok().json(updated))
}
