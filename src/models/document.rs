use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::enums::DocumentKind;
use super::ids::{CaseId, DocumentId, UserId};
use crate::db::DbConn;
use crate::db::schema::{document_contents, documents};
use crate::vault::Sealed;

/// A case paper: the facts about it. Its file is apart, encrypted (`document_contents`).
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = documents)]
pub struct Document {
    pub id: DocumentId,
    pub case_id: CaseId,
    pub title: String,
    pub kind: DocumentKind,
    /// The name the file had when it was added.
    pub file_name: String,
    /// Its type, read from its content.
    pub content_type: String,
    pub size_bytes: i64,
    #[serde(skip)]
    pub key_fingerprint: String,
    #[serde(skip)]
    pub nonce: Vec<u8>,
    pub added_by: Option<UserId>,
    #[serde(serialize_with = "crate::timestamps::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub added_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = documents)]
pub struct NewDocument {
    pub case_id: CaseId,
    pub title: String,
    pub kind: DocumentKind,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub key_fingerprint: String,
    pub nonce: Vec<u8>,
    pub added_by: Option<UserId>,
    pub added_at: NaiveDateTime,
}

impl Document {
    /// Inserts the facts (the nonce and fingerprint are filled when sealed) and returns the row.
    pub(crate) fn create(conn: &mut DbConn, new: &NewDocument) -> QueryResult<Document> {
        diesel::insert_into(documents::table)
            .values(new)
            .returning(documents::all_columns)
            .get_result(conn)
    }

    /// Stores a sealed file for the document (its key, nonce and ciphertext), replacing any.
    pub(crate) fn store(conn: &mut DbConn, id: DocumentId, sealed: &Sealed) -> QueryResult<()> {
        diesel::update(documents::table.find(id))
            .set((
                documents::key_fingerprint.eq(&sealed.fingerprint),
                documents::nonce.eq(&sealed.nonce),
            ))
            .execute(conn)?;
        diesel::delete(document_contents::table.find(id)).execute(conn)?;
        diesel::insert_into(document_contents::table)
            .values((
                document_contents::document_id.eq(id),
                document_contents::ciphertext.eq(&sealed.ciphertext),
            ))
            .execute(conn)?;
        Ok(())
    }

    /// The documents of these cases, newest first.
    pub(crate) fn of_cases(conn: &mut DbConn, cases: &[CaseId]) -> QueryResult<Vec<Document>> {
        documents::table
            .filter(documents::case_id.eq_any(cases))
            .order((documents::added_at.desc(), documents::id.desc()))
            .select(Document::as_select())
            .load(conn)
    }

    /// The document `id` if it belongs to `case`.
    pub(crate) fn of_case(
        conn: &mut DbConn,
        case: CaseId,
        id: DocumentId,
    ) -> QueryResult<Option<Document>> {
        documents::table
            .find(id)
            .filter(documents::case_id.eq(case))
            .select(Document::as_select())
            .first(conn)
            .optional()
    }

    /// The sealed file of the document.
    pub(crate) fn sealed(&self, conn: &mut DbConn) -> QueryResult<Sealed> {
        let ciphertext = document_contents::table
            .find(self.id)
            .select(document_contents::ciphertext)
            .first(conn)?;
        Ok(Sealed {
            fingerprint: self.key_fingerprint.clone(),
            nonce: self.nonce.clone(),
            ciphertext,
        })
    }

    /// Deletes documents and their files.
    pub(crate) fn delete(conn: &mut DbConn, ids: &[DocumentId]) -> QueryResult<usize> {
        diesel::delete(document_contents::table.filter(document_contents::document_id.eq_any(ids)))
            .execute(conn)?;
        diesel::delete(documents::table.filter(documents::id.eq_any(ids))).execute(conn)
    }

    /// The key fingerprints documents are sealed under, and how many under each.
    pub fn keys_in_use(conn: &mut DbConn) -> QueryResult<Vec<(String, i64)>> {
        documents::table
            .group_by(documents::key_fingerprint)
            .select((documents::key_fingerprint, diesel::dsl::count_star()))
            .load(conn)
    }

    /// Up to `limit` documents not sealed under `fingerprint`.
    pub fn not_under(
        conn: &mut DbConn,
        fingerprint: &str,
        limit: i64,
    ) -> QueryResult<Vec<Document>> {
        documents::table
            .filter(documents::key_fingerprint.ne(fingerprint))
            .order(documents::id)
            .limit(limit)
            .select(Document::as_select())
            .load(conn)
    }
}
