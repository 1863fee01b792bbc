//! `/regions`, `/branches`, `/employers`: read by anyone signed in, written by administrators.
//! One macro writes the four routes of each, so the three behave (and are described) alike.

use actix_web::{HttpResponse, get, patch, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

use super::views;
use crate::casework::reference_service;
use crate::error::{AppError, ErrorBody};
use crate::http::CurrentUser;
use crate::http::json::JsonBody;
use crate::models::{
    Branch, Employer, NewBranch, NewEmployer, NewRegion, Reference, Region, UpdateBranch,
    UpdateEmployer, UpdateRegion,
};
use crate::paging::ListPage;
use crate::state::AppState;

pub(crate) fn routes(cfg: &mut ServiceConfig) {
    cfg.configure(regions::routes)
        .configure(branches::routes)
        .configure(employers::routes);
}

macro_rules! reference_routes {
    ($module:ident, $kind:ty, $view:ty, $new:ty, $update:ty, $list:literal, $item:literal, $what:literal, $plural:literal) => {
        mod $module {
            use super::*;

            pub(crate) fn routes(cfg: &mut ServiceConfig) {
                cfg.service(list)
                    .service(create)
                    .service(show)
                    .service(update);
            }

            #[utoipa::path(
                summary = concat!("Every ", $what, "."),
                operation_id = concat!("list_", $plural),
                tag = "reference",
                responses((status = 200, description = "All of them, as one page", body = ListPage<$view>)),
            )]
            #[get($list)]
            pub(crate) async fn list(
                state: web::Data<AppState>,
                _user: CurrentUser,
            ) -> Result<HttpResponse, AppError> {
                let items = reference_service::list::<$kind>(&state).await?;
                Ok(HttpResponse::Ok().json(views::whole::<_, $view>(&items)))
            }

            #[utoipa::path(
                summary = concat!("One ", $what, "."),
                operation_id = concat!("show_", $what),
                tag = "reference",
                responses(
                    (status = 200, description = "Found", body = $view),
                    (status = 404, description = "No such record", body = ErrorBody),
                ),
            )]
            #[get($item)]
            pub(crate) async fn show(
                state: web::Data<AppState>,
                _user: CurrentUser,
                id: web::Path<i64>,
            ) -> Result<HttpResponse, AppError> {
                let id = <$kind as Reference>::Id::from(id.into_inner());
                let item = reference_service::find::<$kind>(&state, id).await?;
                Ok(HttpResponse::Ok().json(<$view>::from(&item)))
            }

            #[utoipa::path(
                summary = concat!("Adds a ", $what, " (administrators)."),
                operation_id = concat!("create_", $what),
                tag = "reference",
                request_body = $new,
                responses(
                    (status = 201, description = "Created", body = $view),
                    (status = 403, description = "Administrators only", body = ErrorBody),
                    (status = 409, description = "The name or code is taken", body = ErrorBody),
                    (status = 422, description = "A field is invalid", body = ErrorBody),
                ),
            )]
            #[post($list)]
            pub(crate) async fn create(
                state: web::Data<AppState>,
                user: CurrentUser,
                body: JsonBody<$new>,
            ) -> Result<HttpResponse, AppError> {
                let created =
                    reference_service::create::<$kind>(&state, user.actor, body.into_inner())
                        .await?;
                Ok(HttpResponse::Created().json(<$view>::from(&created)))
            }

            #[utoipa::path(
                summary = concat!("Changes a ", $what, " (administrators)."),
                operation_id = concat!("update_", $what),
                tag = "reference",
                request_body = $update,
                responses(
                    (status = 200, description = "Changed", body = $view),
                    (status = 403, description = "Administrators only", body = ErrorBody),
                    (status = 404, description = "No such record", body = ErrorBody),
                    (status = 409, description = "The name or code is taken", body = ErrorBody),
                    (status = 422, description = "A field is invalid", body = ErrorBody),
                ),
            )]
            #[patch($item)]
            pub(crate) async fn update(
                state: web::Data<AppState>,
                user: CurrentUser,
                id: web::Path<i64>,
                body: JsonBody<$update>,
            ) -> Result<HttpResponse, AppError> {
                let id = <$kind as Reference>::Id::from(id.into_inner());
                let updated =
                    reference_service::update::<$kind>(&state, user.actor, id, body.into_inner())
                        .await?;
                Ok(HttpResponse::Ok().json(<$view>::from(&updated)))
            }
        }
    };
}

reference_routes!(
    regions,
    Region,
    views::Region,
    NewRegion,
    UpdateRegion,
    "/regions",
    "/regions/{id}",
    "region",
    "regions"
);
reference_routes!(
    branches,
    Branch,
    views::Branch,
    NewBranch,
    UpdateBranch,
    "/branches",
    "/branches/{id}",
    "branch",
    "branches"
);
reference_routes!(
    employers,
    Employer,
    views::Employer,
    NewEmployer,
    UpdateEmployer,
    "/employers",
    "/employers/{id}",
    "employer",
    "employers"
);
