//! The people around a case: list, add (or pick again from another case of the employer),
//! remove. See `casework::contacts` for who may do what.

use actix_web::{HttpResponse, delete, get, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

use super::views::{self, Contact};
use crate::casework::contacts::{self, ContactInput};
use crate::error::{AppError, ErrorBody};
use crate::http::CurrentUser;
use crate::http::json::JsonBody;
use crate::models::{CaseId, ContactId};
use crate::paging::ListPage;
use crate::state::AppState;

pub(crate) fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_contacts)
        .service(known_contacts)
        .service(add_contact)
        .service(remove_contact);
}

/// The people around a case, by role.
#[utoipa::path(
    tag = "contacts",
    responses(
        (status = 200, description = "The contacts, as one page", body = ListPage<Contact>),
        (status = 403, description = "Not the caller's to work (delegates; organisers before a referral)", body = ErrorBody),
        (status = 404, description = "No such case in the caller's scope", body = ErrorBody),
    ),
)]
#[get("/cases/{id}/contacts")]
async fn list_contacts(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let items = contacts::list(&state, user.actor, CaseId(id.into_inner())).await?;
    Ok(HttpResponse::Ok().json(views::whole::<_, Contact>(&items)))
}

/// Contacts on the caller's other cases with the same employer, each person once, newest
/// first: pass one's id as `copy_of` to add them to this case.
#[utoipa::path(
    tag = "contacts",
    responses(
        (status = 200, description = "The contacts that can be picked again, as one page", body = ListPage<Contact>),
        (status = 403, description = "Not the caller's to work", body = ErrorBody),
        (status = 404, description = "No such case in the caller's scope", body = ErrorBody),
    ),
)]
#[get("/cases/{id}/contacts/known")]
async fn known_contacts(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let items = contacts::known(&state, user.actor, CaseId(id.into_inner())).await?;
    Ok(HttpResponse::Ok().json(views::whole::<_, Contact>(&items)))
}

/// Adds someone to the case: a role and a name at least, or `copy_of` a known contact.
#[utoipa::path(
    tag = "contacts",
    request_body = ContactInput,
    responses(
        (status = 201, description = "Added", body = Contact),
        (status = 403, description = "In sight but not the caller's to work", body = ErrorBody),
        (status = 404, description = "No such case in the caller's scope", body = ErrorBody),
        (status = 422, description = "A field is invalid; `fields` names each", body = ErrorBody),
    ),
)]
#[post("/cases/{id}/contacts")]
async fn add_contact(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: JsonBody<ContactInput>,
) -> Result<HttpResponse, AppError> {
    let contact = contacts::add(
        &state,
        user.actor,
        CaseId(id.into_inner()),
        body.into_inner(),
    )
    .await?;
    Ok(HttpResponse::Created().json(Contact::from(&contact)))
}

/// Removes someone from the case.
#[utoipa::path(
    tag = "contacts",
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Not the caller's to work", body = ErrorBody),
        (status = 404, description = "No such contact on a case in the caller's scope", body = ErrorBody),
    ),
)]
#[delete("/cases/{id}/contacts/{contact}")]
async fn remove_contact(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (case, contact) = path.into_inner();
    contacts::remove(&state, user.actor, CaseId(case), ContactId(contact)).await?;
    Ok(HttpResponse::NoContent().finish())
}
