use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::ids::{AuditEntryId, UserId};
use crate::db::schema::audit_log;

/// One line of the append-only audit trail (triggers refuse UPDATE and DELETE). `detail`
/// never holds a name or free text: ids and field names only.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = audit_log)]
pub struct AuditEntry {
    pub id: AuditEntryId,
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
