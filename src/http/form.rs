//! Submitted HTML forms: the fields as typed, the CSRF token, and typed parsing that skips
//! blank fields (an empty input means "not given").

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;

use crate::error::{AppError, FieldErrors};

pub const CSRF_FIELD: &str = "csrf_token";

#[derive(Debug, Clone, Default)]
pub struct FormData {
    fields: Vec<(String, String)>,
}

impl FormData {
    pub fn new(fields: Vec<(String, String)>) -> Self {
        Self { fields }
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A checkbox sends its field only when ticked; this makes it `true` or `false`.
    pub(crate) fn with_checkbox(mut self, name: &str) -> Self {
        let ticked = self.fields.iter().any(|(k, _)| k == name);
        self.fields.retain(|(k, _)| k != name);
        self.fields.push((name.to_owned(), ticked.to_string()));
        self
    }

    pub(crate) fn csrf(&self) -> &str {
        self.get(CSRF_FIELD).unwrap_or_default()
    }

    /// The fields as typed, to fill the form again after a refusal (never the password).
    pub(crate) fn values(&self) -> BTreeMap<String, String> {
        self.fields
            .iter()
            .filter(|(k, _)| k != CSRF_FIELD && !k.contains("password"))
            .cloned()
            .collect()
    }

    /// Parses the non-blank fields (all but the CSRF token) into `T`.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, AppError> {
        self.parse_fields(|k| k != CSRF_FIELD)
    }

    /// Parses only the named non-blank fields into `T` (a page with several forms).
    pub(crate) fn parse_only<T: DeserializeOwned>(&self, names: &[&str]) -> Result<T, AppError> {
        self.parse_fields(|k| names.contains(&k))
    }

    /// Reads the kept non-blank fields into `T`. Every field that cannot be read is named, at
    /// once and in plain words ("31/02/2026 is not a date"): a field at fault is set aside and
    /// the rest read again, until what is left reads or only missing fields remain.
    fn parse_fields<T: DeserializeOwned>(
        &self,
        keep: impl Fn(&str) -> bool,
    ) -> Result<T, AppError> {
        let mut given: Vec<(&str, &str)> = self
            .fields
            .iter()
            .filter(|(k, v)| keep(k) && !v.trim().is_empty())
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let mut problems = FieldErrors::new();
        loop {
            let encoded = serde_urlencoded::to_string(&given)
                .map_err(|_| AppError::bad_field("form", "the form could not be read"))?;
            let deserializer =
                serde_urlencoded::Deserializer::new(form_urlencoded::parse(encoded.as_bytes()));
            let error = match serde_path_to_error::deserialize::<_, T>(deserializer) {
                Ok(value) if problems.is_empty() => return Ok(value),
                Ok(_) => break,
                Err(error) => error,
            };
            let path = error.path().to_string();
            let message = error.into_inner().to_string();
            if let Some(missing) = message.strip_prefix("missing field `") {
                let field = missing.trim_end_matches('`');
                problems
                    .entry(field.to_owned())
                    .or_insert_with(|| "is required".to_owned());
                break;
            }
            let field = if path == "." { "form" } else { path.as_str() };
            let value = given
                .iter()
                .find(|(k, _)| *k == field)
                .map(|(_, v)| v.trim().to_owned());
            problems.insert(field.to_owned(), plain_problem(&message, value.as_deref()));
            let before = given.len();
            given.retain(|(k, _)| *k != field);
            if given.len() == before {
                break;
            }
        }
        Err(AppError::unprocessable(problems))
    }
}

/// A value that could not be read, in the words a person would use.
fn plain_problem(message: &str, value: Option<&str>) -> String {
    let value = value.unwrap_or("this");
    let is = |needles: &[&str]| needles.iter().any(|n| message.contains(n));
    if is(&[
        "invalid characters",
        "premature end",
        "out of range",
        "trailing input",
        "not enough",
        "no possible date",
        "impossible",
    ]) {
        format!("{value} is not a date (or time) that exists; use the picker or YYYY-MM-DD")
    } else if is(&["invalid digit", "integer", "too large", "too small"]) {
        format!("{value} is not a whole number")
    } else if is(&["float"]) {
        format!("{value} is not a number")
    } else if is(&["unknown variant"]) {
        format!("{value} is not one of the choices")
    } else if is(&["`true` or `false`"]) {
        "choose yes or no".to_owned()
    } else if is(&["unknown field"]) {
        "is not part of this form".to_owned()
    } else {
        format!("{value} is not valid here")
    }
}

impl FormData {
    /// Every value sent under `name` (ticked checkboxes of one group).
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.fields
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}
