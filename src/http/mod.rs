//! What the JSON API and the pages share between HTTP and the services: the signed-in caller
//! (`CurrentUser`) and its session check, the Origin check, audited 404s, request bodies and parameters read so that
//! errors name the field, list filters, and the error page.

pub mod client;
pub mod current_user;
pub mod filters;
pub mod form;
pub mod json;
pub mod observe;
pub mod origin;
pub mod page_error;
pub mod params;
pub mod refusals;
pub mod report_params;
pub mod session_check;
pub mod upload;

pub use current_user::{CurrentUser, SESSION_COOKIE};
pub use page_error::PageError;

/// A CSV file to download.
pub(crate) fn csv_download(name: &str, csv: Vec<u8>) -> actix_web::HttpResponse {
    use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
    actix_web::HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((
            CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .body(csv)
}

/// A document's file as a download: its type, an attachment with a cleaned name, not to be
/// sniffed or kept.
pub(crate) fn document_download(
    document: &crate::models::Document,
    bytes: Vec<u8>,
) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .insert_header((
            actix_web::http::header::CONTENT_TYPE,
            document.content_type.as_str(),
        ))
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            crate::casework::documents::disposition(&document.file_name),
        ))
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .insert_header(("Content-Security-Policy", "default-src 'none'; sandbox"))
        .body(bytes)
}
