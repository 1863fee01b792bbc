//! Case papers: files kept on a case, encrypted at rest (`vault.rs`). Who may add, list and
//! read them is who may work the case (officers of its branch, its region's organisers once it
//! is referred, administrators; never a delegate); removing one is the branch's (officers and
//! administrators). Every addition, read and removal is audited with the document's id, and
//! additions and removals are on the case's timeline.

use chrono::Utc;

use crate::access::Actor;
use crate::audit::{self, Action, Entity, Event};
use crate::error::AppError;
use crate::models::{CaseId, Document, DocumentId, DocumentKind, EventKind, NewDocument, Settings};
use crate::state::AppState;

/// The types taken, as read from a file's content: what a rep is sent or writes.
pub const ALLOWED: &[(&str, &str)] = &[
    ("application/pdf", "PDF"),
    ("application/msword", "Word 97–2003 document"),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word document",
    ),
    (
        "application/vnd.oasis.opendocument.text",
        "OpenDocument text",
    ),
    ("image/png", "PNG image"),
    ("image/jpeg", "JPEG image"),
    ("text/plain", "plain text"),
    ("message/rfc822", "email (.eml)"),
];

/// The most a file may be whatever the setting says (the setting's own upper bound).
pub const HARD_LIMIT_BYTES: usize = 100 * 1024 * 1024;

/// A file as uploaded.
#[derive(Debug, Clone)]
pub struct Upload {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// What is added: a title (the file's name when not given) and a kind for each file.
#[derive(Debug, Clone)]
pub struct Addition {
    pub title: Option<String>,
    pub kind: DocumentKind,
    pub files: Vec<Upload>,
}

/// The type of a file from its first bytes: a format with a signature (PDF, Office, images),
/// or text that is UTF-8 with no control characters but line breaks and tabs (an email if it
/// opens with header lines). `Err` names what was found.
pub fn content_type(bytes: &[u8]) -> Result<&'static str, String> {
    if let Some(found) = infer::get(bytes) {
        let mime = found.mime_type();
        return ALLOWED
            .iter()
            .map(|(m, _)| *m)
            .find(|m| *m == mime)
            .ok_or_else(|| format!("is {mime} ({}), which is not taken", found.extension()));
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err("is binary data of a type not taken".into());
    };
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err("is binary data of a type not taken".into());
    }
    if text.trim_start().starts_with("<") {
        // HTML, SVG or XML: a page a browser would run, not a paper.
        return Err("is markup (HTML, SVG or XML), which is not taken".into());
    }
    let headers = [
        "from:",
        "received:",
        "return-path:",
        "mime-version:",
        "message-id:",
        "date:",
        "subject:",
        "to:",
    ];
    let first = text.lines().next().unwrap_or_default().to_ascii_lowercase();
    if headers.iter().any(|h| first.starts_with(h)) {
        Ok("message/rfc822")
    } else {
        Ok("text/plain")
    }
}

/// The name kept: the last part of what the browser sent (some send a whole path), checked as
/// a name is.
fn file_name(given: &str) -> Result<String, AppError> {
    let last = given.rsplit(['/', '\\']).next().unwrap_or_default();
    crate::validate::text("file", last, 255)
}

/// The largest file taken now, in bytes (the `document_max_mb` setting).
pub(crate) async fn limit(state: &AppState) -> Result<usize, AppError> {
    let mb = state
        .db
        .run(|conn| Ok(Settings::load(conn)?.document_max_mb))
        .await?;
    Ok((usize::try_from(mb).unwrap_or(1) * 1024 * 1024).min(HARD_LIMIT_BYTES))
}

/// Adds the files to the case, all or none.
pub(crate) async fn add(
    state: &AppState,
    actor: Actor,
    case: CaseId,
    addition: Addition,
) -> Result<Vec<Document>, AppError> {
    if addition.files.is_empty() {
        return Err(AppError::invalid("file", "choose a file to add"));
    }
    let most = limit(state).await?;
    let mut checked = Vec::new();
    for upload in addition.files {
        if upload.bytes.is_empty() {
            return Err(AppError::invalid("file", "the file is empty"));
        }
        if upload.bytes.len() > most {
            return Err(AppError::too_large(
                "file",
                format!("is larger than the limit of {} MB", most / (1024 * 1024)),
            ));
        }
        let content_type = content_type(&upload.bytes).map_err(|why| {
            let names: Vec<&str> = ALLOWED.iter().map(|(_, name)| *name).collect();
            AppError::unsupported("file", format!("{why}; taken: {}", names.join(", ")))
        })?;
        let name = file_name(&upload.file_name)?;
        let title = match addition.title.as_deref().map(str::trim) {
            Some(title) if !title.is_empty() => crate::validate::text("title", title, 200)?,
            _ => crate::validate::text("title", &name, 200)?,
        };
        checked.push((title, name, content_type, upload.bytes));
    }
    let vault = state.vault.clone();
    state
        .db
        .write(move |conn| {
            let case = actor.writable_case(conn, case)?;
            let mut added = Vec::new();
            for (title, name, content_type, bytes) in checked {
                let document = Document::create(
                    conn,
                    &NewDocument {
                        case_id: case.id,
                        title,
                        kind: addition.kind,
                        file_name: name,
                        content_type: content_type.into(),
                        size_bytes: bytes.len() as i64,
                        key_fingerprint: vault.current().into(),
                        nonce: Vec::new(),
                        added_by: Some(actor.id),
                        added_at: Utc::now().naive_utc(),
                    },
                )?;
                let sealed = vault.seal(document.id.0, &bytes);
                Document::store(conn, document.id, &sealed)?;
                super::timeline::system_entry(
                    conn,
                    case.id,
                    actor.id,
                    EventKind::Note,
                    format!(
                        "Document added: {} ({})",
                        document.title,
                        document.kind.label()
                    ),
                    Utc::now().date_naive(),
                )?;
                audit::record(
                    conn,
                    Event::new(actor.id, Action::Create, Entity::Document)
                        .id(document.id.0)
                        .shows(Entity::Case, [case.id.0])
                        .detail(format!(
                            "kind={} bytes={}",
                            document.kind, document.size_bytes
                        )),
                )?;
                added.push(Document {
                    key_fingerprint: sealed.fingerprint,
                    nonce: sealed.nonce,
                    ..document
                });
            }
            Ok(added)
        })
        .await
}

/// The case's documents, newest first, audited as a list.
pub(crate) async fn list(
    state: &AppState,
    actor: Actor,
    case: CaseId,
) -> Result<Vec<Document>, AppError> {
    state
        .read_audited(move |conn, audit| {
            let case = actor.writable_case(conn, case)?;
            let documents = Document::of_cases(conn, &[case.id])?;
            if let Some(event) =
                audit::listed(actor.id, Entity::Document, documents.iter().map(|d| d.id.0))
            {
                audit.read(event);
            }
            Ok(documents)
        })
        .await
}

/// One document and its file, decrypted; audited as a read.
pub(crate) async fn read(
    state: &AppState,
    actor: Actor,
    case: CaseId,
    id: DocumentId,
) -> Result<(Document, Vec<u8>), AppError> {
    let vault = state.vault.clone();
    state
        .read_audited(move |conn, audit| {
            let case = actor.writable_case(conn, case)?;
            let document = Document::of_case(conn, case.id, id)?.ok_or(AppError::NotFound)?;
            let sealed = document.sealed(conn)?;
            let bytes = vault.open(document.id.0, &sealed).map_err(|e| {
                AppError::Internal(format!("documents key problem: document {id}: {e}"))
            })?;
            audit.read(
                Event::new(actor.id, Action::Read, Entity::Document)
                    .id(document.id.0)
                    .shows(Entity::Case, [case.id.0]),
            );
            Ok((document, bytes))
        })
        .await
}

/// Removes a document (the branch's: officers and administrators), on the timeline.
pub(crate) async fn remove(
    state: &AppState,
    actor: Actor,
    case: CaseId,
    id: DocumentId,
) -> Result<(), AppError> {
    state
        .db
        .write(move |conn| {
            let case = actor.writable_case(conn, case)?;
            actor.member_writer()?;
            let document = Document::of_case(conn, case.id, id)?.ok_or(AppError::NotFound)?;
            Document::delete(conn, &[document.id])?;
            super::timeline::system_entry(
                conn,
                case.id,
                actor.id,
                EventKind::Note,
                format!("Document removed: {}", document.title),
                Utc::now().date_naive(),
            )?;
            audit::record(
                conn,
                Event::new(actor.id, Action::Delete, Entity::Document)
                    .id(document.id.0)
                    .shows(Entity::Case, [case.id.0]),
            )
        })
        .await
}

/// Refuses to start when documents are sealed under a key that is not loaded, naming it: the
/// one mistake that would otherwise show only when someone opens a paper.
pub fn check_keys(
    conn: &mut crate::db::DbConn,
    vault: &crate::vault::Keyring,
) -> Result<(), String> {
    let missing: Vec<String> = Document::keys_in_use(conn)
        .map_err(|e| format!("reading the documents' keys: {e}"))?
        .into_iter()
        .filter(|(fingerprint, _)| !vault.has(fingerprint))
        .map(|(fingerprint, count)| format!("{count} under key {fingerprint}"))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(format!(
        "documents are sealed under a key that is not loaded ({}); the loaded key is {}. Set \
         CASELOAD_DOCUMENTS_KEY or CASELOAD_DOCUMENTS_KEY_FILE to the key they were sealed \
         under (or, while changing keys, CASELOAD_DOCUMENTS_PREVIOUS_KEY_FILE)",
        missing.join(", "),
        vault.current()
    ))
}

/// Re-seals up to `batch` documents not under the current key; how many it did. Each
/// document is its own transaction, so an interrupted run loses nothing and the next one goes
/// on from where it stopped.
pub fn rekey_batch(
    db: &crate::db::Database,
    vault: &crate::vault::Keyring,
    batch: i64,
) -> Result<usize, AppError> {
    let mut conn = db.get()?;
    let due = Document::not_under(&mut conn, vault.current(), batch)?;
    for document in &due {
        db.write_with(&mut conn, |conn| {
            let sealed = document.sealed(conn)?;
            let plain = vault.open(document.id.0, &sealed).map_err(|e| {
                AppError::Internal(format!(
                    "documents key problem: document {}: {e}",
                    document.id
                ))
            })?;
            Document::store(conn, document.id, &vault.seal(document.id.0, &plain))?;
            Ok::<_, AppError>(())
        })?;
    }
    Ok(due.len())
}

/// A file name safe in a `Content-Disposition` header: an ASCII fallback with anything but
/// letters, digits, `.`, `-`, `_` and spaces replaced, and the name itself percent-encoded
/// (RFC 6266, RFC 5987).
pub fn disposition(name: &str) -> String {
    let fallback: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded = percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC);
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_content_not_the_name() {
        assert_eq!(content_type(b"%PDF-1.7\n1 0 obj"), Ok("application/pdf"));
        assert_eq!(
            content_type(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Ok("image/png")
        );
        assert_eq!(
            content_type(b"Dear Ms Okafor,\nYou are invited"),
            Ok("text/plain")
        );
        assert_eq!(
            content_type(b"From: hr@council.example\r\nSubject: Hearing\r\n\r\nBody"),
            Ok("message/rfc822")
        );
        assert!(
            content_type(b"MZ\x90\0\x03\0\0\0\x04\0\0\0").is_err(),
            "an executable"
        );
        assert!(
            content_type(b"\x7fELF\x02\x01\x01\0").is_err(),
            "an executable"
        );
        assert!(content_type(b"<html><script>alert(1)</script>").is_err());
        assert!(content_type(b"\0\x01\x02binary").is_err());
    }

    #[test]
    fn download_names_cannot_break_the_header() {
        let header = disposition("fit note \"final\";\r\nX-Evil: 1.pdf");
        assert!(!header.contains('\r') && !header.contains('\n'));
        assert!(header.starts_with("attachment; filename=\"fit note _final____X-Evil_ 1.pdf\""));
        assert!(header.contains("filename*=UTF-8''fit%20note%20%22final%22"));
    }
}
