//! HTML answers: rendered pages and the error page.

use std::fmt;

use actix_web::http::StatusCode;
use actix_web::http::header::ContentType;
use actix_web::{HttpResponse, ResponseError};
use tera::Context;

use super::templates;
use crate::error::AppError;

/// "See other": where the browser goes after a successful form.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, location))
        .finish()
}

/// Renders a page.
pub fn render(name: &str, context: &Context) -> Result<HttpResponse, PageError> {
    render_status(name, context, StatusCode::OK)
}

/// Renders a page with another status, e.g. a form shown again with its errors.
pub fn render_status(
    name: &str,
    context: &Context,
    status: StatusCode,
) -> Result<HttpResponse, PageError> {
    let html = templates::render(name, context)?;
    Ok(HttpResponse::build(status)
        .content_type(ContentType::html())
        .body(html))
}

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
            return see_other("/login");
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

/// What to show beside a refused form: the status, a summary and each field's message.
pub struct FormProblem {
    pub status: StatusCode,
    pub message: String,
    pub fields: crate::error::FieldErrors,
}

impl FormProblem {
    /// A refusal the person can fix by editing the form; anything else stays an error page.
    pub fn from_error(error: AppError) -> Result<Self, PageError> {
        use actix_web::ResponseError as _;
        let status = error.status_code();
        match error {
            AppError::Unprocessable { message, fields }
            | AppError::BadRequest { message, fields } => Ok(Self {
                status,
                message,
                fields,
            }),
            AppError::Conflict(message) => Ok(Self {
                status,
                message,
                fields: Default::default(),
            }),
            other => Err(PageError(other)),
        }
    }

    /// Puts `error`, `errors` and the typed `values` into the page's context.
    pub fn show(&self, context: &mut Context, values: &impl serde::Serialize) {
        context.insert("error", &self.message);
        context.insert("errors", &self.fields);
        context.insert("values", values);
    }
}

/// A record as an edit form's starting values: every field as the text an input would send
/// (`null` becomes empty).
pub fn form_values(record: &impl serde::Serialize) -> std::collections::BTreeMap<String, String> {
    let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(record) else {
        return Default::default();
    };
    fields
        .into_iter()
        .map(|(key, value)| {
            let text = match value {
                serde_json::Value::Null => String::new(),
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            (key, text)
        })
        .collect()
}

/// Previous and next links (keeping the other query parameters) and the page count of a list.
pub fn pager<T>(
    context: &mut Context,
    path: &str,
    query: &std::collections::HashMap<String, String>,
    page: &crate::api::query::ListPage<T>,
) {
    let pages = ((page.total + page.per_page - 1) / page.per_page).max(1);
    let link = |p: i64| {
        let mut pairs: Vec<(&str, String)> = query
            .iter()
            .filter(|(k, _)| *k != "page")
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect();
        pairs.push(("page", p.to_string()));
        format!(
            "{path}?{}",
            serde_urlencoded::to_string(&pairs).unwrap_or_default()
        )
    };
    if page.page > 1 {
        context.insert("previous", &link(page.page - 1));
    }
    if page.page < pages {
        context.insert("next", &link(page.page + 1));
    }
    context.insert("pages", &pages);
}
