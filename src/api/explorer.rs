//! `/api/openapi.json` (the document, no sign-in: it holds no data) and `/api/docs`, the Swagger
//! UI explorer bundled into the binary: no CDN, nothing fetched at build or run time.

use std::sync::Arc;

use actix_web::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, LOCATION};
use actix_web::{HttpResponse, web};

use super::doc;
use crate::error::AppError;

/// The explorer's policy: as strict as every other page's but for inline style attributes,
/// which Swagger UI's components set; scripts still come only from this origin.
const DOCS_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' \
     'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

pub(crate) async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "application/json"))
        .body(doc::document_json())
}

/// `/api/docs` → `/api/docs/`, where the explorer's relative links resolve.
pub(crate) async fn to_docs() -> HttpResponse {
    HttpResponse::MovedPermanently()
        .insert_header((LOCATION, "/api/docs/"))
        .finish()
}

pub(crate) async fn docs(tail: web::Path<String>) -> Result<HttpResponse, AppError> {
    // No validator badge: it would ask a server elsewhere about the document.
    let config =
        Arc::new(utoipa_swagger_ui::Config::new(["/api/openapi.json"]).validator_url("none"));
    let file = utoipa_swagger_ui::serve(&tail, config)
        .map_err(|e| AppError::Internal(format!("the API explorer: {e}")))?
        .ok_or(AppError::NotFound)?;
    let mut answer = HttpResponse::Ok();
    answer
        .insert_header((CONTENT_TYPE, file.content_type))
        .insert_header((CONTENT_SECURITY_POLICY, DOCS_POLICY))
        .insert_header((CACHE_CONTROL, "public, max-age=3600"));
    if file.gzpipped {
        answer.insert_header((actix_web::http::header::CONTENT_ENCODING, "gzip"));
    }
    Ok(answer.body(file.bytes.into_owned()))
}
