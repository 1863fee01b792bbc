//! `JsonBody<T>`: a JSON request body whose errors name the field at fault.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::{FromRequest, HttpRequest, web};
use serde::de::DeserializeOwned;

use crate::error::AppError;

pub struct JsonBody<T>(pub T);

impl<T> JsonBody<T> {
    pub(crate) fn into_inner(self) -> T {
        self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_json = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        let bytes = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !is_json {
                return Err(AppError::bad_field(
                    "content-type",
                    "send the body as application/json",
                )
                .into());
            }
            let bytes = bytes.await.map_err(|e| payload_error(&e))?;
            from_body(&bytes).map(JsonBody).map_err(Into::into)
        })
    }
}

fn payload_error(error: &actix_web::Error) -> AppError {
    if error.as_response_error().status_code() == actix_web::http::StatusCode::PAYLOAD_TOO_LARGE {
        AppError::PayloadTooLarge
    } else {
        AppError::bad_field("body", "the body could not be read")
    }
}

/// Parses JSON, naming the field in any error: a wrong type by its path, a missing field by
/// its name.
pub fn from_body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        let message = inner.to_string();
        let message = plain(message.split(" at line ").next().unwrap_or(&message));
        let field = if let Some(missing) = message.strip_prefix("missing field `") {
            missing.trim_end_matches('`').to_owned()
        } else if path == "." || path.is_empty() {
            "body".to_owned()
        } else {
            path
        };
        AppError::bad_field(&field, message)
    })?;
    // One JSON value and nothing after it: `{"done":false}{"done":true}` is not one body.
    deserializer
        .end()
        .map_err(|_| AppError::bad_field("body", "unexpected data after the JSON value"))?;
    Ok(value)
}

/// A deserialiser's message in the client's terms: the names of our Rust types and their
/// sizes (`expected struct MemberInput with 14 elements`, `expected i64`) stay in the code.
pub(crate) fn plain(message: &str) -> String {
    let Some((head, expected)) = message.split_once("expected ") else {
        return message.to_owned();
    };
    let wanted = if expected.starts_with("struct ") || expected.starts_with("map") {
        "an object"
    } else if expected.starts_with("enum ") {
        "one of the allowed values"
    } else if expected.starts_with("a sequence") || expected.starts_with("tuple") {
        "a list"
    } else if [
        "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "usize", "isize",
    ]
    .iter()
    .any(|t| expected.split([' ', ',']).next() == Some(t))
    {
        "a whole number"
    } else if expected.starts_with("f32") || expected.starts_with("f64") {
        "a number"
    } else {
        return message.to_owned();
    };
    format!("{head}expected {wanted}")
}
