//! `/calendar/{token}.ics`: the secret, revocable feed URL a rep subscribes to. Calendar
//! programs cannot sign in, so the unguessable token is the credential; rotating it (from the
//! account page or `POST /api/v1/me/calendar`) revokes the old URL at once.

use actix_web::http::header::CONTENT_TYPE;
use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{Days, Utc};

use crate::audit::Event;
use crate::auth::Scope;
use crate::casework::calendar;
use crate::error::AppError;
use crate::models::{Deadline, User};
use crate::state::{AppState, read_audited};

/// How far ahead the feed reaches.
const AHEAD_DAYS: u64 = 400;

#[get("/calendar/{token}.ics")]
pub async fn feed(
    state: web::Data<AppState>,
    req: HttpRequest,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let body = read_audited(&state, move |conn, audit| {
        let user = User::find_by_calendar_token(conn, &token)?.ok_or(AppError::NotFound)?;
        if !user.active {
            return Err(AppError::NotFound);
        }
        let casework = Scope::of(&user)?
            .casework()
            .map_err(|_| AppError::NotFound)?;
        let until = Utc::now().date_naive() + Days::new(AHEAD_DAYS);
        let rows = Deadline::upcoming(conn, casework, until, Some(user.id))?;
        let ids: Vec<String> = rows.iter().map(|(d, _)| d.case_id.to_string()).collect();
        audit.read(
            Event::new(Some(user.id), "read", "calendar").detail(format!(
                "deadlines={} case ids={}",
                rows.len(),
                ids.join(",")
            )),
        );
        Ok(rows)
    })
    .await?;
    let host = req.connection_info().host().to_owned();
    let host = host.split(':').next().unwrap_or("caseload").to_owned();
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/calendar; charset=utf-8"))
        .insert_header(("Cache-Control", "private, max-age=300"))
        .body(calendar::feed(&body, Utc::now().naive_utc(), &host)))
}
