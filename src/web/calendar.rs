//! `/calendar/{token}.ics`: the secret, revocable feed URL a rep subscribes to. Calendar
//! programs cannot sign in, so the unguessable token is the credential; rotating it (from the
//! account page or `POST /api/v1/me/calendar`) revokes the old URL at once.

use actix_web::http::header::CONTENT_TYPE;
use actix_web::{HttpResponse, get, web};

use crate::casework::calendar;
use crate::error::AppError;
use crate::state::AppState;

#[get("/calendar/{token}.ics")]
pub(crate) async fn feed(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    // Event UIDs must not change from one fetch to the next, or calendars show every deadline
    // twice: their domain is the configured public address's, never a request header's.
    let host = state
        .server
        .public_url
        .as_deref()
        .and_then(|url| url.split("://").nth(1))
        .and_then(|rest| rest.split(['/', ':']).next())
        .filter(|host| !host.is_empty())
        .unwrap_or("caseload")
        .to_owned();
    let body = calendar::feed_for_token(&state, token.into_inner(), host).await?;
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/calendar; charset=utf-8"))
        .insert_header(("Cache-Control", "private, max-age=300"))
        .body(body))
}
