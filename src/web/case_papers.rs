//! The case page's papers: adding several at once (a plain form, no script), downloading one,
//! removing one. What is allowed and audited is `casework::documents`'s.

use actix_multipart::Multipart;
use actix_web::{HttpResponse, get, post, web};

use super::page::{FormProblem, PageError, render_status, see_other};
use crate::casework::documents::{self, Addition};
use crate::error::AppError;
use crate::http::{CurrentUser, upload};
use crate::models::{CaseId, DocumentId, DocumentKind};
use crate::state::AppState;

/// A paper as the case page lists it.
#[derive(serde::Serialize)]
pub(super) struct PaperRow {
    #[serde(flatten)]
    document: crate::models::Document,
    /// "12 KB", "1.4 MB".
    size: String,
    /// Who added it and when.
    added: String,
}

impl PaperRow {
    pub(super) fn new(
        document: crate::models::Document,
        people: &std::collections::BTreeMap<i64, String>,
    ) -> Self {
        let bytes = document.size_bytes as f64;
        let size = if bytes < 1024.0 * 1024.0 {
            format!("{} KB", (bytes / 1024.0).ceil())
        } else {
            format!("{:.1} MB", bytes / (1024.0 * 1024.0))
        };
        let by = document
            .added_by
            .and_then(|u| people.get(&u.0).cloned())
            .unwrap_or_else(|| "caseload".into());
        let added = format!("{by}, {}", document.added_at.format("%-d %b %Y %H:%M"));
        Self {
            document,
            size,
            added,
        }
    }
}

#[post("/cases/{id}/documents")]
pub(crate) async fn add(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    payload: Multipart,
) -> Result<HttpResponse, PageError> {
    let id = CaseId(id.into_inner());
    let limit = documents::limit(&state).await?;
    let work = async {
        let uploaded = upload::read(payload, &["csrf_token", "kind", "title"], limit).await?;
        let csrf = uploaded
            .fields
            .get("csrf_token")
            .cloned()
            .unwrap_or_default();
        user.check_csrf(&state, &csrf)?;
        let kind = uploaded
            .fields
            .get("kind")
            .and_then(|k| k.parse::<DocumentKind>().ok())
            .ok_or_else(|| AppError::invalid("kind", "choose what kind of paper it is"))?;
        let addition = Addition {
            title: uploaded.fields.get("title").cloned(),
            kind,
            files: uploaded.files,
        };
        documents::add(&state, user.actor, id, addition).await
    };
    match work.await {
        Ok(_) => Ok(see_other(&format!("/cases/{id}?saved=1#papers"))),
        Err(error) => {
            let problem = FormProblem::from_error(error)?;
            let mut context = super::cases::detail_context(&state, &user, id).await?;
            problem.show(&mut context, &serde_json::Map::new());
            render_status("cases/show.html", &context, problem.status)
        }
    }
}

#[get("/cases/{id}/documents/{document}")]
pub(crate) async fn download(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, PageError> {
    let (case, document) = path.into_inner();
    let (document, bytes) =
        documents::read(&state, user.actor, CaseId(case), DocumentId(document)).await?;
    Ok(crate::http::document_download(&document, bytes))
}

#[post("/cases/{id}/documents/{document}/remove")]
pub(crate) async fn remove(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, i64)>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let form = super::cases::form(form);
    user.check_csrf(&state, form.csrf())?;
    let (case, document) = path.into_inner();
    documents::remove(&state, user.actor, CaseId(case), DocumentId(document)).await?;
    Ok(see_other(&format!("/cases/{case}?saved=1#papers")))
}
