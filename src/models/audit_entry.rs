use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::ids::{AuditEntryId, UserId};
use crate::db::schema::{audit_log, audit_subjects};
use crate::db::{DbConn, Sql};
use crate::paging::Paging;

/// One line of the append-only audit trail (triggers refuse UPDATE and DELETE). `detail`
/// never holds a name or free text: ids and field names only.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = audit_log)]
pub struct AuditEntry {
    pub id: AuditEntryId,
    #[serde(serialize_with = "crate::timestamps::utc")]
    pub at: NaiveDateTime,
    pub user_id: Option<UserId>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub detail: Option<String>,
    /// Who acted: `user`, `system:<job>`, `link:<kind>` (with the link's owner as `user_id`)
    /// or `anonymous`.
    pub principal: String,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = audit_log)]
pub struct NewAuditEntry {
    pub at: NaiveDateTime,
    pub user_id: Option<UserId>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub detail: Option<String>,
    pub principal: String,
}

/// Filters of the audit search.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub user_id: Option<UserId>,
    pub action: Option<String>,
    pub entity: Option<String>,
    pub entity_id: Option<i64>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
}

impl AuditEntry {
    /// Newest first.
    pub fn search(
        conn: &mut DbConn,
        filter: &AuditFilter,
        paging: Paging,
    ) -> QueryResult<(Vec<AuditEntry>, i64)> {
        let filtered = || {
            let mut query = audit_log::table.into_boxed::<Sql>();
            if let Some(user) = filter.user_id {
                query = query.filter(audit_log::user_id.eq(user));
            }
            if let Some(action) = &filter.action {
                query = query.filter(audit_log::action.eq(action.clone()));
            }
            // A record is found wherever an entry showed or changed it: its own entries, and
            // the lists, exports and imports it was in.
            match (&filter.entity, filter.entity_id) {
                (Some(entity), Some(id)) => {
                    query = query.filter(
                        audit_log::id.eq_any(
                            audit_subjects::table
                                .filter(audit_subjects::entity_id.eq(id))
                                .filter(audit_subjects::entity.eq(entity.clone()))
                                .select(audit_subjects::entry_id),
                        ),
                    );
                }
                (None, Some(id)) => {
                    query = query.filter(
                        audit_log::id.eq_any(
                            audit_subjects::table
                                .filter(audit_subjects::entity_id.eq(id))
                                .select(audit_subjects::entry_id),
                        ),
                    );
                }
                (Some(entity), None) => {
                    query = query.filter(audit_log::entity.eq(entity.clone()));
                }
                (None, None) => {}
            }
            if let Some(from) = filter.from {
                query = query.filter(audit_log::at.ge(from));
            }
            if let Some(to) = filter.to {
                query = query.filter(audit_log::at.lt(to));
            }
            query
        };
        let total = filtered().count().get_result(conn)?;
        let items = filtered()
            .order(audit_log::id.desc())
            .limit(paging.per_page)
            .offset(paging.offset())
            .select(AuditEntry::as_select())
            .load(conn)?;
        Ok((items, total))
    }
}

impl AuditEntry {
    /// Every entry that showed or changed one of these records, oldest first.
    pub fn showing(conn: &mut DbConn, entity: &str, ids: &[i64]) -> QueryResult<Vec<AuditEntry>> {
        let mut out = Vec::new();
        for chunk in ids.chunks(500) {
            out.extend(
                audit_log::table
                    .filter(
                        audit_log::id.eq_any(
                            audit_subjects::table
                                .filter(audit_subjects::entity.eq(entity.to_owned()))
                                .filter(audit_subjects::entity_id.eq_any(chunk.to_vec()))
                                .select(audit_subjects::entry_id),
                        ),
                    )
                    .select(AuditEntry::as_select())
                    .load(conn)?,
            );
        }
        out.sort_by_key(|e| e.id.0);
        out.dedup_by_key(|e| e.id.0);
        Ok(out)
    }
}

impl AuditEntry {
    /// The records an entry showed or changed, as (entity, id), in order.
    pub fn subjects(conn: &mut DbConn, entry: AuditEntryId) -> QueryResult<Vec<(String, i64)>> {
        audit_subjects::table
            .filter(audit_subjects::entry_id.eq(entry.0))
            .order((audit_subjects::entity, audit_subjects::entity_id))
            .select((audit_subjects::entity, audit_subjects::entity_id))
            .load(conn)
    }
}
