//! Moments are stored as UTC without a zone (both backends alike) and written in the API as
//! RFC 3339 with the zone and whole seconds (`2026-12-02T14:05:00Z`), the `date-time` format the
//! OpenAPI document promises.

use chrono::NaiveDateTime;
use serde::Serializer;

fn text(moment: &NaiveDateTime) -> String {
    moment.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// `#[serde(serialize_with = "crate::timestamps::utc")]`
pub fn utc<S: Serializer>(moment: &NaiveDateTime, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&text(moment))
}

/// The same for an optional moment.
pub fn utc_opt<S: Serializer>(
    moment: &Option<NaiveDateTime>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match moment {
        Some(moment) => serializer.serialize_str(&text(moment)),
        None => serializer.serialize_none(),
    }
}
