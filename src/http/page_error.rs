//! An [`AppError`] answered as an HTML page (a 401 as a redirect to sign in), for pages.

use std::fmt;

use actix_web::http::StatusCode;
use actix_web::http::header::ContentType;
use actix_web::{HttpResponse, ResponseError};
use tera::Context;

use crate::error::AppError;
use crate::templates;

/// An [`AppError`] shown as an HTML page instead of JSON, for handlers outside `/api`.
#[derive(Debug)]
pub struct PageError(pub AppError);

impl<E: Into<AppError>> From<E> for PageError {
    fn from(error: E) -> Self {
        Self(error.into())
    }
}

impl fmt::Display for PageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        self.0.status_code()
    }

    fn error_response(&self) -> HttpResponse {
        // A page that needs a session sends the browser to sign in.
        if matches!(self.0, AppError::Unauthorized) {
            return HttpResponse::SeeOther()
                .insert_header((actix_web::http::header::LOCATION, "/login"))
                .finish();
        }
        // Keeps the JSON answer's headers and logging; swaps the body for a page.
        let json = self.0.error_response();
        let status = self.status_code();
        let mut context = Context::new();
        context.insert("status", &status.as_u16());
        context.insert("title", status.canonical_reason().unwrap_or("Error"));
        context.insert("message", &self.0.to_string());
        let body = templates::render("error.html", &context)
            .unwrap_or_else(|_| format!("{} {}", status.as_u16(), self.0));
        let mut response = HttpResponse::build(status);
        for (name, value) in json.headers() {
            if name != actix_web::http::header::CONTENT_TYPE {
                response.insert_header((name.clone(), value.clone()));
            }
        }
        response.content_type(ContentType::html()).body(body)
    }
}
