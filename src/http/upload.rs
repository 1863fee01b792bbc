//! Reading a `multipart/form-data` upload of case papers, for the API and the case page alike:
//! the small fields named, each once and small; any number of `file` parts up to
//! [`MAX_FILES`], each at most `limit` bytes (413 naming the limit as soon as one is over,
//! before the rest is read).

use std::collections::BTreeMap;

use actix_multipart::Multipart;
use futures_util::StreamExt;

use crate::casework::documents::Upload;
use crate::error::AppError;

/// Files taken in one upload.
pub const MAX_FILES: usize = 10;
const SMALL_FIELD_BYTES: usize = 4 * 1024;

/// What an upload carried: its small fields by name, and its files.
#[derive(Debug, Default)]
pub struct Uploaded {
    pub fields: BTreeMap<String, String>,
    pub files: Vec<Upload>,
}

pub async fn read(
    mut payload: Multipart,
    small_fields: &[&str],
    limit: usize,
) -> Result<Uploaded, AppError> {
    let mut uploaded = Uploaded::default();
    while let Some(field) = payload.next().await {
        let mut field = field.map_err(|e| AppError::bad_field("file", e.to_string()))?;
        let name = field.name().unwrap_or_default().to_owned();
        let is_file = name == "file";
        if !is_file && !small_fields.contains(&name.as_str()) {
            return Err(AppError::bad_field(
                &name.chars().take(40).collect::<String>(),
                "is not a field of this form",
            ));
        }
        if !is_file && uploaded.fields.contains_key(&name) {
            return Err(AppError::bad_field(&name, "is given more than once"));
        }
        if is_file && uploaded.files.len() == MAX_FILES {
            return Err(AppError::too_large(
                "file",
                format!("at most {MAX_FILES} files at once"),
            ));
        }
        let file_name = field
            .content_disposition()
            .and_then(|d| d.get_filename())
            .unwrap_or_default()
            .to_owned();
        let most = if is_file { limit } else { SMALL_FIELD_BYTES };
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|e| AppError::bad_field(&name, e.to_string()))?;
            if bytes.len() + chunk.len() > most {
                return Err(if is_file {
                    AppError::too_large(
                        "file",
                        format!("is larger than the limit of {} MB", limit / (1024 * 1024)),
                    )
                } else {
                    AppError::bad_field(&name, "is too long")
                });
            }
            bytes.extend_from_slice(&chunk);
        }
        if is_file {
            // A form with no file chosen sends an empty part with no name.
            if !(bytes.is_empty() && file_name.is_empty()) {
                uploaded.files.push(Upload { file_name, bytes });
            }
        } else {
            let text = String::from_utf8(bytes)
                .map_err(|_| AppError::bad_field(&name, "is not UTF-8 text"))?;
            uploaded.fields.insert(name, text);
        }
    }
    Ok(uploaded)
}
