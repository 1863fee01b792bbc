//! Every request runs inside room for one pending session check (`db::first_use`): the caller
//! is identified from the token by `CurrentUser`, and the check that the database still agrees
//! runs first on the request's first connection, in the same trip to the blocking pool as the
//! work. A request that did no database work (a refusal decided from the role alone, a page
//! that reads nothing) has its check run here before the answer leaves; if it fails, the
//! answer is replaced by the refusal a failed sign-in check gives.

use actix_web::ResponseError;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web;

use super::PageError;
use crate::auth::surface::Surface;
use crate::db::first_use;
use crate::state::AppState;

pub(crate) async fn check_once<B: MessageBody>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    first_use::scope(async move {
        let response = next.call(req).await?;
        if !first_use::pending() {
            return Ok(response.map_into_left_body());
        }
        let state = response
            .request()
            .app_data::<web::Data<AppState>>()
            .cloned()
            .ok_or_else(|| actix_web::error::ErrorInternalServerError("no app state"))?;
        match state.db.run_pending_check().await {
            Ok(()) => Ok(response.map_into_left_body()),
            Err(error) => {
                let answer = match Surface::of(response.request()) {
                    Some(Surface::Page) => PageError(error).error_response(),
                    _ => error.error_response(),
                };
                let (request, _) = response.into_parts();
                Ok(ServiceResponse::new(request, answer).map_into_right_body())
            }
        }
    })
    .await
}
