use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::ids::{AuditEntryId, UserId};
use crate::db::schema::audit_log;
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
            if let Some(entity) = &filter.entity {
                query = query.filter(audit_log::entity.eq(entity.clone()));
            }
            if let Some(id) = filter.entity_id {
                query = query.filter(audit_log::entity_id.eq(id));
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
