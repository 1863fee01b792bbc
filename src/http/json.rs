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
        // The media type itself, parameters (`; charset=utf-8`) aside: `application/jsonx` or
        // `application/json-seq` is not JSON.
        let is_json = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"));
        // A change that names no field changes nothing: one rule for every PATCH, so none
        // answers 200, audits a change or moves `updated_at` for an empty body.
        let patch = req.method() == actix_web::http::Method::PATCH;
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
            if patch && names_nothing(&bytes) {
                return Err(AppError::Unprocessable {
                    message: "nothing to change: send at least one field with a value".into(),
                    fields: Default::default(),
                }
                .into());
            }
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
    let mut value = Strict::deserialize(&mut deserializer)
        .map(|strict| strict.0)
        .map_err(|error| {
            let message = error.to_string();
            let message = message.split(" at line ").next().unwrap_or(&message);
            match message
                .strip_prefix(DUPLICATE)
                .and_then(|rest| rest.strip_suffix('`'))
            {
                Some(key) => AppError::bad_field(key, "is given more than once"),
                None => AppError::bad_field("body", plain(message)),
            }
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

/// Whether a body is the empty object `{}` (whitespace aside).
fn names_nothing(bytes: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(bytes)
        .is_ok_and(|fields| fields.is_empty())
}

const DUPLICATE: &str = "duplicate key `";

/// A JSON value read as `serde_json::Value` is, except that an object naming a key twice is
/// refused: `{"role": "delegate", "role": "admin"}` would otherwise mean whichever came last,
/// and a proxy or a log reading the first would see another request than the one served.
struct Strict(serde_json::Value);

impl<'de> serde::Deserialize<'de> for Strict {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> serde::de::Visitor<'de> for StrictVisitor {
    type Value = serde_json::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(serde_json::Value::Null, Into::into))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(items.into())
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut fields = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if fields.contains_key(&key) {
                return Err(serde::de::Error::custom(format!("{DUPLICATE}{key}`")));
            }
            let Strict(value) = map.next_value()?;
            fields.insert(key, value);
        }
        Ok(fields.into())
    }
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
