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
/// its name. A number with no fraction is a whole number wherever one is expected (`69.0` is
/// 69, as JSON Schema's `integer` says).
pub fn from_body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    use serde::Deserialize as _;
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let mut value = serde_json::Value::deserialize(&mut deserializer).map_err(|error| {
        let message = error.to_string();
        AppError::bad_field(
            "body",
            plain(message.split(" at line ").next().unwrap_or(&message)),
        )
    })?;
    // One JSON value and nothing after it: `{"done":false}{"done":true}` is not one body.
    deserializer
        .end()
        .map_err(|_| AppError::bad_field("body", "unexpected data after the JSON value"))?;
    whole_numbers(&mut value);
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        let message = error.into_inner().to_string();
        let message = plain(&message);
        let field = if let Some(missing) = message.strip_prefix("missing field `") {
            missing.trim_end_matches('`').to_owned()
        } else if path == "." || path.is_empty() {
            "body".to_owned()
        } else {
            path
        };
        AppError::bad_field(&field, message)
    })
}

/// Writes every number without a fraction (within the exactly representable range) as an
/// integer, so that a field of whole numbers takes `69.0`; a field of decimals takes either.
fn whole_numbers(value: &mut serde_json::Value) {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    match value {
        serde_json::Value::Number(n) if n.is_f64() => {
            if let Some(x) = n.as_f64()
                && x.fract() == 0.0
                && x.abs() <= EXACT
            {
                *value = serde_json::Value::from(x as i64);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(whole_numbers),
        serde_json::Value::Object(fields) => fields.values_mut().for_each(whole_numbers),
        _ => {}
    }
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
