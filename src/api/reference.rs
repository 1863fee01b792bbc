//! `/regions`, `/branches`, `/employers`: read by anyone signed in, written by administrators.

use actix_web::http::Method;
use actix_web::{HttpResponse, web};

use super::routes::Routes;

use crate::casework::reference_service;
use crate::error::AppError;
use crate::http::CurrentUser;
use crate::http::json::JsonBody;
use crate::models::{Branch, Employer, Reference, Region};
use crate::paging::ListPage;
use crate::state::AppState;

pub(crate) fn routes(routes: Routes) -> Routes {
    let routes = resource::<Region>(routes, "/regions");
    let routes = resource::<Branch>(routes, "/branches");
    resource::<Employer>(routes, "/employers")
}

fn resource<R: Reference>(routes: Routes, path: &str) -> Routes {
    let item = format!("{path}/{{id}}");
    routes
        .add(Method::GET, path, list::<R>)
        .add(Method::POST, path, create::<R>)
        .add(Method::GET, &item, show::<R>)
        .add(Method::PATCH, &item, update::<R>)
}

async fn list<R: Reference>(
    state: web::Data<AppState>,
    _user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let items = reference_service::list::<R>(&state).await?;
    Ok(HttpResponse::Ok().json(ListPage::whole(items)))
}

async fn show<R: Reference>(
    state: web::Data<AppState>,
    _user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let item = reference_service::find::<R>(&state, R::Id::from(id.into_inner())).await?;
    Ok(HttpResponse::Ok().json(item))
}

async fn create<R: Reference>(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: JsonBody<R::New>,
) -> Result<HttpResponse, AppError> {
    let created = reference_service::create::<R>(&state, user.actor, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(created))
}

async fn update<R: Reference>(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: JsonBody<R::Update>,
) -> Result<HttpResponse, AppError> {
    let id = R::Id::from(id.into_inner());
    let updated = reference_service::update::<R>(&state, user.actor, id, body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(updated))
}
