//! Query-string parameters, read as text and parsed one by one so that an error names the
//! parameter.

use std::str::FromStr;

use crate::error::AppError;
use crate::paging::{DEFAULT_PER_PAGE, Paging};

/// Parses an optional parameter; blank is absent.
pub fn optional<T: FromStr>(field: &str, value: Option<&str>) -> Result<Option<T>, AppError>
where
    T::Err: std::fmt::Display,
{
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(text) => text
            .parse()
            .map(Some)
            .map_err(|e| AppError::bad_field(field, format!("{e}"))),
    }
}

/// A moment as RFC 3339 (`2026-12-02T14:05:00Z`, any offset), or a date (its midnight in
/// UTC), as UTC.
pub fn optional_moment(
    field: &str,
    value: Option<&str>,
) -> Result<Option<chrono::NaiveDateTime>, AppError> {
    let Some(text) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if let Ok(moment) = chrono::DateTime::parse_from_rfc3339(text) {
        return Ok(Some(moment.naive_utc()));
    }
    match text.parse::<chrono::NaiveDate>() {
        Ok(day) => Ok(day.and_hms_opt(0, 0, 0)),
        Err(_) => Err(AppError::bad_field(
            field,
            "must be a moment in RFC 3339 (2026-12-02T14:05:00Z) or a date (2026-12-02)",
        )),
    }
}

/// The `page` and `per_page` parameters.
pub(crate) fn paging(page: Option<&str>, per_page: Option<&str>) -> Result<Paging, AppError> {
    Paging::new(
        optional::<i64>("page", page)?.unwrap_or(1),
        optional::<i64>("per_page", per_page)?.unwrap_or(DEFAULT_PER_PAGE),
    )
}

/// Parses an optional record id: a whole number from 1.
pub fn optional_id<T: From<i64>>(field: &str, value: Option<&str>) -> Result<Option<T>, AppError> {
    match optional::<i64>(field, value)? {
        Some(id) if id < 1 => Err(AppError::bad_field(
            field,
            "must be an id (a whole number from 1)",
        )),
        id => Ok(id.map(T::from)),
    }
}
