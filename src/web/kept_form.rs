//! A form sent after its session ended is not lost: instead of sending the browser to sign in
//! (and dropping what was typed), the sign-in page comes back carrying the form's fields; once
//! signed in, the person sees what they typed, in a form that saves it where it was going
//! (`templates/resume.html`). Nothing is saved without their second press, with the new
//! session's CSRF token. The fields travel in the page only: nothing is stored on the server.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{CONTENT_TYPE, LOCATION};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpResponse, ResponseError, web};
use futures_util::StreamExt;
use tera::Context;

use super::PageError;
use crate::error::AppError;
use crate::http::form::CSRF_FIELD;

/// The sign-in form's fields that carry a kept form.
pub const RESUME_TO: &str = "resume_to";
pub const RESUME_FIELDS: &str = "resume_fields";

pub(crate) async fn keep_typed_form(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let is_form = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let keep =
        *req.method() == Method::POST && is_form && !matches!(req.path(), "/login" | "/logout");
    if !keep {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    }
    let mut payload = req.take_payload();
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk?;
        if body.len() + chunk.len() > crate::web::FORM_LIMIT_BYTES {
            let refusal = PageError(AppError::PayloadTooLarge).error_response();
            return Ok(req.into_response(refusal).map_into_right_body());
        }
        body.extend_from_slice(&chunk);
    }
    let body = body.freeze();
    req.set_payload(Payload::from(body.clone()));
    let path = req.path().to_owned();
    let response = next.call(req).await?;
    let to_sign_in = response.status() == StatusCode::SEE_OTHER
        && response
            .headers()
            .get(LOCATION)
            .is_some_and(|l| l.as_bytes() == b"/login");
    if !to_sign_in {
        return Ok(response.map_into_left_body());
    }
    let fields: Vec<(String, String)> = form_urlencoded::parse(&body)
        .filter(|(k, _)| kept(k))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let kept = serde_urlencoded::to_string(&fields).unwrap_or_default();
    let mut context = Context::new();
    context.insert("next", &path);
    context.insert(RESUME_TO, &path);
    context.insert(RESUME_FIELDS, &kept);
    context.insert(
        "error",
        "You were signed out before this was saved. Sign in again: what you typed is kept, \
         and you can check it before saving.",
    );
    let page = crate::web::page::render_status("login.html", &context, StatusCode::UNAUTHORIZED)
        .unwrap_or_else(|e| e.error_response());
    let (request, _) = response.into_parts();
    Ok(ServiceResponse::new(request, page).map_into_right_body())
}

/// Whether a field travels with a kept form: never the old CSRF token, never a password.
fn kept(name: &str) -> bool {
    name != CSRF_FIELD && !name.contains("password")
}

/// The kept form, read back at sign-in: where it was going and its fields; none when the
/// sign-in carried no form or its address is not a page of this site.
pub(crate) fn resumed(
    to: Option<&str>,
    fields: Option<&str>,
) -> Option<(String, Vec<(String, String)>)> {
    let to = to.filter(|t| crate::web::session::local_path(t) == *t && *t != "/")?;
    let fields: Vec<(String, String)> = form_urlencoded::parse(fields?.as_bytes())
        .filter(|(k, _)| kept(k))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    (!fields.is_empty()).then(|| (to.to_owned(), fields))
}

/// The page that shows a kept form after signing in again.
pub(crate) fn resume_page(
    to: &str,
    fields: &[(String, String)],
    csrf_token: &str,
) -> Result<HttpResponse, PageError> {
    let shown: Vec<_> = fields
        .iter()
        .map(|(name, value)| KeptField {
            name,
            label: crate::web::page::field_label(name),
            value,
            long: value.len() > 80 || value.contains('\n'),
        })
        .collect();
    let mut context = Context::new();
    context.insert("action", to);
    context.insert("fields", &shown);
    context.insert("csrf_token", csrf_token);
    crate::web::page::render("resume.html", &context)
}

/// A kept field as the resume page shows it.
#[derive(serde::Serialize)]
struct KeptField<'a> {
    name: &'a str,
    label: String,
    value: &'a str,
    /// Shown in a text area rather than a line.
    long: bool,
}
