//! CSV import of members and of workload records. All rows or none: every row is checked
//! first, and if any is invalid nothing is written and the report names each problem by line
//! and column. A dry run reports what would happen without writing.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;

use super::csv_table::{RowError, Table, parse_date, parse_field, parse_number, parse_whole};
use super::member_fields::MemberFields;
use super::members::{full_update, new_member};
use super::workload::{MemberFacts, WorkloadInput};
use crate::access::RecordScope;
use crate::audit::{self, Event};
use crate::db::DbConn;
use crate::db::schema::{members, workload_records};
use crate::error::AppError;
use crate::models::{
    Branch, BranchId, Employer, EmployerId, Member, MemberId, NewEmployer, NewMember,
    NewWorkloadRecord, UserId, WorkloadRecord, WorkloadSource,
};

/// Largest CSV file accepted by an import (about 200,000 member rows).
pub const IMPORT_LIMIT_BYTES: usize = 32 * 1024 * 1024;
pub const MEMBER_COLUMNS: &[&str] = &[
    "membership_number",
    "first_name",
    "last_name",
    "email",
    "phone",
    "employer",
    "job_role",
    "team",
    "fte",
    "start_date",
    "left_on",
    "branch_code",
];
const MEMBER_REQUIRED: &[&str] = &[
    "membership_number",
    "first_name",
    "last_name",
    "employer",
    "job_role",
    "fte",
];

pub const WORKLOAD_COLUMNS: &[&str] = &[
    "membership_number",
    "recorded_on",
    "open_cases",
    "hours_worked",
    "contracted_hours",
    "source",
    "note",
    "fte",
];
const WORKLOAD_REQUIRED: &[&str] = &["membership_number", "recorded_on", "open_cases", "source"];

/// Rows per INSERT (well under both backends' limits on bound parameters).
const INSERT_CHUNK: usize = 1000;
/// Values per `IN (…)` lookup.
const LOOKUP_CHUNK: usize = 500;

#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    pub dry_run: bool,
    /// Create employers named in the file that do not exist yet.
    pub create_employers: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub dry_run: bool,
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub employers_created: usize,
    pub errors: Vec<RowError>,
}

impl ImportReport {
    fn refused(errors: Vec<RowError>, dry_run: bool) -> Self {
        Self {
            dry_run,
            rows: 0,
            created: 0,
            updated: 0,
            unchanged: 0,
            employers_created: 0,
            errors,
        }
    }

    /// Whether anything was (or, in a dry run, would be) refused.
    pub fn is_refused(&self) -> bool {
        !self.errors.is_empty()
    }
}

/// Told how far an import has got (the command line draws a progress bar).
pub trait Progress {
    fn start(&self, _stage: &str, _total: u64) {}
    fn advance(&self, _n: u64) {}
}

pub struct NoProgress;
impl Progress for NoProgress {}

/// Runs `f` over `items` in chunks, collecting the results.
fn chunked<T, R>(
    items: &[T],
    size: usize,
    mut f: impl FnMut(&[T]) -> QueryResult<Vec<R>>,
) -> QueryResult<Vec<R>> {
    let mut out = Vec::with_capacity(items.len());
    for chunk in items.chunks(size) {
        out.extend(f(chunk)?);
    }
    Ok(out)
}

struct MemberRow {
    branch: BranchId,
    employer: EmployerRef,
    fields: MemberFields,
}

enum EmployerRef {
    Known(EmployerId),
    New(String),
}

/// Imports members. Call inside a write transaction: on any error nothing is written.
pub fn import_members(
    conn: &mut DbConn,
    actor: Option<UserId>,
    writer: RecordScope,
    bytes: &[u8],
    options: ImportOptions,
    progress: &dyn Progress,
) -> Result<ImportReport, AppError> {
    // Employers are reference data for every branch: only administrators create them.
    if options.create_employers && !matches!(writer, RecordScope::All) {
        return Err(AppError::Forbidden);
    }
    let table = match Table::read(bytes, MEMBER_REQUIRED, MEMBER_COLUMNS) {
        Ok(table) => table,
        Err(errors) => return Ok(ImportReport::refused(errors, options.dry_run)),
    };
    progress.start("checking", table.len() as u64);
    let branch_by_code: HashMap<String, Branch> = Branch::list(conn)?
        .into_iter()
        .map(|b| (b.code.clone(), b))
        .collect();
    let employer_by_name: HashMap<String, EmployerId> = Employer::list(conn)?
        .into_iter()
        .map(|e| (e.name.to_lowercase(), e.id))
        .collect();
    let mut errors = table.unreadable.clone();
    let mut rows = Vec::with_capacity(table.len());
    let mut numbers_seen: HashMap<String, u64> = HashMap::new();
    let mut new_employers = BTreeSet::new();

    for row in table.rows() {
        let line = row.line;
        let before = errors.len();
        let fte = parse_field(&row, "fte", &mut errors, parse_number);
        let start_date = parse_field(&row, "start_date", &mut errors, parse_date);
        let left_on = parse_field(&row, "left_on", &mut errors, parse_date);
        let branch = match (row.get("branch_code"), writer) {
            (None, RecordScope::Branch(own)) => Some(own),
            (None, _) => {
                errors.push(RowError::new(line, "branch_code", "is required"));
                None
            }
            (Some(code), _) => match branch_by_code.get(&code.to_uppercase()) {
                None => {
                    errors.push(RowError::new(
                        line,
                        "branch_code",
                        format!("no branch has the code {code}"),
                    ));
                    None
                }
                Some(b) if !in_scope(writer, b) => {
                    errors.push(RowError::new(
                        line,
                        "branch_code",
                        format!("{code} is not a branch you can import into"),
                    ));
                    None
                }
                Some(b) => Some(b.id),
            },
        };
        let employer = match row.get("employer") {
            None => {
                errors.push(RowError::new(line, "employer", "is required"));
                None
            }
            Some(name) => {
                match employer_by_name.get(&name.to_lowercase()) {
                    Some(id) => Some(EmployerRef::Known(*id)),
                    None if options.create_employers => {
                        match crate::validate::line_problem(name.trim(), crate::validate::NAME_MAX)
                        {
                            Some(why) => {
                                errors.push(RowError::new(line, "employer", why));
                                None
                            }
                            None => {
                                new_employers.insert(name.trim().to_owned());
                                Some(EmployerRef::New(name.trim().to_owned()))
                            }
                        }
                    }
                    None => {
                        errors.push(RowError::new(line, "employer", format!("no employer is named {name:?} (import with create employers to add it)")));
                        None
                    }
                }
            }
        };
        let fields = MemberFields {
            membership_number: row.get("membership_number").unwrap_or_default().to_owned(),
            first_name: row.get("first_name").unwrap_or_default().to_owned(),
            last_name: row.get("last_name").unwrap_or_default().to_owned(),
            email: row.get("email").map(str::to_owned),
            phone: row.get("phone").map(str::to_owned),
            job_role: row.get("job_role").unwrap_or_default().to_owned(),
            team: row.get("team").map(str::to_owned),
            fte: fte.unwrap_or(f64::NAN),
            start_date,
            left_on,
            equality_consent: false,
            age_band: None,
            ethnic_group: None,
        };
        let fields = match fields.checked() {
            Ok(fields) => Some(fields),
            Err(field_errors) => {
                for (column, message) in field_errors {
                    // A value that could not be read at all is reported once, as unreadable.
                    if !errors[before..].iter().any(|e| e.column == column) {
                        errors.push(RowError::new(line, &column, message));
                    }
                }
                None
            }
        };
        if let Some(fields) = &fields
            && let Some(first) = numbers_seen.insert(fields.membership_number.clone(), line)
        {
            errors.push(RowError::new(
                line,
                "membership_number",
                format!("{} is also on line {first}", fields.membership_number),
            ));
        }
        if let (Some(branch), Some(employer), Some(fields), true) =
            (branch, employer, fields, errors.len() == before)
        {
            rows.push(MemberRow {
                branch,
                employer,
                fields,
            });
        }
        progress.advance(1);
    }

    // Existing members with these numbers: updated or unchanged, and only within scope.
    let numbers: Vec<String> = rows
        .iter()
        .map(|r| r.fields.membership_number.clone())
        .collect();
    let existing: HashMap<String, Member> = chunked(&numbers, LOOKUP_CHUNK, |chunk| {
        members::table
            .filter(members::membership_number.eq_any(chunk))
            .select(Member::as_select())
            .load(conn)
    })?
    .into_iter()
    .map(|m| (m.membership_number.clone(), m))
    .collect();
    let region_of: HashMap<BranchId, crate::models::RegionId> = branch_by_code
        .values()
        .map(|b| (b.id, b.region_id))
        .collect();
    // A number held in a branch the caller cannot edit is answered as a number not held at
    // all (a new member), so that an import, dry or not, cannot tell which numbers exist
    // elsewhere. Writing such a row meets the database's uniqueness and the whole import is
    // refused with one conflict that names no line; the attempt is audited.
    let existing: HashMap<String, Member> = existing
        .into_iter()
        .filter(|(_, member)| match writer {
            RecordScope::All => true,
            RecordScope::Branch(own) => member.branch_id == own,
            RecordScope::Region(region) => region_of.get(&member.branch_id) == Some(&region),
        })
        .collect();

    let mut report = ImportReport {
        dry_run: options.dry_run,
        rows: table.len(),
        created: 0,
        updated: 0,
        unchanged: 0,
        employers_created: new_employers.len(),
        errors,
    };
    if report.is_refused() {
        report.errors.sort_by_key(|e| e.line);
        audit_refused(conn, actor, "member", &report)?;
        return Ok(report);
    }

    let mut created_employers: HashMap<String, EmployerId> = HashMap::new();
    if !options.dry_run {
        for name in &new_employers {
            let employer = Employer::create(
                conn,
                &NewEmployer {
                    name: name.clone(),
                    safe_caseload_override: None,
                },
            )?;
            created_employers.insert(name.clone(), employer.id);
        }
    }
    let mut to_insert: Vec<NewMember> = Vec::new();
    let mut to_update = Vec::new();
    for row in rows {
        let employer = match row.employer {
            EmployerRef::Known(id) => id,
            EmployerRef::New(name) => created_employers
                .get(&name)
                .copied()
                .unwrap_or(EmployerId(0)),
        };
        match existing.get(&row.fields.membership_number) {
            None => to_insert.push(new_member(row.branch, employer, row.fields)),
            Some(member) => {
                let same = MemberFields::from(member)
                    == MemberFields {
                        // The import does not carry equality data: keep what is held.
                        equality_consent: member.equality_consent,
                        age_band: member.age_band,
                        ethnic_group: member.ethnic_group,
                        ..row.fields.clone()
                    }
                    && member.branch_id == row.branch
                    && member.employer_id == employer;
                if same {
                    report.unchanged += 1;
                } else {
                    let fields = MemberFields {
                        equality_consent: member.equality_consent,
                        age_band: member.age_band,
                        ethnic_group: member.ethnic_group,
                        ..row.fields
                    };
                    to_update.push((member.id, full_update(row.branch, employer, fields)));
                }
            }
        }
    }
    report.created = to_insert.len();
    report.updated = to_update.len();
    let counts = format!(
        "rows={} created={} updated={} unchanged={} employers_created={}",
        report.rows, report.created, report.updated, report.unchanged, report.employers_created
    );
    let updated: Vec<i64> = to_update.iter().map(|(id, _)| id.0).collect();
    if options.dry_run {
        audit_import(
            conn,
            actor,
            "import_dry_run",
            "member",
            counts,
            &[("would update", &updated)],
        )?;
        return Ok(report);
    }

    progress.start("writing", (to_insert.len() + to_update.len()) as u64);
    for chunk in to_insert.chunks(INSERT_CHUNK) {
        insert_members(conn, chunk).map_err(|error| match AppError::from(error) {
            AppError::Conflict(_) => AppError::Conflict(
                "a membership number in the file is already recorded in a branch you cannot \
                 edit; nothing was written (an administrator can move the member)"
                    .into(),
            ),
            other => other,
        })?;
        progress.advance(chunk.len() as u64);
    }
    for (id, changes) in to_update {
        Member::update(conn, id, changes)?;
        progress.advance(1);
    }
    let numbers: Vec<String> = to_insert
        .iter()
        .map(|m| m.membership_number.clone())
        .collect();
    let created: Vec<i64> = chunked(&numbers, LOOKUP_CHUNK, |chunk| {
        members::table
            .filter(members::membership_number.eq_any(chunk))
            .select(members::id)
            .load::<MemberId>(conn)
    })?
    .into_iter()
    .map(|id| id.0)
    .collect();
    audit_import(
        conn,
        actor,
        "import",
        "member",
        counts,
        &[("created", &created), ("updated", &updated)],
    )?;
    Ok(report)
}

/// An import's (or a dry run's) entries: its counts, then the ids of the members it touched
/// (or would), each list under its label.
fn audit_import(
    conn: &mut DbConn,
    actor: Option<UserId>,
    action: &'static str,
    entity: &'static str,
    counts: String,
    touched: &[(&str, &[i64])],
) -> Result<(), AppError> {
    audit::record(conn, Event::new(actor, action, entity).detail(counts))?;
    for (what, ids) in touched {
        audit::record_ids(conn, actor, action, "member", what, ids)?;
    }
    Ok(())
}

/// A refused import (dry or not) is in the trail too, with how many rows it had and refused.
fn audit_refused(
    conn: &mut DbConn,
    actor: Option<UserId>,
    entity: &'static str,
    report: &ImportReport,
) -> Result<(), AppError> {
    let action = if report.dry_run {
        "import_dry_run"
    } else {
        "import"
    };
    audit::record(
        conn,
        Event::new(actor, action, entity).detail(format!(
            "refused rows={} problems={}",
            report.rows,
            report.errors.len()
        )),
    )
}

fn in_scope(writer: RecordScope, branch: &Branch) -> bool {
    match writer {
        RecordScope::All => true,
        RecordScope::Branch(own) => branch.id == own,
        RecordScope::Region(region) => branch.region_id == region,
    }
}

fn insert_members(conn: &mut DbConn, chunk: &[NewMember]) -> QueryResult<usize> {
    crate::db_run!(conn, {
        diesel::insert_into(members::table)
            .values(chunk)
            .execute(conn)
    })
}

fn insert_workload(conn: &mut DbConn, chunk: &[NewWorkloadRecord]) -> QueryResult<usize> {
    crate::db_run!(conn, {
        diesel::insert_into(workload_records::table)
            .values(chunk)
            .execute(conn)
    })
}

/// Imports workload records (a branch's workload survey, or an employer's data). A record
/// with the same member, date and source as one held is updated (or unchanged), never doubled.
pub fn import_workload(
    conn: &mut DbConn,
    actor: Option<UserId>,
    writer: RecordScope,
    bytes: &[u8],
    options: ImportOptions,
    progress: &dyn Progress,
) -> Result<ImportReport, AppError> {
    let table = match Table::read(bytes, WORKLOAD_REQUIRED, WORKLOAD_COLUMNS) {
        Ok(table) => table,
        Err(errors) => return Ok(ImportReport::refused(errors, options.dry_run)),
    };
    progress.start("checking", table.len() as u64);
    let numbers: Vec<String> = table
        .rows()
        .filter_map(|r| r.get("membership_number").map(str::to_owned))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    type Facts = (
        String,
        MemberId,
        f64,
        EmployerId,
        Option<NaiveDate>,
        Option<NaiveDate>,
    );
    let member_by_number: HashMap<String, MemberFacts> =
        chunked(&numbers, LOOKUP_CHUNK, |chunk| {
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
        })?
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
        .collect();

    let mut errors = table.unreadable.clone();
    let mut records: Vec<(u64, NewWorkloadRecord)> = Vec::new();
    let mut keys_seen: HashMap<(MemberId, chrono::NaiveDate, WorkloadSource), u64> = HashMap::new();
    for row in table.rows() {
        let line = row.line;
        let before = errors.len();
        let member = match row.get("membership_number") {
            None => {
                errors.push(RowError::new(line, "membership_number", "is required"));
                None
            }
            Some(number) => match member_by_number.get(number) {
                Some(id) => Some(*id),
                None => {
                    errors.push(RowError::new(
                        line,
                        "membership_number",
                        format!("no member numbered {number} in your scope"),
                    ));
                    None
                }
            },
        };
        let recorded_on = parse_field(&row, "recorded_on", &mut errors, parse_date);
        let open_cases = parse_field(&row, "open_cases", &mut errors, parse_whole);
        let hours_worked = parse_field(&row, "hours_worked", &mut errors, parse_number);
        let contracted_hours = parse_field(&row, "contracted_hours", &mut errors, parse_number);
        let fte = parse_field(&row, "fte", &mut errors, parse_number);
        let source = parse_field(&row, "source", &mut errors, |s| {
            s.parse::<WorkloadSource>().map_err(|e| e.to_string())
        });
        for (column, value) in [
            ("recorded_on", recorded_on.is_some()),
            ("open_cases", open_cases.is_some()),
            ("source", source.is_some()),
        ] {
            if !value && row.get(column).is_none() {
                errors.push(RowError::new(line, column, "is required"));
            }
        }
        if errors.len() > before {
            progress.advance(1);
            continue;
        }
        let (Some(member), Some(recorded_on), Some(open_cases), Some(source)) =
            (member, recorded_on, open_cases, source)
        else {
            continue;
        };
        let input = WorkloadInput {
            recorded_on,
            open_cases,
            hours_worked,
            contracted_hours,
            source,
            note: row.get("note").map(str::to_owned),
            fte,
            employer_id: None,
        };
        match input.checked(&member, actor) {
            Ok(record) => {
                if let Some(first) = keys_seen.insert((member.id, recorded_on, source), line) {
                    errors.push(RowError::new(
                        line,
                        "recorded_on",
                        format!("the same member, date and source are on line {first}"),
                    ));
                } else {
                    records.push((line, record));
                }
            }
            Err(field_errors) => {
                errors.extend(
                    field_errors
                        .into_iter()
                        .map(|(c, m)| RowError::new(line, &c, m)),
                );
            }
        }
        progress.advance(1);
    }
    let mut report = ImportReport {
        dry_run: options.dry_run,
        rows: table.len(),
        created: 0,
        updated: 0,
        unchanged: 0,
        employers_created: 0,
        errors,
    };
    if report.is_refused() {
        report.errors.sort_by_key(|e| e.line);
        audit_refused(conn, actor, "workload_record", &report)?;
        return Ok(report);
    }

    let member_ids: Vec<MemberId> = member_by_number.values().map(|m| m.id).collect();
    let held: HashMap<(MemberId, chrono::NaiveDate, WorkloadSource), WorkloadRecord> =
        chunked(&member_ids, LOOKUP_CHUNK, |chunk| {
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
    for (_, record) in records {
        match held.get(&(record.member_id, record.recorded_on, record.source)) {
            None => to_insert.push(record),
            Some(old) => {
                let same = old.open_cases == record.open_cases
                    && old.hours_worked == record.hours_worked
                    && old.contracted_hours == record.contracted_hours
                    && old.note == record.note;
                if same {
                    report.unchanged += 1;
                } else {
                    to_update.push((old.id, record));
                }
            }
        }
    }
    report.created = to_insert.len();
    report.updated = to_update.len();
    let counts = format!(
        "rows={} created={} updated={} unchanged={}",
        report.rows, report.created, report.updated, report.unchanged
    );
    let mut touched: Vec<i64> = to_insert
        .iter()
        .map(|r| r.member_id.0)
        .chain(to_update.iter().map(|(_, r)| r.member_id.0))
        .collect();
    touched.sort_unstable();
    touched.dedup();
    if options.dry_run {
        audit_import(
            conn,
            actor,
            "import_dry_run",
            "workload_record",
            counts,
            &[("members whose records would change", &touched)],
        )?;
        return Ok(report);
    }
    progress.start("writing", (to_insert.len() + to_update.len()) as u64);
    for chunk in to_insert.chunks(INSERT_CHUNK) {
        insert_workload(conn, chunk)?;
        progress.advance(chunk.len() as u64);
    }
    for (id, record) in to_update {
        diesel::update(workload_records::table.find(id))
            .set((
                workload_records::open_cases.eq(record.open_cases),
                workload_records::hours_worked.eq(record.hours_worked),
                workload_records::contracted_hours.eq(record.contracted_hours),
                workload_records::note.eq(record.note),
            ))
            .execute(conn)?;
        progress.advance(1);
    }
    audit_import(
        conn,
        actor,
        "import",
        "workload_record",
        counts,
        &[("members whose records changed", &touched)],
    )?;
    Ok(report)
}
