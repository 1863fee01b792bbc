//! CSV import of members and of workload records. All rows or none: every row is checked
//! first, and if any is invalid nothing is written and the report names each problem by line
//! and column. A dry run reports what would happen without writing.

use diesel::QueryResult;
use serde::Serialize;

use super::csv_table::{RowError, Table};
use crate::audit::{self, Action, Entity, Event, Principal};
use crate::db::DbConn;
use crate::error::AppError;
use crate::models::UserId;

mod members;
mod supervision;
mod workload;

pub use members::import_members;
pub use supervision::import_supervision;
pub use workload::import_workload;

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
/// Columns the workload export adds for people reading it (who the member is, the caseload per
/// FTE it works out): an import takes them, so the export goes back in as it is, and ignores
/// them, since the membership number finds the member and the figure follows from the record.
pub const WORKLOAD_EXPORT_ONLY: &[&str] = &["first_name", "last_name", "open_cases_per_fte"];
const WORKLOAD_REQUIRED: &[&str] = &["membership_number", "recorded_on", "open_cases", "source"];

pub const SUPERVISION_COLUMNS: &[&str] = &[
    "membership_number",
    "held_on",
    "kind",
    "minutes",
    "status",
    "called_off_by",
    "source",
    "note",
];
const SUPERVISION_REQUIRED: &[&str] = &["membership_number", "held_on", "kind", "source"];

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

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    pub dry_run: bool,
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub employers_created: usize,
    pub errors: Vec<RowError>,
    /// Each record the file changes (or, in a dry run, would): its line, the record, and
    /// every changed field's old and new value.
    pub changes: Vec<RowChanges>,
}

/// What one line of a file changes in a record held.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RowChanges {
    pub line: u64,
    /// The record: a membership number, with the date and source of a workload record.
    pub record: String,
    pub fields: Vec<crate::casework::changes::FieldChange>,
}

impl ImportReport {
    /// A file that could not be read as a table at all.
    fn refused(errors: Vec<RowError>, dry_run: bool) -> Self {
        Self {
            dry_run,
            rows: 0,
            created: 0,
            updated: 0,
            unchanged: 0,
            employers_created: 0,
            errors,
            changes: Vec::new(),
        }
    }

    /// The report on a file's checked rows, before anything is written.
    fn checked(table: &Table, errors: Vec<RowError>, options: ImportOptions) -> Self {
        Self {
            dry_run: options.dry_run,
            rows: table.len(),
            created: 0,
            updated: 0,
            unchanged: 0,
            employers_created: 0,
            errors,
            changes: Vec::new(),
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

/// An import's (or a dry run's) entries: its counts, then the ids of the members it touched
/// (or would), each list under its label.
fn audit_import(
    conn: &mut DbConn,
    actor: Option<UserId>,
    action: Action,
    entity: Entity,
    counts: String,
    touched: &[(&str, &[i64])],
) -> Result<(), AppError> {
    let principal = Principal::user_or_command_line(actor);
    audit::record(conn, Event::new(principal, action, entity).detail(counts))?;
    for (what, ids) in touched {
        audit::record_ids(conn, principal, action, Entity::Member, what, ids)?;
    }
    Ok(())
}

/// A refused import (dry or not) is in the trail too, with how many rows it had and refused.
fn audit_refused(
    conn: &mut DbConn,
    actor: Option<UserId>,
    entity: Entity,
    report: &ImportReport,
) -> Result<(), AppError> {
    let action = if report.dry_run {
        Action::ImportDryRun
    } else {
        Action::Import
    };
    audit::record(
        conn,
        Event::new(Principal::user_or_command_line(actor), action, entity).detail(format!(
            "refused rows={} problems={}",
            report.rows,
            report.errors.len()
        )),
    )
}

/// Reads a file as a table of the given columns; a file that cannot be read is answered with
/// its report.
fn open(
    bytes: &[u8],
    required: &[&str],
    columns: &[&str],
    options: ImportOptions,
    progress: &dyn Progress,
) -> Result<Table, ImportReport> {
    let table = Table::read(bytes, required, columns)
        .map_err(|errors| ImportReport::refused(errors, options.dry_run))?;
    progress.start("checking", table.len() as u64);
    Ok(table)
}

/// Ends a refused import: its problems in line order, and an audit entry.
fn refuse(
    conn: &mut DbConn,
    actor: Option<UserId>,
    entity: Entity,
    mut report: ImportReport,
) -> Result<ImportReport, AppError> {
    report.errors.sort_by_key(|e| e.line);
    audit_refused(conn, actor, entity, &report)?;
    Ok(report)
}
