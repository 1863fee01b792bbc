//! Tera templates, embedded in the binary so it runs from any directory.

use std::sync::LazyLock;

use tera::{Context, Tera};

use crate::error::AppError;

#[derive(rust_embed::Embed)]
#[folder = "templates/"]
struct TemplateFiles;

/// The enumerations the `label` filter knows.
const KNOWN: &[&str] = &[
    "role",
    "case_type",
    "stage",
    "case_status",
    "outcome",
    "workload_factor",
    "workload_source",
    "event_kind",
    "deadline_kind",
    "document_kind",
    "contact_role",
    "supervision_kind",
    "supervision_status",
    "called_off_by",
    "supervision_source",
    "question_kind",
    "age_band",
    "ethnic_group",
];

/// Parsed once per process: the templates are part of the binary, not of any one app instance.
static TEMPLATES: LazyLock<Result<Tera, String>> = LazyLock::new(load);

fn load() -> Result<Tera, String> {
    let mut tera = Tera::new();
    // `{{ case.type | label(of="case_type") }}`: the label of a stored value, never the
    // snake_case spelling; a template naming an unknown enumeration fails to render.
    tera.register_filter(
        "label",
        |value: &str, kwargs: tera::Kwargs, _: &tera::State| -> tera::TeraResult<String> {
            let of: &str = kwargs.must_get("of")?;
            if !KNOWN.contains(&of) {
                return Err(tera::Error::message(format!("no enumeration named {of}")));
            }
            Ok(crate::models::label_of(of, value)
                .unwrap_or(value)
                .to_owned())
        },
    );
    // `{{ member.team | default(value='—') }}`: the default stands in for a value that is
    // missing *or null* (an optional field the API sends as null). Tera's own filter keeps a
    // null, which renders as nothing; a blank cell reads as a fault, not as "none".
    tera.register_filter(
        "default",
        |value: tera::Value,
         kwargs: tera::Kwargs,
         _: &tera::State|
         -> tera::TeraResult<tera::Value> {
            let fallback: tera::Value = kwargs.must_get("value")?;
            Ok(if value.is_undefined() || value.is_none() {
                fallback
            } else {
                value
            })
        },
    );
    let mut files = Vec::new();
    for name in TemplateFiles::iter() {
        let file = TemplateFiles::get(&name).ok_or_else(|| format!("{name} vanished"))?;
        let text = String::from_utf8(file.data.into_owned())
            .map_err(|_| format!("{name} is not UTF-8"))?;
        files.push((name.into_owned(), text));
    }
    tera.add_raw_templates(files).map_err(|e| e.to_string())?;
    Ok(tera)
}

/// Fails with the parse error when a template is broken; checked at start-up and in tests.
pub fn check() -> Result<(), String> {
    TEMPLATES.as_ref().map(|_| ()).map_err(Clone::clone)
}

pub(crate) fn render(name: &str, context: &Context) -> Result<String, AppError> {
    let tera = TEMPLATES
        .as_ref()
        .map_err(|e| AppError::Internal(e.clone()))?;
    tera.render(name, context)
        .map_err(|e| AppError::Internal(format!("rendering {name}: {e}")))
}
