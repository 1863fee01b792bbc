//! Importing members: each row checked (branch within the writer's scope, employer known or,
//! for administrators, to be created, the member's fields), then matched against the members
//! held by number, then written all at once.

use std::collections::{BTreeSet, HashMap};

use diesel::prelude::*;

use super::{
    INSERT_CHUNK, ImportOptions, ImportReport, LOOKUP_CHUNK, MEMBER_COLUMNS, MEMBER_REQUIRED,
    Progress, RowChanges, audit_import, chunked, open, refuse,
};
use crate::access::RecordScope;
use crate::audit::{Action, Entity};
use crate::casework::changes::{self, Change, Via, diff};
use crate::casework::csv_table::{
    Given, Row, RowError, parse_date, parse_field, parse_given, parse_number, text,
};
use crate::casework::member_fields::{MEMBER_FIELDS, MemberFields};
use crate::casework::members::full_update;
use crate::db::DbConn;
use crate::db::schema::members;
use crate::error::AppError;
use crate::models::{
    Branch, BranchId, Employer, EmployerId, Member, MemberId, NewEmployer, NewMember, UpdateMember,
    UserId,
};

/// A row that passed every check.
struct MemberRow {
    line: u64,
    branch: BranchId,
    employer: EmployerRef,
    fields: MemberFields,
    optional: Optional,
}

/// What the row says about each optional field: a member held keeps a field the file leaves
/// out or blank, and loses it only to `(clear)`.
#[derive(Clone)]
struct Optional {
    email: Given<String>,
    phone: Given<String>,
    team: Given<String>,
    start_date: Given<chrono::NaiveDate>,
    left_on: Given<chrono::NaiveDate>,
}

impl Optional {
    fn read(row: &Row, errors: &mut Vec<RowError>) -> Self {
        Self {
            email: parse_given(row, "email", errors, text),
            phone: parse_given(row, "phone", errors, text),
            team: parse_given(row, "team", errors, text),
            start_date: parse_given(row, "start_date", errors, parse_date),
            left_on: parse_given(row, "left_on", errors, parse_date),
        }
    }

    /// `fields` with each optional field as given, over what `held` has (none for a new
    /// member).
    fn apply(self, fields: MemberFields, held: Option<&Member>) -> MemberFields {
        MemberFields {
            email: self.email.or_held(held.and_then(|m| m.email.clone())),
            phone: self.phone.or_held(held.and_then(|m| m.phone.clone())),
            team: self.team.or_held(held.and_then(|m| m.team.clone())),
            start_date: self.start_date.or_held(held.and_then(|m| m.start_date)),
            left_on: self.left_on.or_held(held.and_then(|m| m.left_on)),
            ..fields
        }
    }
}

enum EmployerRef {
    Known(EmployerId),
    New(String),
}

/// Branches by code and employers by name, for reading rows.
struct Lookups {
    branch_by_code: HashMap<String, Branch>,
    employer_by_name: HashMap<String, EmployerId>,
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
    if options.create_employers && writer != RecordScope::All {
        return Err(AppError::Forbidden);
    }
    let table = match open(bytes, MEMBER_REQUIRED, MEMBER_COLUMNS, options, progress) {
        Ok(table) => table,
        Err(report) => return Ok(report),
    };
    let lookups = Lookups::load(conn)?;
    let (rows, errors, new_employers) = check_rows(&table, writer, options, &lookups, progress);
    let mut report = ImportReport::checked(&table, errors, options);
    report.employers_created = new_employers.len();
    if report.is_refused() {
        return refuse(conn, actor, Entity::Member, report);
    }
    let region_of: HashMap<BranchId, _> = lookups
        .branch_by_code
        .values()
        .map(|b| (b.id, b.region_id))
        .collect();
    let existing = existing_in_scope(conn, writer, &rows, &region_of)?;
    check_against_held(&rows, &existing, &mut report);
    if report.is_refused() {
        return refuse(conn, actor, Entity::Member, report);
    }
    let created_employers = create_employers(conn, &new_employers, options)?;
    let (to_insert, to_update, changed) = plan(rows, &existing, &created_employers, &mut report);
    let kept = report.changes.clone();
    let branches = lookups
        .branch_by_code
        .values()
        .map(|b| (b.id.0, b.code.clone()))
        .collect();
    let employers = Employer::list(conn)?
        .into_iter()
        .map(|e| (e.id.0, e.name))
        .collect();
    named(&mut report.changes, &branches, &employers);
    report.created = to_insert.len();
    report.updated = to_update.len();
    let counts = format!(
        "rows={} created={} updated={} unchanged={} employers_created={}",
        report.rows, report.created, report.updated, report.unchanged, report.employers_created
    );
    let updated: Vec<i64> = to_update.iter().map(|(id, _)| id.0).collect();
    if options.dry_run {
        let touched = [("would update", updated.as_slice())];
        audit_import(
            conn,
            actor,
            Action::ImportDryRun,
            Entity::Member,
            counts,
            &touched,
        )?;
        return Ok(report);
    }
    let created = write(conn, actor, to_insert, to_update, progress)?;
    for (member, row) in changed.into_iter().zip(kept) {
        let change = Change {
            member,
            entity: Entity::Member,
            id: member.0,
            via: Via::Import,
            by: actor,
        };
        changes::keep(conn, change, &row.fields)?;
    }
    let touched = [("created", created.as_slice()), ("updated", &updated)];
    audit_import(
        conn,
        actor,
        Action::Import,
        Entity::Member,
        counts,
        &touched,
    )?;
    Ok(report)
}

impl Lookups {
    fn load(conn: &mut DbConn) -> Result<Lookups, AppError> {
        Ok(Lookups {
            branch_by_code: Branch::list(conn)?
                .into_iter()
                .map(|b| (b.code.clone(), b))
                .collect(),
            employer_by_name: Employer::list(conn)?
                .into_iter()
                .map(|e| (e.name.to_lowercase(), e.id))
                .collect(),
        })
    }
}

/// Checks every row: the rows that passed, every problem (the unreadable lines first, a
/// membership number given twice among them), and the employers the file would create.
fn check_rows(
    table: &crate::casework::csv_table::Table,
    writer: RecordScope,
    options: ImportOptions,
    lookups: &Lookups,
    progress: &dyn Progress,
) -> (Vec<MemberRow>, Vec<RowError>, BTreeSet<String>) {
    let mut errors = table.unreadable.clone();
    let mut rows = Vec::with_capacity(table.len());
    let mut numbers_seen: HashMap<String, u64> = HashMap::new();
    let mut new_employers = BTreeSet::new();
    for row in table.rows() {
        let before = errors.len();
        let (branch, employer, fields, optional) =
            check_row(&row, writer, options, lookups, &mut errors);
        if let Some(EmployerRef::New(name)) = &employer {
            new_employers.insert(name.clone());
        }
        if let Some(fields) = &fields
            && let Some(first) = numbers_seen.insert(fields.membership_number.clone(), row.line)
        {
            let why = format!("{} is also on line {first}", fields.membership_number);
            errors.push(RowError::new(row.line, "membership_number", why));
        }
        if let (Some(branch), Some(employer), Some(fields), true) =
            (branch, employer, fields, errors.len() == before)
        {
            rows.push(MemberRow {
                line: row.line,
                branch,
                employer,
                fields,
                optional,
            });
        }
        progress.advance(1);
    }
    (rows, errors, new_employers)
}

/// Checks one row, adding its problems to `errors`; its branch, employer and fields where
/// each could be read (the optional ones as for a new member), and what it says of each
/// optional field.
fn check_row(
    row: &Row,
    writer: RecordScope,
    options: ImportOptions,
    lookups: &Lookups,
    errors: &mut Vec<RowError>,
) -> (
    Option<BranchId>,
    Option<EmployerRef>,
    Option<MemberFields>,
    Optional,
) {
    let before = errors.len();
    let fte = parse_field(row, "fte", errors, parse_number);
    let optional = Optional::read(row, errors);
    let branch = check_branch(row, writer, lookups, errors);
    let employer = check_employer(row, options, lookups, errors);
    let fields = MemberFields {
        // Where they belong is checked above and set when the row is planned.
        branch_id: None,
        employer_id: EmployerId(0),
        membership_number: row.get("membership_number").unwrap_or_default().to_owned(),
        first_name: row.get("first_name").unwrap_or_default().to_owned(),
        last_name: row.get("last_name").unwrap_or_default().to_owned(),
        email: None,
        phone: None,
        job_role: row.get("job_role").unwrap_or_default().to_owned(),
        team: None,
        fte: fte.unwrap_or(f64::NAN),
        start_date: None,
        left_on: None,
        equality_consent: false,
        age_band: None,
        ethnic_group: None,
    };
    let fields = match optional.clone().apply(fields, None).checked() {
        Ok(fields) => Some(fields),
        Err(field_errors) => {
            for (column, message) in field_errors {
                // A value that could not be read at all is reported once, as unreadable.
                if !errors[before..].iter().any(|e| e.column == column) {
                    errors.push(RowError::new(row.line, &column, message));
                }
            }
            None
        }
    };
    (branch, employer, fields, optional)
}

/// The row's branch: by code, and one the writer may import into; an officer's own when blank.
fn check_branch(
    row: &Row,
    writer: RecordScope,
    lookups: &Lookups,
    errors: &mut Vec<RowError>,
) -> Option<BranchId> {
    let line = row.line;
    let Some(code) = row.get("branch_code") else {
        if let RecordScope::Branch(own) = writer {
            return Some(own);
        }
        errors.push(RowError::new(line, "branch_code", "is required"));
        return None;
    };
    let why = match lookups.branch_by_code.get(&code.to_uppercase()) {
        Some(b) if writer.covers(b.id, b.region_id) => return Some(b.id),
        Some(_) => format!("{code} is not a branch you can import into"),
        None => format!("no branch has the code {code}"),
    };
    errors.push(RowError::new(line, "branch_code", why));
    None
}

/// The row's employer: one held (by name, in any case), or a new one when asked to create.
fn check_employer(
    row: &Row,
    options: ImportOptions,
    lookups: &Lookups,
    errors: &mut Vec<RowError>,
) -> Option<EmployerRef> {
    let line = row.line;
    let Some(name) = row.get("employer") else {
        errors.push(RowError::new(line, "employer", "is required"));
        return None;
    };
    if let Some(id) = lookups.employer_by_name.get(&name.to_lowercase()) {
        return Some(EmployerRef::Known(*id));
    }
    if !options.create_employers {
        let why = format!("no employer is named {name:?} (import with create employers to add it)");
        errors.push(RowError::new(line, "employer", why));
        return None;
    }
    match crate::validate::line_problem(name.trim(), crate::validate::NAME_MAX) {
        Some(why) => {
            errors.push(RowError::new(line, "employer", why));
            None
        }
        None => Some(EmployerRef::New(name.trim().to_owned())),
    }
}

/// Members held with the rows' numbers, within the writer's scope. A number held in a branch
/// the caller cannot edit is answered as a number not held at all (a new member), so that an
/// import, dry or not, cannot tell which numbers exist elsewhere. Writing such a row meets the
/// database's uniqueness and the whole import is refused with one conflict that names no line;
/// the attempt is audited.
fn existing_in_scope(
    conn: &mut DbConn,
    writer: RecordScope,
    rows: &[MemberRow],
    region_of: &HashMap<BranchId, crate::models::RegionId>,
) -> Result<HashMap<String, Member>, AppError> {
    let numbers: Vec<String> = rows
        .iter()
        .map(|r| r.fields.membership_number.clone())
        .collect();
    let held = chunked(&numbers, LOOKUP_CHUNK, |chunk| {
        members::table
            .filter(members::membership_number.eq_any(chunk))
            .select(Member::as_select())
            .load(conn)
    })?;
    Ok(held
        .into_iter()
        .filter(|m| {
            region_of
                .get(&m.branch_id)
                .is_some_and(|region| writer.covers(m.branch_id, *region))
        })
        .map(|m| (m.membership_number.clone(), m))
        .collect())
}

/// Creates the employers the file names that are not held yet (not in a dry run).
fn create_employers(
    conn: &mut DbConn,
    names: &BTreeSet<String>,
    options: ImportOptions,
) -> Result<HashMap<String, EmployerId>, AppError> {
    let mut created = HashMap::new();
    if options.dry_run {
        return Ok(created);
    }
    for name in names {
        let new = NewEmployer {
            name: name.clone(),
            safe_caseload_override: None,
            supervision_regular_days_override: None,
        };
        created.insert(name.clone(), Employer::create(conn, &new)?.id);
    }
    Ok(created)
}

/// The rows that update a member held, checked once applied to what is held: a leaving date
/// before the start date the row left out, say, is a row error.
fn check_against_held(
    rows: &[MemberRow],
    existing: &HashMap<String, Member>,
    report: &mut ImportReport,
) {
    for row in rows {
        let Some(member) = existing.get(&row.fields.membership_number) else {
            continue;
        };
        let applied = row.optional.clone().apply(row.fields.clone(), Some(member));
        if let Err(problems) = applied.checked() {
            report.errors.extend(
                problems
                    .into_iter()
                    .map(|(column, why)| RowError::new(row.line, &column, why)),
            );
        }
    }
}

/// Which rows are new members, which change a member held, and how many change nothing. A
/// member held keeps every optional field the row leaves out or blank.
fn plan(
    rows: Vec<MemberRow>,
    existing: &HashMap<String, Member>,
    created_employers: &HashMap<String, EmployerId>,
    report: &mut ImportReport,
) -> (Vec<NewMember>, Vec<(MemberId, UpdateMember)>, Vec<MemberId>) {
    let mut to_insert = Vec::new();
    let mut to_update = Vec::new();
    let mut changed = Vec::new();
    for row in rows {
        let line = row.line;
        let employer = match row.employer {
            EmployerRef::Known(id) => id,
            EmployerRef::New(name) => created_employers
                .get(&name)
                .copied()
                .unwrap_or(EmployerId(0)),
        };
        let Some(member) = existing.get(&row.fields.membership_number) else {
            to_insert.push(
                MemberFields {
                    employer_id: employer,
                    ..row.optional.apply(row.fields, None)
                }
                .into_new(row.branch),
            );
            continue;
        };
        // The import does not carry equality data: keep what is held.
        let fields = MemberFields {
            branch_id: Some(row.branch),
            employer_id: employer,
            equality_consent: member.equality_consent,
            age_band: member.age_band,
            ethnic_group: member.ethnic_group,
            ..row.optional.apply(row.fields, Some(member))
        };
        let fields_changed = diff(&MemberFields::from(member), &fields, MEMBER_FIELDS);
        if fields_changed.is_empty() {
            report.unchanged += 1;
        } else {
            report.changes.push(RowChanges {
                line,
                record: member.membership_number.clone(),
                fields: fields_changed,
            });
            changed.push(member.id);
            to_update.push((member.id, full_update(row.branch, employer, fields)));
        }
    }
    (to_insert, to_update, changed)
}

/// Names branches and employers in a report's changes (the file names them so) where the
/// records hold their ids.
fn named(
    changes: &mut [RowChanges],
    branches: &HashMap<i64, String>,
    employers: &HashMap<i64, String>,
) {
    for field in changes.iter_mut().flat_map(|row| row.fields.iter_mut()) {
        let (label, names) = match field.field.as_str() {
            "branch_id" => ("branch", branches),
            "employer_id" => ("employer", employers),
            _ => continue,
        };
        let name = |value: &Option<String>| {
            value.as_ref().map(|id| {
                id.parse::<i64>()
                    .ok()
                    .and_then(|id| names.get(&id).cloned())
                    .unwrap_or_else(|| id.clone())
            })
        };
        field.old = name(&field.old);
        field.new = name(&field.new);
        field.field = label.to_owned();
    }
}

/// Writes the plan; the ids of the members created.
fn write(
    conn: &mut DbConn,
    actor: Option<UserId>,
    to_insert: Vec<NewMember>,
    to_update: Vec<(MemberId, UpdateMember)>,
    progress: &dyn Progress,
) -> Result<Vec<i64>, AppError> {
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
        let before: BranchId = members::table
            .find(id)
            .select(members::branch_id)
            .first(conn)?;
        let after = Member::update(conn, id, changes)?.branch_id;
        if after != before {
            crate::casework::cases::follow_member(conn, actor, id, before, after)?;
        }
        progress.advance(1);
    }
    let numbers: Vec<String> = to_insert
        .iter()
        .map(|m| m.membership_number.clone())
        .collect();
    let created = chunked(&numbers, LOOKUP_CHUNK, |chunk| {
        members::table
            .filter(members::membership_number.eq_any(chunk))
            .select(members::id)
            .load::<MemberId>(conn)
    })?;
    Ok(created.into_iter().map(|id| id.0).collect())
}

fn insert_members(conn: &mut DbConn, chunk: &[NewMember]) -> QueryResult<usize> {
    crate::db_run!(conn, {
        diesel::insert_into(members::table)
            .values(chunk)
            .execute(conn)
    })
}
