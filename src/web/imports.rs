//! `/import`: upload a CSV of members or workload records, with a dry run; and the members
//! CSV download.

use actix_multipart::Multipart;
use actix_web::{HttpResponse, get, post, web};
use futures_util::StreamExt;

use super::layout;
use super::page::{PageError, render, render_status};
use crate::casework::import::{self, IMPORT_LIMIT_BYTES, ImportOptions};
use crate::casework::member_service::{self, ImportKind};
use crate::error::AppError;
use crate::http::{CurrentUser, csv_download};
use crate::state::AppState;

#[get("/import")]
pub(crate) async fn form(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, PageError> {
    user.member_writer()?;
    let mut context = layout::context(&state, &user, "/import").await?;
    context.insert("columns_members", &import::MEMBER_COLUMNS.join(", "));
    context.insert("columns_workload", &import::WORKLOAD_COLUMNS.join(", "));
    context.insert(
        "columns_supervision",
        &import::SUPERVISION_COLUMNS.join(", "),
    );
    render("members/import.html", &context)
}

/// The parts of the upload form.
#[derive(Default)]
struct Upload {
    csrf_token: String,
    kind: String,
    dry_run: bool,
    create_employers: bool,
    file: Vec<u8>,
}

/// The upload form's parts and no more: each known field once, a small field (a token, a
/// choice) at most [`SMALL_FIELD_BYTES`], the file at most the import limit, and the whole
/// body at most the import limit and the small fields. Anything else is refused as soon as it
/// is seen, before the rest of the body is read.
const FIELDS: &[&str] = &["csrf_token", "kind", "dry_run", "create_employers", "file"];
const SMALL_FIELD_BYTES: usize = 4 * 1024;

async fn read_upload(mut payload: Multipart) -> Result<Upload, AppError> {
    let mut parts = Upload::default();
    let mut seen: Vec<String> = Vec::new();
    let mut total = 0usize;
    let total_limit = IMPORT_LIMIT_BYTES + FIELDS.len() * SMALL_FIELD_BYTES;
    while let Some(field) = payload.next().await {
        let mut field = field.map_err(|e| AppError::bad_field("file", e.to_string()))?;
        let name = field.name().unwrap_or_default().to_owned();
        if !FIELDS.contains(&name.as_str()) {
            return Err(AppError::bad_field(
                &name.chars().take(40).collect::<String>(),
                "is not a field of the import form",
            ));
        }
        if seen.contains(&name) {
            return Err(AppError::bad_field(&name, "is given more than once"));
        }
        seen.push(name.clone());
        let limit = if name == "file" {
            IMPORT_LIMIT_BYTES
        } else {
            SMALL_FIELD_BYTES
        };
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|e| AppError::bad_field(&name, e.to_string()))?;
            total += chunk.len();
            if bytes.len() + chunk.len() > limit || total > total_limit {
                return Err(AppError::PayloadTooLarge);
            }
            bytes.extend_from_slice(&chunk);
        }
        let text = || String::from_utf8_lossy(&bytes).into_owned();
        match name.as_str() {
            "csrf_token" => parts.csrf_token = text(),
            "kind" => parts.kind = text(),
            "dry_run" => parts.dry_run = true,
            "create_employers" => parts.create_employers = true,
            _ => parts.file = bytes,
        }
    }
    Ok(parts)
}

#[post("/import")]
pub(crate) async fn upload_file(
    state: web::Data<AppState>,
    user: CurrentUser,
    payload: Multipart,
) -> Result<HttpResponse, PageError> {
    user.member_writer()?;
    let parts = read_upload(payload).await?;
    user.check_csrf(&state, &parts.csrf_token)?;
    let mut context = layout::context(&state, &user, "/import").await?;
    context.insert("columns_members", &import::MEMBER_COLUMNS.join(", "));
    context.insert("columns_workload", &import::WORKLOAD_COLUMNS.join(", "));
    context.insert(
        "columns_supervision",
        &import::SUPERVISION_COLUMNS.join(", "),
    );
    // The choices made come back with the answer, whatever it is: a file refused is fixed and
    // sent again as the same kind.
    context.insert("chosen_kind", &parts.kind);
    context.insert("chosen_dry_run", &parts.dry_run);
    if parts.file.is_empty() {
        context.insert("errors", &serde_json::json!({"file": "choose a CSV file"}));
        return render_status(
            "members/import.html",
            &context,
            actix_web::http::StatusCode::BAD_REQUEST,
        );
    }
    let options = ImportOptions {
        dry_run: parts.dry_run,
        create_employers: parts.create_employers,
    };
    let (kind, what) = match parts.kind.as_str() {
        "workload" => (ImportKind::Workload, "workload records"),
        "supervision" => (ImportKind::Supervision, "supervision records"),
        _ => (ImportKind::Members, "members"),
    };
    let report = member_service::import(&state, user.actor, kind, parts.file, options).await?;
    let status = if report.is_refused() {
        actix_web::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        actix_web::http::StatusCode::OK
    };
    context.insert("kind", what);
    context.insert("report", &report);
    render_status("members/import.html", &context, status)
}

/// The members the list's search and filters pick, as CSV.
#[get("/members.csv")]
pub(crate) async fn export(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<std::collections::HashMap<String, String>>,
) -> Result<HttpResponse, PageError> {
    let (filter, _) = crate::http::filters::members(|k| query.get(k).cloned())?;
    let csv = member_service::export(&state, user.actor, filter).await?;
    Ok(csv_download("members.csv", csv))
}
