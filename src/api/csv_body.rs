//! The body of a CSV import: refused (400 naming `content-type`, as a JSON body of another type
//! is) unless its `Content-Type` says CSV or a file, so that a
//! browser form (which can only send form, multipart or plain-text bodies) can never be read as
//! an import, whatever else goes wrong.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::web::Bytes;
use actix_web::{FromRequest, HttpRequest};

use crate::casework::import::IMPORT_LIMIT_BYTES;
use crate::error::AppError;

/// Media types taken as a CSV file: its own, and the generic file type that generated clients
/// send for a file upload. None of them is one a browser form can send.
const CSV_TYPES: &[&str] = &["text/csv", "application/csv", "application/octet-stream"];

pub struct CsvBody(pub Bytes);

// Described as a string of bytes: a `Vec<u8>` would be described as an array of integers.
/// A CSV file, UTF-8, header row first.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct CsvFile(#[allow(dead_code)] Vec<u8>);

fn is_csv(req: &HttpRequest) -> bool {
    req.headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| {
            CSV_TYPES
                .iter()
                .any(|t| essence.trim().eq_ignore_ascii_case(t))
        })
}

impl FromRequest for CsvBody {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        if !is_csv(req) {
            return Box::pin(async {
                Err(AppError::bad_field(
                    "content-type",
                    "the body must be a CSV file sent as text/csv or application/octet-stream",
                )
                .into())
            });
        }
        // Its own limit, larger than a JSON body's: a branch's whole membership in one file.
        let mut stream = payload.take();
        Box::pin(async move {
            use futures_util::StreamExt as _;
            let mut body = actix_web::web::BytesMut::new();
            while let Some(chunk) = stream.next().await {
                let chunk =
                    chunk.map_err(|_| AppError::bad_field("body", "the file could not be read"))?;
                if body.len() + chunk.len() > IMPORT_LIMIT_BYTES {
                    return Err(AppError::PayloadTooLarge.into());
                }
                body.extend_from_slice(&chunk);
            }
            Ok(CsvBody(body.freeze()))
        })
    }
}
