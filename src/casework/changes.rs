//! What a change to a member or a workload record replaced, field by field: worked out before
//! a write (an import's dry run lists it), kept with the write (`record_changes`), read back on
//! the member's page and in the subject access export, and used to restore a workload record
//! deleted by mistake.

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;

pub use crate::audit::Entity;
use crate::db::DbConn;
use crate::db::schema::record_changes;
use crate::models::{MemberId, UserId};

/// One field's old and new value, as text (none: empty).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct FieldChange {
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// The fields named in `fields` whose values differ between `old` and `new` (each serialised
/// as JSON), in the order of `fields`.
pub fn diff<A: Serialize, B: Serialize>(old: &A, new: &B, fields: &[&str]) -> Vec<FieldChange> {
    let (Ok(old), Ok(new)) = (serde_json::to_value(old), serde_json::to_value(new)) else {
        return Vec::new();
    };
    fields
        .iter()
        .filter_map(|field| {
            let was = shown(old.get(field));
            let now = shown(new.get(field));
            (was != now).then(|| FieldChange {
                field: (*field).to_owned(),
                old: was,
                new: now,
            })
        })
        .collect()
}

/// A JSON value as text: none for null or absent, `yes`/`no` for booleans, and a number as
/// written (an FTE of 1 and of 1.0 are the same).
fn shown(value: Option<&serde_json::Value>) -> Option<String> {
    use serde_json::Value;
    match value? {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(if *b { "yes" } else { "no" }.to_owned()),
        Value::Number(n) => Some(match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
            _ => n.to_string(),
        }),
        other => Some(other.to_string()),
    }
}

/// How it changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Edit,
    Import,
    Delete,
    Restore,
}

impl Via {
    fn as_str(self) -> &'static str {
        match self {
            Self::Edit => "edit",
            Self::Import => "import",
            Self::Delete => "delete",
            Self::Restore => "restore",
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = record_changes)]
struct NewRecordChange<'a> {
    member_id: MemberId,
    entity: &'a str,
    entity_id: i64,
    field: &'a str,
    old_value: Option<&'a str>,
    new_value: Option<&'a str>,
    via: &'a str,
    changed_by: Option<UserId>,
    changed_at: NaiveDateTime,
}

/// A kept change, as the member's page and the subject access export show it.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = record_changes)]
pub struct RecordChange {
    pub id: i64,
    pub member_id: MemberId,
    pub entity: String,
    pub entity_id: i64,
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub via: String,
    pub changed_by: Option<UserId>,
    #[serde(serialize_with = "crate::timestamps::utc")]
    pub changed_at: NaiveDateTime,
}

/// Who changed which record of which member, and how.
#[derive(Debug, Clone, Copy)]
pub struct Change {
    pub member: MemberId,
    pub entity: Entity,
    pub id: i64,
    pub via: Via,
    pub by: Option<UserId>,
}

/// Keeps the old and new value of each changed field, in the write's transaction.
pub fn keep(conn: &mut DbConn, change: Change, fields: &[FieldChange]) -> QueryResult<()> {
    if fields.is_empty() {
        return Ok(());
    }
    let now = Utc::now().naive_utc();
    let rows: Vec<NewRecordChange> = fields
        .iter()
        .map(|f| NewRecordChange {
            member_id: change.member,
            entity: change.entity.as_str(),
            entity_id: change.id,
            field: &f.field,
            old_value: f.old.as_deref(),
            new_value: f.new.as_deref(),
            via: change.via.as_str(),
            changed_by: change.by,
            changed_at: now,
        })
        .collect();
    for chunk in rows.chunks(500) {
        crate::db_run!(conn, {
            diesel::insert_into(record_changes::table)
                .values(chunk)
                .execute(conn)
        })?;
    }
    Ok(())
}

/// Every kept change of a member's records, oldest first.
pub fn for_member(conn: &mut DbConn, member: MemberId) -> QueryResult<Vec<RecordChange>> {
    record_changes::table
        .filter(record_changes::member_id.eq(member))
        .order((record_changes::changed_at, record_changes::id))
        .select(RecordChange::as_select())
        .load(conn)
}

/// The fields of a workload record deleted by `by` since `since` and not restored since: by
/// record id, newest deletion first.
pub fn deleted_since(
    conn: &mut DbConn,
    member: MemberId,
    by: UserId,
    since: NaiveDateTime,
) -> QueryResult<Vec<(i64, Vec<RecordChange>)>> {
    let rows: Vec<RecordChange> = record_changes::table
        .filter(record_changes::member_id.eq(member))
        .filter(record_changes::entity.eq(Entity::WorkloadRecord.as_str()))
        .filter(record_changes::changed_at.ge(since))
        .filter(
            record_changes::via
                .eq(Via::Delete.as_str())
                .or(record_changes::via.eq(Via::Restore.as_str())),
        )
        .order((record_changes::changed_at.desc(), record_changes::id))
        .select(RecordChange::as_select())
        .load(conn)?;
    let restored: std::collections::HashSet<i64> = rows
        .iter()
        .filter(|r| r.via == Via::Restore.as_str())
        .map(|r| r.entity_id)
        .collect();
    let mut out: Vec<(i64, Vec<RecordChange>)> = Vec::new();
    for row in rows {
        if row.via != Via::Delete.as_str()
            || restored.contains(&row.entity_id)
            || row.changed_by != Some(by)
        {
            continue;
        }
        match out.iter_mut().find(|(id, _)| *id == row.entity_id) {
            Some((_, fields)) => fields.push(row),
            None => out.push((row.entity_id, vec![row])),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_changed_fields_are_listed_with_their_old_and_new_text() {
        let old = serde_json::json!({"team": "A", "fte": 1.0, "email": null, "left": false});
        let new = serde_json::json!({"team": "B", "fte": 1, "email": "a@b.org", "left": false});
        let changes = diff(&old, &new, &["team", "fte", "email", "left"]);
        assert_eq!(
            changes,
            vec![
                FieldChange {
                    field: "team".into(),
                    old: Some("A".into()),
                    new: Some("B".into())
                },
                FieldChange {
                    field: "email".into(),
                    old: None,
                    new: Some("a@b.org".into())
                },
            ]
        );
    }
}
