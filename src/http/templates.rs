//! Tera templates, embedded in the binary so it runs from any directory.

use std::sync::LazyLock;

use tera::{Context, Tera};

use crate::error::AppError;

#[derive(rust_embed::Embed)]
#[folder = "templates/"]
struct TemplateFiles;

/// Parsed once per process: the templates are part of the binary, not of any one app instance.
static TEMPLATES: LazyLock<Result<Tera, String>> = LazyLock::new(load);

fn load() -> Result<Tera, String> {
    let mut tera = Tera::new();
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
