//! Importing supervision records (a member's own log, supervision notes, an employer's data).
//! A row with the same member, date, kind and status as a record held is that record: it is
//! counted as unchanged, never doubled. Every row is checked as the member page checks one.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::NaiveDate;
use diesel::prelude::*;

use super::workload::{member_of, members_in_scope, on_line};
use super::{
    INSERT_CHUNK, ImportOptions, ImportReport, Progress, SUPERVISION_COLUMNS, SUPERVISION_REQUIRED,
    audit_import, open, refuse,
};
use crate::access::RecordScope;
use crate::audit::{Action, Entity};
use crate::casework::csv_table::{
    Row, RowError, parse_date, parse_field, parse_whole, require, text,
};
use crate::casework::supervision::SupervisionInput;
use crate::casework::workload::MemberFacts;
use crate::db::DbConn;
use crate::db::schema::supervision_records;
use crate::error::AppError;
use crate::models::{
    CalledOffBy, MemberId, NewSupervisionRecord, SupervisionKind, SupervisionRecord,
    SupervisionSource, SupervisionStatus, UserId,
};

/// A session is the same session when its member, date, kind and status are.
type SessionKey = (MemberId, NaiveDate, SupervisionKind, SupervisionStatus);

fn key(r: &NewSupervisionRecord) -> SessionKey {
    (r.member_id, r.held_on, r.kind, r.status)
}

/// Imports supervision records. Call inside a write transaction: on any error nothing is
/// written.
pub fn import_supervision(
    conn: &mut DbConn,
    actor: Option<UserId>,
    writer: RecordScope,
    bytes: &[u8],
    options: ImportOptions,
    progress: &dyn Progress,
) -> Result<ImportReport, AppError> {
    let table = match open(
        bytes,
        SUPERVISION_REQUIRED,
        SUPERVISION_COLUMNS,
        options,
        progress,
    ) {
        Ok(table) => table,
        Err(report) => return Ok(report),
    };
    let numbers: BTreeSet<String> = table
        .rows()
        .filter_map(|r| r.get("membership_number").map(str::to_owned))
        .collect();
    let member_by_number = members_in_scope(conn, writer, numbers)?;
    let mut errors = table.unreadable.clone();
    let mut records: Vec<NewSupervisionRecord> = Vec::new();
    let mut seen: HashMap<SessionKey, u64> = HashMap::new();
    for row in table.rows() {
        if let Some(record) = check_row(&row, actor, &member_by_number, &mut errors) {
            match seen.insert(key(&record), row.line) {
                Some(first) => errors.push(RowError::new(
                    row.line,
                    "held_on",
                    format!("the same member, date, kind and status are on line {first}"),
                )),
                None => records.push(record),
            }
        }
        progress.advance(1);
    }
    let mut report = ImportReport::checked(&table, errors, options);
    if report.is_refused() {
        return refuse(conn, actor, Entity::SupervisionRecord, report);
    }
    let members: Vec<MemberId> = member_by_number.values().map(|m| m.id).collect();
    let held: HashSet<SessionKey> = SupervisionRecord::of_members(conn, &members)?
        .iter()
        .map(|r| (r.member_id, r.held_on, r.kind, r.status))
        .collect();
    let (known, new): (Vec<_>, Vec<_>) = records.into_iter().partition(|r| held.contains(&key(r)));
    report.unchanged = known.len();
    report.created = new.len();
    let mut touched: Vec<i64> = new.iter().map(|r| r.member_id.0).collect();
    touched.sort_unstable();
    touched.dedup();
    let counts = format!(
        "rows={} created={} unchanged={}",
        report.rows, report.created, report.unchanged
    );
    if options.dry_run {
        let touched = [("members who would have records added", touched.as_slice())];
        let action = Action::ImportDryRun;
        audit_import(
            conn,
            actor,
            action,
            Entity::SupervisionRecord,
            counts,
            &touched,
        )?;
        return Ok(report);
    }
    progress.start("writing", new.len() as u64);
    for chunk in new.chunks(INSERT_CHUNK) {
        crate::db_run!(conn, {
            diesel::insert_into(supervision_records::table)
                .values(chunk)
                .execute(conn)
        })?;
        progress.advance(chunk.len() as u64);
    }
    let touched = [("members who had records added", touched.as_slice())];
    audit_import(
        conn,
        actor,
        Action::Import,
        Entity::SupervisionRecord,
        counts,
        &touched,
    )?;
    Ok(report)
}

/// Checks one row, adding its problems to `errors`; the record when it can be written.
fn check_row(
    row: &Row,
    actor: Option<UserId>,
    member_by_number: &HashMap<String, MemberFacts>,
    errors: &mut Vec<RowError>,
) -> Option<NewSupervisionRecord> {
    let line = row.line;
    let before = errors.len();
    let member = member_of(row, member_by_number, errors);
    let held_on = parse_field(row, "held_on", errors, parse_date);
    let kind = parse_field(row, "kind", errors, |s| {
        SupervisionKind::read(s).map_err(|e| e.to_string())
    });
    let source = parse_field(row, "source", errors, |s| {
        SupervisionSource::read(s).map_err(|e| e.to_string())
    });
    let status = parse_field(row, "status", errors, |s| {
        SupervisionStatus::read(s).map_err(|e| e.to_string())
    });
    let called_off_by = parse_field(row, "called_off_by", errors, |s| {
        CalledOffBy::read(s).map_err(|e| e.to_string())
    });
    let minutes = parse_field(row, "minutes", errors, parse_whole);
    let note = parse_field(row, "note", errors, text);
    require(
        row,
        errors,
        &[
            ("held_on", held_on.is_some()),
            ("kind", kind.is_some()),
            ("source", source.is_some()),
        ],
    );
    if errors.len() > before {
        return None;
    }
    let input = SupervisionInput {
        held_on: held_on?,
        kind: kind?,
        minutes,
        status,
        called_off_by,
        source: source?,
        note,
    };
    on_line(line, input.checked(member?, actor), errors)
}
