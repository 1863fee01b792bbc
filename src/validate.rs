//! Checks on values people type, each naming its field when it refuses.

use serde::{Deserialize, Deserializer};

use crate::error::AppError;

/// A required single-line text: trimmed, 1 to `max` characters, no control characters.
pub fn text(field: &str, value: &str, max: usize) -> Result<String, AppError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(AppError::invalid(field, "is required"));
    }
    if value.chars().count() > max {
        return Err(AppError::invalid(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(AppError::invalid(field, "must be a single line of text"));
    }
    Ok(value.to_owned())
}

/// An optional single-line text; blank is `None`.
pub fn optional_text(
    field: &str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>, AppError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => text(field, v, max).map(Some),
    }
}

pub const NAME_MAX: usize = 200;

/// A branch code: 2 to 10 letters or digits, stored upper-case (it prefixes case references).
pub fn branch_code(value: &str) -> Result<String, AppError> {
    let code = value.trim().to_uppercase();
    if !(2..=10).contains(&code.len()) || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(AppError::invalid(
            "code",
            "must be 2 to 10 letters or digits",
        ));
    }
    Ok(code)
}

/// A username: 3 to 100 of a-z, 0-9, `.`, `_`, `-`, `@`; stored lower-case.
pub fn username(value: &str) -> Result<String, AppError> {
    let name = value.trim().to_lowercase();
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@');
    if !(3..=100).contains(&name.len()) || !name.chars().all(allowed) {
        return Err(AppError::invalid(
            "username",
            "must be 3 to 100 letters, digits or . _ - @",
        ));
    }
    Ok(name)
}

/// A safe-caseload threshold: more than 0, at most 100 cases per FTE.
pub fn safe_caseload(field: &str, value: f64) -> Result<f64, AppError> {
    if value.is_finite() && value > 0.0 && value <= 100.0 {
        Ok(value)
    } else {
        Err(AppError::invalid(
            field,
            "must be a number above 0 and at most 100",
        ))
    }
}

/// For PATCH bodies: an absent field is `None`, `null` is `Some(None)`, a value `Some(Some(v))`.
pub fn double_option<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}
