//! Data protection tasks: retention, subject access export, erasure, backup. Each is audited.

use chrono::{Datelike, NaiveDate, Utc};
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::audit::{self, Entity, Event};
use crate::db::schema::{
    case_event_revisions, case_events, cases, deadlines, members, record_changes, workload_records,
};
use crate::db::{Backend, DbConn};
use crate::error::AppError;
use crate::models::*;

/// Closed cases due for anonymisation: closed before this many years ago.
pub fn retention_cutoff(conn: &mut DbConn, today: NaiveDate) -> Result<NaiveDate, AppError> {
    let years = Settings::load(conn)?.retention_years as i32;
    NaiveDate::from_ymd_opt(today.year() - years, today.month(), today.day().min(28))
        .ok_or_else(|| AppError::Internal("retention cut-off out of range".into()))
}

/// Anonymises cases closed before the cut-off: the member link, the summary and referral reason,
/// timeline text and
/// deadline notes go; type, stage, outcome, dates, branch and workload factors stay, so every
/// aggregate count is unchanged. Returns how many cases are (or, without `apply`, would be) done.
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
    let now = Utc::now().naive_utc();
    for chunk in due.chunks(500) {
        diesel::update(cases::table.filter(cases::id.eq_any(chunk)))
            .set((
                cases::member_id.eq(None::<MemberId>),
                cases::summary.eq(None::<String>),
                cases::referral_reason.eq(None::<String>),
                cases::anonymised_at.eq(now),
            ))
            .execute(conn)?;
        clear_case_text(conn, chunk)?;
    }
    audit::record(
        conn,
        Event::new(
            crate::audit::Principal::System(crate::audit::Job::Retention),
            crate::audit::Action::Retention,
            crate::audit::Entity::Case,
        )
        .detail(format!("anonymised={} closed_before={cutoff}", due.len()))
        .shows(Entity::Case, due.iter().map(|c| c.0)),
    )?;
    Ok(due.len())
}

/// Removes what was written on these cases: timeline text (with the earlier versions of
/// corrected entries) and deadline notes. What happened when stays, for the counts.
fn clear_case_text(conn: &mut DbConn, ids: &[CaseId]) -> Result<(), AppError> {
    diesel::update(case_events::table.filter(case_events::case_id.eq_any(ids)))
        .set(case_events::body.eq(""))
        .execute(conn)?;
    diesel::delete(
        case_event_revisions::table.filter(
            case_event_revisions::event_id.eq_any(
                case_events::table
                    .filter(case_events::case_id.eq_any(ids))
                    .select(case_events::id),
            ),
        ),
    )
    .execute(conn)?;
    diesel::update(deadlines::table.filter(deadlines::case_id.eq_any(ids)))
        .set(deadlines::note.eq(None::<String>))
        .execute(conn)?;
    Ok(())
}

/// Everything held about a member, as JSON: a subject access request.
/// `by` is the administrator who asked (none from the command line).
pub fn export_member(
    conn: &mut DbConn,
    id: MemberId,
    by: Option<crate::models::UserId>,
) -> Result<Value, AppError> {
    let member = members::table
        .find(id)
        .select(Member::as_select())
        .first(conn)?;
    let workload = WorkloadRecord::for_member(conn, id)?;
    let their_cases: Vec<Case> = cases::table
        .filter(cases::member_id.eq(id))
        .select(Case::as_select())
        .load(conn)?;
    let mut case_json = Vec::new();
    for case in their_cases {
        let factors = Case::factors(conn, case.id)?;
        let events = CaseEvent::for_case(conn, case.id)?;
        let earlier = CaseEventRevision::for_case(conn, case.id)?;
        let due = Deadline::for_case(conn, case.id)?;
        case_json.push(
            json!({"case": case, "workload_factors": factors, "timeline": events,
                              "timeline_earlier_versions": earlier, "deadlines": due}),
        );
    }
    let changes = super::changes::for_member(conn, id)?;
    // Every entry that showed or changed the member or one of their cases: reads, list pages,
    // exports, imports and writes, by whom (a user, a job, a link) and when.
    let case_ids: Vec<i64> = case_json
        .iter()
        .filter_map(|c| c["case"]["id"].as_i64())
        .collect();
    let mut accesses = AuditEntry::showing(conn, Entity::Member.as_str(), &[id.0])?;
    accesses.extend(AuditEntry::showing(conn, Entity::Case.as_str(), &case_ids)?);
    accesses.sort_by_key(|e| e.id.0);
    accesses.dedup_by_key(|e| e.id.0);
    audit::record(
        conn,
        Event::new(
            crate::audit::Principal::user_or_command_line(by),
            crate::audit::Action::Export,
            crate::audit::Entity::Member,
        )
        .id(id.0)
        .detail("subject access request"),
    )?;
    Ok(json!({
        "exported_at": Utc::now().naive_utc(),
        "member": member,
        "workload_records": workload,
        "changes_to_these_records": changes,
        "cases": case_json,
        "who_saw_or_changed_these_records": accesses,
    }))
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
/// (workload numbers, case types and outcomes) that evidence summaries are built from.
pub fn erase_member(
    conn: &mut DbConn,
    id: MemberId,
    by: Option<crate::models::UserId>,
) -> Result<(), AppError> {
    members::table
        .find(id)
        .select(members::id)
        .first::<MemberId>(conn)?;
    let number = erased_number(id);
    diesel::update(members::table.find(id))
        .set((
            members::membership_number.eq(&number),
            members::first_name.eq("Erased"),
            members::last_name.eq("member"),
            members::email.eq(None::<String>),
            members::phone.eq(None::<String>),
            members::team.eq(None::<String>),
            members::start_date.eq(None::<NaiveDate>),
            members::equality_consent.eq(false),
            members::age_band.eq(None::<AgeBand>),
            members::ethnic_group.eq(None::<EthnicGroup>),
            members::search_text.eq(number.to_lowercase()),
            members::updated_at.eq(Utc::now().naive_utc()),
        ))
        .execute(conn)?;
    diesel::update(workload_records::table.filter(workload_records::member_id.eq(id)))
        .set(workload_records::note.eq(None::<String>))
        .execute(conn)?;
    // What earlier changes replaced (old names, emails, notes) goes with what they were.
    diesel::delete(record_changes::table.filter(record_changes::member_id.eq(id))).execute(conn)?;
    let their_cases: Vec<CaseId> = cases::table
        .filter(cases::member_id.eq(id))
        .select(cases::id)
        .load(conn)?;
    for chunk in their_cases.chunks(500) {
        clear_case_text(conn, chunk)?;
    }
    diesel::update(cases::table.filter(cases::member_id.eq(id)))
        .set((
            cases::summary.eq(None::<String>),
            cases::referral_reason.eq(None::<String>),
        ))
        .execute(conn)?;
    audit::record(
        conn,
        Event::new(
            crate::audit::Principal::user_or_command_line(by),
            crate::audit::Action::Erase,
            crate::audit::Entity::Member,
        )
        .id(id.0),
    )?;
    Ok(())
}

/// A consistent copy of an SQLite database while it serves (`VACUUM INTO`). PostgreSQL is
/// backed up with its own tools (`pg_dump`), documented in docs/DATA-PROTECTION.md.
pub fn backup(conn: &mut DbConn, backend: Backend, path: &str) -> Result<(), AppError> {
    match backend {
        Backend::Sqlite => {
            if std::path::Path::new(path).exists() {
                return Err(AppError::invalid(
                    "path",
                    "already exists; choose a new file",
                ));
            }
            // Created empty and private first: a backup holds everything the database does.
            crate::db::create_private(path);
            let quoted = path.replace('\'', "''");
            diesel::sql_query(format!("VACUUM INTO '{quoted}'")).execute(conn)?;
            audit::record(
                conn,
                Event::new(
                    crate::audit::Principal::System(crate::audit::Job::CommandLine),
                    crate::audit::Action::Backup,
                    crate::audit::Entity::Database,
                ),
            )?;
            Ok(())
        }
        Backend::Postgres => Err(AppError::invalid(
            "path",
            "on PostgreSQL use pg_dump (see docs/DATA-PROTECTION.md)",
        )),
    }
}
