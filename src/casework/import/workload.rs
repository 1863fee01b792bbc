//! Importing workload records (a branch's workload survey, or an employer's data). A record
//! with the same member, date and source as one held is updated (or unchanged), never doubled.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use diesel::prelude::*;

use super::{
    INSERT_CHUNK, ImportOptions, ImportReport, LOOKUP_CHUNK, Progress, RowChanges,
    WORKLOAD_COLUMNS, WORKLOAD_EXPORT_ONLY, WORKLOAD_REQUIRED, audit_import, chunked, open, refuse,
};
use crate::access::RecordScope;
use crate::audit::{Action, Entity};
use crate::casework::changes::{self, Change, Via, diff};
use crate::casework::csv_table::{
    Given, Row, RowError, parse_date, parse_field, parse_given, parse_number, parse_whole, require,
    text,
};
use crate::casework::workload::{MemberFacts, WorkloadInput};
use crate::db::DbConn;
use crate::db::schema::{members, workload_records};
use crate::error::AppError;
use crate::models::{
    EmployerId, MemberId, NewWorkloadRecord, UserId, WorkloadRecord, WorkloadRecordId,
    WorkloadSource,
};

/// What an import may change in a record held (its member, date and source find it; the FTE
/// and employer at the time stay as first recorded).
const WORKLOAD_CHANGED: &[&str] = &["open_cases", "hours_worked", "contracted_hours", "note"];

/// A record is the same record when its member, date and source are.
type RecordKey = (MemberId, NaiveDate, WorkloadSource);

/// What a row says about a record's optional fields: a record held keeps a field the file
/// leaves out or blank, and loses it only to `(clear)`.
struct Optional {
    hours_worked: Given<f64>,
    contracted_hours: Given<f64>,
    note: Given<String>,
}

impl Optional {
    /// `record` with each optional field as given, over what `held` has (none for a new
    /// record).
    fn apply(self, record: NewWorkloadRecord, held: Option<&WorkloadRecord>) -> NewWorkloadRecord {
        NewWorkloadRecord {
            hours_worked: self.hours_worked.or_held(held.and_then(|r| r.hours_worked)),
            contracted_hours: self
                .contracted_hours
                .or_held(held.and_then(|r| r.contracted_hours)),
            note: self.note.or_held(held.and_then(|r| r.note.clone())),
            ..record
        }
    }
}

/// Imports workload records. Call inside a write transaction: on any error nothing is
/// written.
pub fn import_workload(
    conn: &mut DbConn,
    actor: Option<UserId>,
    writer: RecordScope,
    bytes: &[u8],
    options: ImportOptions,
    progress: &dyn Progress,
) -> Result<ImportReport, AppError> {
    let table = match open(
        bytes,
        WORKLOAD_REQUIRED,
        &[WORKLOAD_COLUMNS, WORKLOAD_EXPORT_ONLY].concat(),
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
    let mut records: Vec<(u64, NewWorkloadRecord, Optional)> = Vec::new();
    let mut keys_seen: HashMap<RecordKey, u64> = HashMap::new();
    for row in table.rows() {
        if let Some(record) = check_row(&row, actor, &member_by_number, &mut errors) {
            let key = (record.0.member_id, record.0.recorded_on, record.0.source);
            match keys_seen.insert(key, row.line) {
                Some(first) => errors.push(RowError::new(
                    row.line,
                    "recorded_on",
                    format!("the same member, date and source are on line {first}"),
                )),
                None => records.push((row.line, record.0, record.1)),
            }
        }
        progress.advance(1);
    }
    let mut report = ImportReport::checked(&table, errors, options);
    if report.is_refused() {
        return refuse(conn, actor, Entity::WorkloadRecord, report);
    }
    let members: Vec<MemberId> = member_by_number.values().map(|m| m.id).collect();
    let number_of: HashMap<MemberId, String> = member_by_number
        .iter()
        .map(|(number, facts)| (facts.id, number.clone()))
        .collect();
    let (to_insert, to_update) = plan(conn, &members, records, &number_of, &mut report)?;
    report.created = to_insert.len();
    report.updated = to_update.len();
    let counts = format!(
        "rows={} created={} updated={} unchanged={}",
        report.rows, report.created, report.updated, report.unchanged
    );
    let mut touched: Vec<i64> = to_insert
        .iter()
        .map(|r| r.member_id.0)
        .chain(to_update.iter().map(|(_, member, _)| member.0))
        .collect();
    touched.sort_unstable();
    touched.dedup();
    if options.dry_run {
        let touched = [("members whose records would change", touched.as_slice())];
        audit_import(
            conn,
            actor,
            Action::ImportDryRun,
            Entity::WorkloadRecord,
            counts,
            &touched,
        )?;
        return Ok(report);
    }
    let kept: Vec<(MemberId, WorkloadRecordId)> = to_update
        .iter()
        .map(|(id, member, _)| (*member, *id))
        .collect();
    write(conn, to_insert, to_update, progress)?;
    for ((member, id), row) in kept.into_iter().zip(&report.changes) {
        let change = Change {
            member,
            entity: Entity::WorkloadRecord,
            id: id.0,
            via: Via::Import,
            by: actor,
        };
        changes::keep(conn, change, &row.fields)?;
    }
    let touched = [("members whose records changed", touched.as_slice())];
    audit_import(
        conn,
        actor,
        Action::Import,
        Entity::WorkloadRecord,
        counts,
        &touched,
    )?;
    Ok(report)
}

/// The members with these numbers that the writer may record workload (or supervision) for.
pub(super) fn members_in_scope(
    conn: &mut DbConn,
    writer: RecordScope,
    numbers: BTreeSet<String>,
) -> Result<HashMap<String, MemberFacts>, AppError> {
    type Facts = (
        String,
        MemberId,
        f64,
        EmployerId,
        Option<NaiveDate>,
        Option<NaiveDate>,
    );
    let numbers: Vec<String> = numbers.into_iter().collect();
    let found = chunked(&numbers, LOOKUP_CHUNK, |chunk| {
        writer
            .members()
            .filter(members::membership_number.eq_any(chunk.to_vec()))
            .select((
                members::membership_number,
                members::id,
                members::fte,
                members::employer_id,
                members::start_date,
                members::left_on,
            ))
            .load::<Facts>(conn)
    })?;
    Ok(found
        .into_iter()
        .map(|(number, id, fte, employer_id, start_date, left_on)| {
            let facts = MemberFacts {
                id,
                fte,
                employer_id,
                start_date,
                left_on,
            };
            (number, facts)
        })
        .collect())
}

/// Checks one row, adding its problems to `errors`; the record when it can be written (its
/// optional fields as for a new record), and what the row says of each optional field.
fn check_row(
    row: &Row,
    actor: Option<UserId>,
    member_by_number: &HashMap<String, MemberFacts>,
    errors: &mut Vec<RowError>,
) -> Option<(NewWorkloadRecord, Optional)> {
    let line = row.line;
    let before = errors.len();
    let member = member_of(row, member_by_number, errors);
    let recorded_on = parse_field(row, "recorded_on", errors, parse_date);
    let open_cases = parse_field(row, "open_cases", errors, parse_whole);
    let optional = Optional {
        hours_worked: parse_given(row, "hours_worked", errors, parse_number),
        contracted_hours: parse_given(row, "contracted_hours", errors, parse_number),
        note: parse_given(row, "note", errors, text),
    };
    let fte = parse_field(row, "fte", errors, parse_number);
    let source = parse_field(row, "source", errors, |s| {
        WorkloadSource::read(s).map_err(|e| e.to_string())
    });
    require(
        row,
        errors,
        &[
            ("recorded_on", recorded_on.is_some()),
            ("open_cases", open_cases.is_some()),
            ("source", source.is_some()),
        ],
    );
    if errors.len() > before {
        return None;
    }
    let input = WorkloadInput {
        recorded_on: recorded_on?,
        open_cases: open_cases?,
        hours_worked: optional.hours_worked.clone().or_held(None),
        contracted_hours: optional.contracted_hours.clone().or_held(None),
        source: source?,
        note: optional.note.clone().or_held(None),
        fte,
        employer_id: None,
    };
    let record = on_line(line, input.checked(member?, actor), errors)?;
    Some((record, optional))
}

/// The member a row's membership number names among those in scope, or its problem.
pub(super) fn member_of<'m>(
    row: &Row,
    member_by_number: &'m HashMap<String, MemberFacts>,
    errors: &mut Vec<RowError>,
) -> Option<&'m MemberFacts> {
    let line = row.line;
    match row.get("membership_number") {
        None => {
            errors.push(RowError::new(line, "membership_number", "is required"));
            None
        }
        Some(number) => {
            let found = member_by_number.get(number);
            if found.is_none() {
                let why = format!("no member numbered {number} in your scope");
                errors.push(RowError::new(line, "membership_number", why));
            }
            found
        }
    }
}

/// A record a row's fields were checked into, or each of their problems on its line.
pub(super) fn on_line<T>(
    line: u64,
    checked: Result<T, crate::error::FieldErrors>,
    errors: &mut Vec<RowError>,
) -> Option<T> {
    checked
        .map_err(|field_errors| {
            errors.extend(
                field_errors
                    .into_iter()
                    .map(|(c, m)| RowError::new(line, &c, m)),
            );
        })
        .ok()
}

/// Which records are new, which change one held (with its member, for the audit), and how
/// many change nothing.
#[allow(clippy::type_complexity)]
fn plan(
    conn: &mut DbConn,
    members: &[MemberId],
    records: Vec<(u64, NewWorkloadRecord, Optional)>,
    number_of: &HashMap<MemberId, String>,
    report: &mut ImportReport,
) -> Result<
    (
        Vec<NewWorkloadRecord>,
        Vec<(WorkloadRecordId, MemberId, NewWorkloadRecord)>,
    ),
    AppError,
> {
    let held: HashMap<RecordKey, WorkloadRecord> = chunked(members, LOOKUP_CHUNK, |chunk| {
        workload_records::table
            .filter(workload_records::member_id.eq_any(chunk.to_vec()))
            .select(WorkloadRecord::as_select())
            .load(conn)
    })?
    .into_iter()
    .map(|r| ((r.member_id, r.recorded_on, r.source), r))
    .collect();
    let mut to_insert = Vec::new();
    let mut to_update = Vec::new();
    for (line, record, optional) in records {
        let Some(old) = held.get(&(record.member_id, record.recorded_on, record.source)) else {
            to_insert.push(optional.apply(record, None));
            continue;
        };
        let record = optional.apply(record, Some(old));
        let fields = diff(old, &record, WORKLOAD_CHANGED);
        if fields.is_empty() {
            report.unchanged += 1;
        } else {
            report.changes.push(RowChanges {
                line,
                record: format!(
                    "{} {} {}",
                    number_of.get(&old.member_id).map_or("", String::as_str),
                    old.recorded_on,
                    old.source.label()
                ),
                fields,
            });
            // The FTE and employer at the time stay as first recorded.
            let changes = NewWorkloadRecord {
                fte: old.fte.unwrap_or(record.fte),
                employer_id: old.employer_id.unwrap_or(record.employer_id),
                ..record
            };
            to_update.push((old.id, changes.member_id, changes));
        }
    }
    Ok((to_insert, to_update))
}

fn write(
    conn: &mut DbConn,
    to_insert: Vec<NewWorkloadRecord>,
    to_update: Vec<(WorkloadRecordId, MemberId, NewWorkloadRecord)>,
    progress: &dyn Progress,
) -> Result<(), AppError> {
    progress.start("writing", (to_insert.len() + to_update.len()) as u64);
    for chunk in to_insert.chunks(INSERT_CHUNK) {
        insert_workload(conn, chunk)?;
        progress.advance(chunk.len() as u64);
    }
    for (id, _, changes) in to_update {
        WorkloadRecord::replace(conn, id, &changes)?;
        progress.advance(1);
    }
    Ok(())
}

fn insert_workload(conn: &mut DbConn, chunk: &[NewWorkloadRecord]) -> QueryResult<usize> {
    crate::db_run!(conn, {
        diesel::insert_into(workload_records::table)
            .values(chunk)
            .execute(conn)
    })
}
