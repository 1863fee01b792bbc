//! Static files (CSS, scripts, images), embedded in the binary. Nothing is fetched from a CDN.

use actix_web::http::header::{self, ContentType};
use actix_web::{HttpResponse, get, web};

use super::page::PageError;
use crate::error::AppError;

#[derive(rust_embed::Embed)]
#[folder = "static/"]
struct StaticFiles;

#[get("/static/{path:.*}")]
pub(crate) async fn static_file(path: web::Path<String>) -> Result<HttpResponse, PageError> {
    let path = path.into_inner();
    let file = StaticFiles::get(&path).ok_or(AppError::NotFound)?;
    let mime = mime_guess::from_path(&path).first_or_octet_stream();
    Ok(HttpResponse::Ok()
        .content_type(ContentType(mime))
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .insert_header((
            header::ETAG,
            format!(
                "\"{}\"",
                crate::text::hex(&file.metadata.sha256_hash()[..8])
            ),
        ))
        .body(file.data.into_owned()))
}
