//! HTML answers: rendered pages and the error page.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::ContentType;
use tera::Context;

use crate::error::AppError;
pub use crate::http::PageError;
use crate::templates;

/// "See other": where the browser goes after a successful form.
pub(crate) fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, location))
        .finish()
}

/// Renders a page.
pub(crate) fn render(name: &str, context: &Context) -> Result<HttpResponse, PageError> {
    render_status(name, context, StatusCode::OK)
}

/// Renders a page with another status, e.g. a form shown again with its errors.
pub(crate) fn render_status(
    name: &str,
    context: &Context,
    status: StatusCode,
) -> Result<HttpResponse, PageError> {
    let html = templates::render(name, context)?;
    Ok(HttpResponse::build(status)
        .content_type(ContentType::html())
        .body(html))
}

/// What to show beside a refused form: the status, a summary and each field's message.
pub struct FormProblem {
    pub status: StatusCode,
    pub message: String,
    pub fields: crate::error::FieldErrors,
}

impl FormProblem {
    /// A refusal the person can fix by editing the form; anything else stays an error page.
    pub(crate) fn from_error(error: AppError) -> Result<Self, PageError> {
        use actix_web::ResponseError as _;
        let status = error.status_code();
        match error {
            AppError::Unprocessable { message, fields }
            | AppError::BadRequest { message, fields }
            | AppError::TooLarge { message, fields }
            | AppError::UnsupportedType { message, fields } => Ok(Self {
                status,
                message: if fields.is_empty() {
                    message
                } else {
                    in_form_words(&fields)
                },
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

/// The label a form shows for a field, so a summary of problems reads in the form's words.
pub(crate) fn field_label(field: &str) -> String {
    let known = match field {
        "recorded_on" | "occurred_on" | "due_on" => "Date",
        "open_cases" => "Open cases held",
        "hours_worked" => "Hours worked",
        "contracted_hours" => "Contracted hours",
        "text" => "What happened",
        "from" => "Counted from",
        "starts_at" => "Time",
        "type" => "Type",
        "opened_on" => "Opened on",
        "closed_on" => "Closed on",
        "assigned_to" => "Rep working the case",
        "workload_factors" => "Workload factors",
        "membership_number" => "Membership number",
        "fte" => "FTE",
        "employer_id" => "Employer",
        "branch_id" => "Branch",
        "region_id" => "Region",
        "user_id" => "User",
        "display_name" => "Name shown",
        "equality_consent" => "Consent to equality data",
        "safe_caseload" => "Safe caseload",
        "q" => "Search",
        "form" => "The form",
        _ => "",
    };
    if !known.is_empty() {
        return known.to_owned();
    }
    let words = field.replace('_', " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Every field's problem, by the field's label: "Date: 31/02/2026 is not a date; …".
fn in_form_words(fields: &crate::error::FieldErrors) -> String {
    fields
        .iter()
        .map(|(field, why)| format!("{}: {why}", field_label(field)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// A record as an edit form's starting values: every field as the text an input would send
/// (`null` becomes empty).
pub(crate) fn form_values(
    record: &impl serde::Serialize,
) -> std::collections::BTreeMap<String, String> {
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
pub(crate) fn pager<T>(
    context: &mut Context,
    path: &str,
    query: &std::collections::HashMap<String, String>,
    page: &crate::paging::ListPage<T>,
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
    // " — page 2 of 7" under the list's count; past the end, a link back to the last page.
    let position = if page.page > pages {
        context.insert("previous", &link(pages));
        format!(
            " — there {} only {pages} page{}",
            if pages == 1 { "is" } else { "are" },
            if pages == 1 { "" } else { "s" }
        )
    } else if pages > 1 {
        format!(" — page {} of {pages}", page.page)
    } else {
        String::new()
    };
    context.insert("position", &position);
}

/// What became of a submitted form.
pub enum Submitted<T> {
    /// The work was done.
    Done(T),
    /// The work was refused for something the user can mend: show the form again with it.
    Refused(FormProblem),
}

/// The round trip of every page form: the CSRF token is checked before `work` runs; a refusal
/// the user can mend comes back as `Refused` to show with the form, anything else is an error
/// page.
pub(crate) async fn submit<T>(
    state: &crate::state::AppState,
    user: &crate::http::CurrentUser,
    form: &crate::http::form::FormData,
    work: impl std::future::Future<Output = Result<T, AppError>>,
) -> Result<Submitted<T>, PageError> {
    user.check_csrf(state, form.csrf())?;
    match work.await {
        Ok(done) => Ok(Submitted::Done(done)),
        Err(error) => Ok(Submitted::Refused(FormProblem::from_error(error)?)),
    }
}

/// A service's refusal with its field names as a page names them: `prefix` then the field,
/// so that a form's problems show beside its own fields and not beside another form's.
pub(crate) fn prefixed(error: crate::error::AppError, prefix: &str) -> crate::error::AppError {
    match error {
        crate::error::AppError::Unprocessable { message, fields } => {
            crate::error::AppError::Unprocessable {
                message,
                fields: fields
                    .into_iter()
                    .map(|(field, why)| (format!("{prefix}{field}"), why))
                    .collect(),
            }
        }
        other => other,
    }
}

/// One choice of a select or radio group: the value sent and the label shown.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct Choice {
    pub value: String,
    pub label: String,
}

impl Choice {
    pub(crate) fn new(value: impl Into<String>, label: impl Into<String>) -> Self {
        Self {
            value: value.into(),
            label: label.into(),
        }
    }
}

/// A deadline as the pages show it: with its kind's label, its day with the weekday, urgency
/// and days to go, and (on a case page) who added and last changed it.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct DeadlineRow {
    pub deadline: crate::models::Deadline,
    pub kind: &'static str,
    pub day: String,
    pub reference: Option<String>,
    pub urgency: crate::casework::dates::Urgency,
    pub days: i64,
    pub added: Option<String>,
    pub changed: Option<String>,
}

impl From<crate::casework::case_service::DeadlineView> for DeadlineRow {
    fn from(d: crate::casework::case_service::DeadlineView) -> Self {
        Self {
            kind: d.deadline.kind.label(),
            day: crate::text::day_with_weekday(d.deadline.due_on),
            reference: d.reference,
            urgency: d.urgency,
            days: d.days,
            added: None,
            changed: None,
            deadline: d.deadline,
        }
    }
}
