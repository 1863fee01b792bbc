//! Data protection tasks: retention, subject access export, erasure, backup. Each is audited.

use chrono::{Datelike, NaiveDate, Utc};
use diesel::prelude::*;
use serde_json::{Value, json};

use super::personal::{REGISTRY, Their};
use crate::audit::{self, Action, Entity, Event, Job, Principal};
use crate::db::DbConn;
use crate::db::schema::{cases, members};
use crate::error::AppError;
use crate::models::*;

/// Closed cases due for anonymisation: closed before this many years ago.
pub fn retention_cutoff(conn: &mut DbConn, today: NaiveDate) -> Result<NaiveDate, AppError> {
    let years = Settings::load(conn)?.retention_years as i32;
    NaiveDate::from_ymd_opt(today.year() - years, today.month(), today.day().min(28))
        .ok_or_else(|| AppError::Internal("retention cut-off out of range".into()))
}

/// Anonymises cases closed before the cut-off: each registered kind of personal record does
/// what it declares (`personal::REGISTRY`): the member link, the summary and referral reason,
/// timeline text and deadline notes and places go; type, stage, outcome, dates, branch and
/// workload factors stay, so every aggregate count is unchanged. Returns how many cases are (or,
/// without `apply`, would be) done.
pub fn retention(conn: &mut DbConn, today: NaiveDate, apply: bool) -> Result<usize, AppError> {
    let cutoff = retention_cutoff(conn, today)?;
    let due: Vec<CaseId> = cases::table
        .filter(cases::status.eq(CaseStatus::Closed))
        .filter(cases::closed_on.lt(cutoff))
        .filter(cases::anonymised_at.is_null())
        .select(cases::id)
        .load(conn)?;
    if !apply {
        return Ok(due.len());
    }
    for chunk in due.chunks(500) {
        // The case-attached kinds first: they find their rows through the cases.
        for kind in REGISTRY.iter().rev() {
            kind.retain(conn, chunk)?;
        }
    }
    audit::record(
        conn,
        Event::new(
            Principal::System(Job::Retention),
            Action::Retention,
            Entity::Case,
        )
        .detail(format!("anonymised={} closed_before={cutoff}", due.len()))
        .shows(Entity::Case, due.iter().map(|c| c.0)),
    )?;
    Ok(due.len())
}

/// The member's cases (as retention leaves them linked).
fn cases_of(conn: &mut DbConn, id: MemberId) -> Result<Vec<CaseId>, AppError> {
    Ok(cases::table
        .filter(cases::member_id.eq(id))
        .order(cases::id)
        .select(cases::id)
        .load(conn)?)
}

/// Everything held about a member, as JSON: a subject access request. Each registered kind of
/// personal record adds what it holds of them (`personal::REGISTRY`), and the audit trail adds
/// every entry that showed or changed the member or one of their cases.
pub fn export_member(
    conn: &mut DbConn,
    id: MemberId,
    by: Option<crate::models::UserId>,
    vault: Option<&crate::vault::Keyring>,
) -> Result<Value, AppError> {
    members::table
        .find(id)
        .select(members::id)
        .first::<MemberId>(conn)?;
    let cases = cases_of(conn, id)?;
    let their = Their {
        member: id,
        cases: &cases,
        vault,
    };
    let mut out = serde_json::Map::new();
    out.insert("exported_at".into(), json!(Utc::now().naive_utc()));
    for kind in REGISTRY {
        let (key, rows) = kind.export(conn, &their)?;
        out.insert(key.into(), rows);
    }
    // Reads, list pages, exports, imports and writes, by whom (a user, a job, a link) and when.
    let case_ids: Vec<i64> = cases.iter().map(|c| c.0).collect();
    let mut accesses = AuditEntry::showing(conn, Entity::Member.as_str(), &[id.0])?;
    accesses.extend(AuditEntry::showing(conn, Entity::Case.as_str(), &case_ids)?);
    accesses.sort_by_key(|e| e.id.0);
    accesses.dedup_by_key(|e| e.id.0);
    out.insert("who_saw_or_changed_these_records".into(), json!(accesses));
    audit::record(
        conn,
        Event::new(
            Principal::user_or_command_line(by),
            Action::Export,
            Entity::Member,
        )
        .id(id.0)
        .detail("subject access request")
        .shows(Entity::Case, case_ids),
    )?;
    Ok(Value::Object(out))
}

/// The membership number an erased member is left with.
pub fn erased_number(id: MemberId) -> String {
    format!("ERASED-{id}")
}

/// Whether a member's details were erased.
pub fn is_erased(member: &Member) -> bool {
    member.membership_number == erased_number(member.id)
}

/// 409 for a write to an erased member: what is kept is kept for the counts, and nothing is
/// added to it.
pub fn refuse_if_erased(member: &Member) -> Result<(), AppError> {
    if is_erased(member) {
        Err(AppError::Conflict(
            "this member's details were erased: nothing more is recorded about them".into(),
        ))
    } else {
        Ok(())
    }
}

/// Removes a member's identity and free text about them, keeping the anonymous counts
/// (workload numbers, case types and outcomes) that evidence summaries are built from: each
/// registered kind of personal record does what it declares (`personal::REGISTRY`).
pub fn erase_member(
    conn: &mut DbConn,
    id: MemberId,
    by: Option<crate::models::UserId>,
) -> Result<(), AppError> {
    members::table
        .find(id)
        .select(members::id)
        .first::<MemberId>(conn)?;
    let cases = cases_of(conn, id)?;
    let their = Their {
        member: id,
        cases: &cases,
        vault: None,
    };
    for kind in REGISTRY.iter().rev() {
        kind.erase(conn, &their)?;
    }
    audit::record(
        conn,
        Event::new(
            Principal::user_or_command_line(by),
            Action::Erase,
            Entity::Member,
        )
        .id(id.0)
        .shows(Entity::Case, cases.iter().map(|c| c.0)),
    )?;
    Ok(())
}

/// A consistent copy of an SQLite database while it serves; PostgreSQL is backed up with its
/// own tools (`pg_dump`), documented in docs/DATA-PROTECTION.md.
pub fn backup(conn: &mut DbConn, path: &str) -> Result<(), AppError> {
    crate::db::dialect::copy_database(conn, path)?;
    audit::record(
        conn,
        Event::new(
            Principal::System(Job::CommandLine),
            Action::Backup,
            Entity::Database,
        ),
    )
}
