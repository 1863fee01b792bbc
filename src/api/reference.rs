//! `/regions`, `/branches`, `/employers`: read by anyone signed in, written by administrators.

use actix_web::{HttpResponse, web};

use super::json::JsonBody;
use crate::audit::{self, Event};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::models::{Branch, Employer, Reference, Region};
use crate::state::AppState;

pub fn routes(scope: actix_web::Scope) -> actix_web::Scope {
    scope
        .configure(resource::<Region>("/regions"))
        .configure(resource::<Branch>("/branches"))
        .configure(resource::<Employer>("/employers"))
}

fn resource<R: Reference>(path: &'static str) -> impl FnOnce(&mut web::ServiceConfig) {
    move |cfg| {
        cfg.service(
            web::resource(path)
                .route(web::get().to(list::<R>))
                .route(web::post().to(create::<R>)),
        )
        .service(
            web::resource(format!("{path}/{{id}}"))
                .route(web::get().to(show::<R>))
                .route(web::patch().to(update::<R>)),
        );
    }
}

/// Reference data is not personal: every role may read it (a delegate picks a region, an
/// officer an employer).
async fn list<R: Reference>(
    state: web::Data<AppState>,
    _user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let items = state.db.run(|conn| Ok(R::list(conn)?)).await?;
    Ok(HttpResponse::Ok().json(super::query::ListPage::whole(items)))
}

async fn show<R: Reference>(
    state: web::Data<AppState>,
    _user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = R::Id::from(id.into_inner());
    let item = state.db.run(move |conn| Ok(R::find(conn, id)?)).await?;
    Ok(HttpResponse::Ok().json(item))
}

async fn create<R: Reference>(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: JsonBody<R::New>,
) -> Result<HttpResponse, AppError> {
    user.require_admin()?;
    let actor = user.id();
    let new = body.into_inner();
    let created = state
        .db
        .write(move |conn| {
            let created = R::create(conn, new)?;
            audit::record(
                conn,
                Event::new(Some(actor), "create", R::ENTITY).id(created.id()),
            )?;
            Ok(created)
        })
        .await?;
    Ok(HttpResponse::Created().json(created))
}

async fn update<R: Reference>(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: JsonBody<R::Update>,
) -> Result<HttpResponse, AppError> {
    user.require_admin()?;
    let actor = user.id();
    let id = R::Id::from(id.into_inner());
    let changes = body.into_inner();
    let updated = state
        .db
        .write(move |conn| {
            let updated = R::update(conn, id, changes)?;
            audit::record(
                conn,
                Event::new(Some(actor), "update", R::ENTITY).id(updated.id()),
            )?;
            Ok(updated)
        })
        .await?;
    Ok(HttpResponse::Ok().json(updated))
}
