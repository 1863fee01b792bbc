//! `/calendar/{token}.ics`: the secret, revocable feed URL a rep subscribes to. Calendar
//! programs cannot sign in, so the unguessable token is the credential; rotating it (from the
//! account page or `POST /api/v1/me/calendar`) revokes the old URL at once.

use actix_web::http::header::CONTENT_TYPE;
use actix_web::{HttpRequest, HttpResponse, get, web};

use crate::casework::calendar;
use crate::error::AppError;
use crate::state::AppState;

#[get("/calendar/{token}.ics")]
pub(crate) async fn feed(
    state: web::Data<AppState>,
    req: HttpRequest,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let origin = crate::http::client::origin(&req);
    let host = origin.rsplit("://").next().unwrap_or_default();
    let host = host.split(':').next().unwrap_or("caseload").to_owned();
    let body = calendar::feed_for_token(&state, token.into_inner(), host).await?;
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/calendar; charset=utf-8"))
        .insert_header(("Cache-Control", "private, max-age=300"))
        .body(body))
}
