//! Submitted HTML forms: the fields as typed, the CSRF token, and typed parsing that skips
//! blank fields (an empty input means "not given").

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;

use crate::error::AppError;

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

    fn parse_fields<T: DeserializeOwned>(
        &self,
        keep: impl Fn(&str) -> bool,
    ) -> Result<T, AppError> {
        let given: Vec<(&str, &str)> = self
            .fields
            .iter()
            .filter(|(k, v)| keep(k) && !v.trim().is_empty())
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let encoded = serde_urlencoded::to_string(&given)
            .map_err(|e| AppError::bad_field("form", e.to_string()))?;
        let deserializer =
            serde_urlencoded::Deserializer::new(form_urlencoded::parse(encoded.as_bytes()));
        serde_path_to_error::deserialize(deserializer).map_err(|error| {
            let path = error.path().to_string();
            let message = error.into_inner().to_string();
            let field = match message.strip_prefix("missing field `") {
                Some(rest) => rest.trim_end_matches('`').to_owned(),
                None if path != "." => path,
                None => "form".to_owned(),
            };
            AppError::invalid(&field, message)
        })
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
