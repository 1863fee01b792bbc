//! A case's papers: upload (multipart), list, download, remove. The files are encrypted at
//! rest; see `casework::documents` for who may do what.

use actix_multipart::Multipart;
use actix_web::{HttpResponse, delete, get, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::casework::documents::{self, Addition};
use crate::error::{AppError, ErrorBody};
use crate::http::CurrentUser;
use crate::http::upload;
use crate::models::{CaseId, Document, DocumentId, DocumentKind};
use crate::paging::ListPage;
use crate::state::AppState;

pub(crate) fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(add)
        .service(download)
        .service(remove);
}

/// The upload form: a kind, a title (each file's name when left out) and one or more files.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct DocumentUpload {
    kind: DocumentKind,
    /// At most 200 characters; the file's name when left out.
    title: Option<String>,
    /// One to ten files: PDF, Word or OpenDocument text, PNG or JPEG, plain text or an email
    /// (`.eml`), each within the size limit (`document_max_mb`, 10 MB by default).
    #[schema(value_type = Vec<String>, format = Binary)]
    file: Vec<Vec<u8>>,
}

/// Adds papers to a case. Their type is read from their content, not their name.
#[utoipa::path(
    tag = "documents",
    request_body(content = DocumentUpload, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Added, newest first", body = ListPage<Document>),
        (status = 403, description = "In sight but not the caller's to work", body = ErrorBody),
        (status = 404, description = "No such case in the caller's scope", body = ErrorBody),
        (status = 413, description = "A file is over the limit, which the message names", body = ErrorBody),
        (status = 415, description = "A file's type is not taken; the message names what it is", body = ErrorBody),
        (status = 422, description = "A field is invalid; `fields` names each", body = ErrorBody),
    ),
)]
#[post("/cases/{id}/documents")]
async fn add(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    let limit = documents::limit(&state).await?;
    let uploaded = upload::read(payload, &["kind", "title"], limit).await?;
    let kind = match uploaded
        .fields
        .get("kind")
        .map(|k| k.parse::<DocumentKind>())
    {
        Some(Ok(kind)) => kind,
        _ => {
            return Err(AppError::invalid(
                "kind",
                "choose letter, report, medical, evidence, submission or other",
            ));
        }
    };
    let addition = Addition {
        title: uploaded.fields.get("title").cloned(),
        kind,
        files: uploaded.files,
    };
    let added = documents::add(&state, user.actor, CaseId(id.into_inner()), addition).await?;
    Ok(HttpResponse::Created().json(ListPage::whole(added)))
}

/// A case's papers, newest first (the facts about them; each file is its own download).
#[utoipa::path(
    tag = "documents",
    responses(
        (status = 200, description = "The documents, as one page", body = ListPage<Document>),
        (status = 403, description = "Not the caller's to work (delegates; organisers before a referral)", body = ErrorBody),
        (status = 404, description = "No such case in the caller's scope", body = ErrorBody),
    ),
)]
#[get("/cases/{id}/documents")]
async fn list(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let items = documents::list(&state, user.actor, CaseId(id.into_inner())).await?;
    Ok(HttpResponse::Ok().json(ListPage::whole(items)))
}

// Described as a string of bytes: a `Vec<u8>` would be described as an array of integers.
/// A case paper's bytes, exactly as they were added.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct PaperFile(#[allow(dead_code)] Vec<u8>);

/// The file, as it was added: always a download, never shown in the browser.
#[utoipa::path(
    tag = "documents",
    responses(
        (status = 200, description = "The file, with the type read from its content when it was added (one of the types taken)", content(
            (PaperFile = "application/pdf"),
            (PaperFile = "application/msword"),
            (PaperFile = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            (PaperFile = "application/vnd.oasis.opendocument.text"),
            (PaperFile = "image/png"),
            (PaperFile = "image/jpeg"),
            (PaperFile = "text/plain"),
            (PaperFile = "message/rfc822"),
        )),
        (status = 403, description = "Not the caller's to work", body = ErrorBody),
        (status = 404, description = "No such document on a case in the caller's scope", body = ErrorBody),
    ),
)]
#[get("/cases/{id}/documents/{document}")]
async fn download(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (case, document) = path.into_inner();
    let (document, bytes) =
        documents::read(&state, user.actor, CaseId(case), DocumentId(document)).await?;
    Ok(crate::http::document_download(&document, bytes))
}

/// Removes a paper (officers of the case's branch and administrators); the timeline says so.
#[utoipa::path(
    tag = "documents",
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Not the caller's to remove", body = ErrorBody),
        (status = 404, description = "No such document on a case in the caller's scope", body = ErrorBody),
    ),
)]
#[delete("/cases/{id}/documents/{document}")]
async fn remove(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (case, document) = path.into_inner();
    documents::remove(&state, user.actor, CaseId(case), DocumentId(document)).await?;
    Ok(HttpResponse::NoContent().finish())
}
