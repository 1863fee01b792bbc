//! Workload records: the open cases a member holds and the hours they work, over time.

use chrono::{Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::audit::{self, Event};
use crate::auth::Casework;
use crate::db::DbConn;
use crate::error::{AppError, FieldErrors};
use crate::models::{
    Employer, EmployerId, Member, MemberId, NewWorkloadRecord, Settings, UserId, WorkloadRecord,
    WorkloadSource,
};

pub const OPEN_CASES_MAX: i64 = 500;
pub const HOURS_MAX: f64 = 168.0;
pub const NOTE_MAX: usize = 2000;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkloadInput {
    pub recorded_on: NaiveDate,
    /// Read wide so that an absurd number is refused by name, not by overflow.
    pub open_cases: i64,
    pub hours_worked: Option<f64>,
    pub contracted_hours: Option<f64>,
    pub source: WorkloadSource,
    pub note: Option<String>,
}

impl WorkloadInput {
    /// Checks every field, collecting all problems; shared with the CSV import.
    pub fn checked(
        self,
        member: MemberId,
        author: Option<UserId>,
    ) -> Result<NewWorkloadRecord, FieldErrors> {
        let mut errors = FieldErrors::new();
        let today = Utc::now().date_naive();
        if self.recorded_on > today.succ_opt().unwrap_or(today) {
            errors.insert("recorded_on".into(), "must not be in the future".into());
        } else if self.recorded_on.year() < 1990 {
            errors.insert("recorded_on".into(), "must be in 1990 or later".into());
        }
        if !(0..=OPEN_CASES_MAX).contains(&self.open_cases) {
            errors.insert(
                "open_cases".into(),
                format!("must be a whole number from 0 to {OPEN_CASES_MAX}"),
            );
        }
        if let Some(h) = self.hours_worked
            && !(h.is_finite() && (0.0..=HOURS_MAX).contains(&h))
        {
            errors.insert(
                "hours_worked".into(),
                format!("must be from 0 to {HOURS_MAX}"),
            );
        }
        if let Some(h) = self.contracted_hours
            && !(h.is_finite() && h > 0.0 && h <= HOURS_MAX)
        {
            errors.insert(
                "contracted_hours".into(),
                format!("must be more than 0 and at most {HOURS_MAX}"),
            );
        }
        let note = self
            .note
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty());
        if note.as_ref().is_some_and(|n| n.chars().count() > NOTE_MAX) {
            errors.insert(
                "note".into(),
                format!("must be at most {NOTE_MAX} characters"),
            );
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(NewWorkloadRecord {
            member_id: member,
            recorded_on: self.recorded_on,
            open_cases: self.open_cases as i32,
            hours_worked: self.hours_worked,
            contracted_hours: self.contracted_hours,
            source: self.source,
            note,
            created_by: author,
        })
    }
}

pub fn add(
    conn: &mut DbConn,
    actor: UserId,
    writer: Casework,
    member: MemberId,
    input: WorkloadInput,
) -> Result<WorkloadRecord, AppError> {
    Member::find_in(conn, writer, member)?;
    let new = input.checked(member, Some(actor)).map_err(|fields| {
        let message = fields
            .iter()
            .map(|(f, w)| format!("{f}: {w}"))
            .collect::<Vec<_>>()
            .join("; ");
        AppError::Unprocessable { message, fields }
    })?;
    let record = WorkloadRecord::create(conn, &new)?;
    audit::record(
        conn,
        Event::new(Some(actor), "create", "workload_record")
            .id(record.id.0)
            .detail(format!("member={member}")),
    )?;
    Ok(record)
}

/// The safe-caseload threshold for an employer's staff: its override, else the setting.
pub fn threshold(conn: &mut DbConn, employer: EmployerId) -> Result<f64, AppError> {
    let employer = Employer::find(conn, employer)?;
    match employer.safe_caseload_override {
        Some(value) => Ok(value),
        None => Ok(Settings::load(conn)?.safe_caseload),
    }
}

/// A member's workload over time, measured against their threshold.
#[derive(Debug, Clone, Serialize)]
pub struct CaseloadHistory {
    pub safe_caseload: f64,
    /// Whether the latest record is above the safe caseload.
    pub above_safe_caseload: bool,
    pub latest_per_fte: Option<f64>,
    pub points: Vec<CaseloadPoint>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CaseloadPoint {
    pub recorded_on: NaiveDate,
    pub caseload_per_fte: f64,
    pub record: WorkloadRecord,
}

pub fn history(conn: &mut DbConn, member: &Member) -> Result<CaseloadHistory, AppError> {
    let safe_caseload = threshold(conn, member.employer_id)?;
    let points: Vec<CaseloadPoint> = WorkloadRecord::for_member(conn, member.id)?
        .into_iter()
        .map(|record| CaseloadPoint {
            recorded_on: record.recorded_on,
            caseload_per_fte: round2(record.caseload_per_fte(member.fte)),
            record,
        })
        .collect();
    let latest = points.last().map(|p| p.record.caseload_per_fte(member.fte));
    Ok(CaseloadHistory {
        safe_caseload,
        above_safe_caseload: latest.is_some_and(|c| c > safe_caseload),
        latest_per_fte: latest.map(round2),
        points,
    })
}

fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}
