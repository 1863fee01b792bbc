//! Workload records: the open cases a member holds and the hours they work, over time.

use chrono::{Datelike, NaiveDate, Utc};
use diesel::OptionalExtension;
use serde::{Deserialize, Serialize};

use super::changes::{self, Change, Entity, Via, diff};
use crate::access::{Actor, Seen};
use crate::audit::{self, Event};
use crate::db::DbConn;
use crate::error::{AppError, FieldErrors};
use crate::models::{
    Employer, EmployerId, Member, MemberId, NewWorkloadRecord, Settings, UserId, WorkloadRecord,
    WorkloadRecordId, WorkloadSource,
};
use crate::validate::double_option;

/// The most open cases one worker can plausibly hold: a typo (500 for 50) is refused before it
/// skews every chart. Far above any caseload reported for social work, so a real heavy caseload
/// is never refused.
pub const OPEN_CASES_MAX: i64 = 150;
pub const HOURS_MAX: f64 = 168.0;
pub const NOTE_MAX: usize = 2000;

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkloadInput {
    pub recorded_on: NaiveDate,
    /// Read wide so that an absurd number is refused by name, not by overflow.
    #[schema(minimum = 0, maximum = 150, example = 18)]
    pub open_cases: i64,
    #[schema(minimum = 0, maximum = 168)]
    pub hours_worked: Option<f64>,
    #[schema(exclusive_minimum = 0, maximum = 168)]
    pub contracted_hours: Option<f64>,
    pub source: WorkloadSource,
    #[schema(max_length = 2000)]
    pub note: Option<String>,
    /// The member's FTE when the record was taken; the member's present FTE when not given.
    #[serde(default)]
    #[schema(minimum = 0.01, maximum = 1.0)]
    pub fte: Option<f64>,
    /// The member's employer when the record was taken; the present one when not given.
    #[serde(default)]
    pub employer_id: Option<EmployerId>,
}

/// A correction of a workload record: any of its fields, `null` clearing the optional ones.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkloadChanges {
    pub recorded_on: Option<NaiveDate>,
    #[schema(minimum = 0, maximum = 150, example = 18)]
    pub open_cases: Option<i64>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(minimum = 0, maximum = 168)]
    pub hours_worked: Option<Option<f64>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(exclusive_minimum = 0, maximum = 168)]
    pub contracted_hours: Option<Option<f64>>,
    pub source: Option<WorkloadSource>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(max_length = 2000)]
    pub note: Option<Option<String>>,
    #[schema(minimum = 0.01, maximum = 1.0)]
    pub fte: Option<f64>,
    pub employer_id: Option<EmployerId>,
}

impl WorkloadChanges {
    /// The record as it would be with these changes, to check as a whole.
    fn applied_to(self, record: &WorkloadRecord) -> WorkloadInput {
        WorkloadInput {
            recorded_on: self.recorded_on.unwrap_or(record.recorded_on),
            open_cases: self.open_cases.unwrap_or(i64::from(record.open_cases)),
            hours_worked: self.hours_worked.unwrap_or(record.hours_worked),
            contracted_hours: self.contracted_hours.unwrap_or(record.contracted_hours),
            source: self.source.unwrap_or(record.source),
            note: self.note.unwrap_or_else(|| record.note.clone()),
            fte: self.fte.or(record.fte),
            employer_id: self.employer_id.or(record.employer_id),
        }
    }
}

/// What a workload record (or a case) of a member is checked against and filled from.
#[derive(Debug, Clone, Copy)]
pub struct MemberFacts {
    pub id: MemberId,
    pub fte: f64,
    pub employer_id: EmployerId,
    pub start_date: Option<NaiveDate>,
    pub left_on: Option<NaiveDate>,
}

impl From<&Member> for MemberFacts {
    fn from(m: &Member) -> Self {
        Self {
            id: m.id,
            fte: m.fte,
            employer_id: m.employer_id,
            start_date: m.start_date,
            left_on: m.left_on,
        }
    }
}

impl MemberFacts {
    /// Why something dated `on` cannot belong to this member's membership, if it cannot.
    pub(crate) fn outside_membership(&self, on: NaiveDate) -> Option<String> {
        match (self.start_date, self.left_on) {
            (Some(start), _) if on < start => {
                Some(format!("is before the member's start date ({start})"))
            }
            (_, Some(left)) if on > left => Some(format!("is after the member left ({left})")),
            _ => None,
        }
    }
}

impl WorkloadInput {
    /// Checks every field, collecting all problems; shared with the CSV import.
    pub(crate) fn checked(
        self,
        member: &MemberFacts,
        author: Option<UserId>,
    ) -> Result<NewWorkloadRecord, FieldErrors> {
        let mut errors = FieldErrors::new();
        let today = Utc::now().date_naive();
        if self.recorded_on > today.succ_opt().unwrap_or(today) {
            errors.insert("recorded_on".into(), "must not be in the future".into());
        } else if self.recorded_on.year() < 1990 {
            errors.insert("recorded_on".into(), "must be in 1990 or later".into());
        } else if let Some(why) = member.outside_membership(self.recorded_on) {
            errors.insert("recorded_on".into(), why);
        }
        let fte = self.fte.unwrap_or(member.fte);
        if !crate::casework::member_fields::fte_allowed(fte) {
            errors.insert("fte".into(), crate::casework::member_fields::fte_refusal());
        }
        if !(0..=OPEN_CASES_MAX).contains(&self.open_cases) {
            errors.insert(
                "open_cases".into(),
                format!(
                    "must be a whole number from 0 to {OPEN_CASES_MAX} (more open cases than that \
                     for one worker is not plausible: check the figure)"
                ),
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
        if let Some(why) = note
            .as_deref()
            .and_then(|n| crate::validate::paragraph_problem(n, NOTE_MAX))
        {
            errors.insert("note".into(), why);
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(NewWorkloadRecord {
            member_id: member.id,
            fte,
            employer_id: self.employer_id.unwrap_or(member.employer_id),
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

/// A member the actor may write, and `input` checked against them.
fn checked_for(
    conn: &mut DbConn,
    actor: Actor,
    member: MemberId,
    input: WorkloadInput,
) -> Result<NewWorkloadRecord, AppError> {
    let found = actor.member_writer()?.member(conn, member)?;
    super::protection::refuse_if_erased(&found)?;
    if let Some(employer) = input.employer_id
        && Employer::find(conn, employer).optional()?.is_none()
    {
        return Err(AppError::invalid("employer_id", "no such employer"));
    }
    input
        .checked(&MemberFacts::from(&*found), Some(actor.id))
        .map_err(AppError::unprocessable)
}

/// A record of a member the actor may write (404 when the record is another member's).
fn record_of(
    conn: &mut DbConn,
    actor: Actor,
    member: MemberId,
    id: WorkloadRecordId,
) -> Result<WorkloadRecord, AppError> {
    actor
        .member_writer()?
        .member(conn, member)?
        .workload_record(conn, id)
}

/// Corrects a record; the report summaries follow in the same transaction.
pub(crate) fn change(
    conn: &mut DbConn,
    actor: Actor,
    member: MemberId,
    id: WorkloadRecordId,
    changes: WorkloadChanges,
) -> Result<WorkloadRecord, AppError> {
    let record = record_of(conn, actor, member, id)?;
    let new = checked_for(conn, actor, member, changes.applied_to(&record))?;
    let fields = diff(&record, &new, RECORD_FIELDS);
    let record = WorkloadRecord::replace(conn, id, &new)?;
    changes::keep(conn, kept(member, id, Via::Edit, actor), &fields)?;
    audit::record(
        conn,
        Event::new(
            actor.id,
            crate::audit::Action::Update,
            crate::audit::Entity::WorkloadRecord,
        )
        .id(id.0)
        .detail(format!("member={member}")),
    )?;
    Ok(record)
}

/// A workload record's fields, as a change lists them and a restore reads them back.
const RECORD_FIELDS: &[&str] = &[
    "recorded_on",
    "open_cases",
    "hours_worked",
    "contracted_hours",
    "source",
    "note",
    "fte",
    "employer_id",
];

/// How long a deleted record can be restored by whoever deleted it.
pub const UNDO_MINUTES: i64 = 30;

fn kept(member: MemberId, id: WorkloadRecordId, via: Via, actor: Actor) -> Change {
    Change {
        member,
        entity: Entity::WorkloadRecord,
        id: id.0,
        via,
        by: Some(actor.id),
    }
}

/// Deletes a record made in error, keeping every field so that the one who deleted it can
/// restore it for [`UNDO_MINUTES`].
pub(crate) fn delete(
    conn: &mut DbConn,
    actor: Actor,
    member: MemberId,
    id: WorkloadRecordId,
) -> Result<(), AppError> {
    let record = record_of(conn, actor, member, id)?;
    WorkloadRecord::delete(conn, id)?;
    let fields = diff(&record, &serde_json::Value::Null, RECORD_FIELDS);
    changes::keep(conn, kept(member, id, Via::Delete, actor), &fields)?;
    audit::record(
        conn,
        Event::new(
            actor.id,
            crate::audit::Action::Delete,
            crate::audit::Entity::WorkloadRecord,
        )
        .id(id.0)
        .detail(format!("member={member}")),
    )?;
    Ok(())
}

/// The records the actor deleted from a member in the last [`UNDO_MINUTES`] and has not
/// restored: each as it was, to offer "Undo".
pub(crate) fn recently_deleted(
    conn: &mut DbConn,
    actor: Actor,
    member: MemberId,
) -> Result<Vec<(WorkloadRecordId, NewWorkloadRecord)>, AppError> {
    let since = Utc::now().naive_utc() - chrono::Duration::minutes(UNDO_MINUTES);
    changes::deleted_since(conn, member, actor.id, since)?
        .into_iter()
        .map(|(id, fields)| Ok((WorkloadRecordId(id), as_it_was(member, &fields)?)))
        .collect()
}

/// A deleted record read back from what its deletion kept.
fn as_it_was(
    member: MemberId,
    fields: &[changes::RecordChange],
) -> Result<NewWorkloadRecord, AppError> {
    let value = |name: &str| {
        fields
            .iter()
            .find(|f| f.field == name)
            .and_then(|f| f.old_value.clone())
    };
    let lost = || AppError::Internal("a deleted workload record could not be read back".into());
    let number = |name: &str| value(name).and_then(|v| v.parse::<f64>().ok());
    Ok(NewWorkloadRecord {
        member_id: member,
        recorded_on: value("recorded_on")
            .and_then(|v| v.parse().ok())
            .ok_or_else(lost)?,
        open_cases: value("open_cases")
            .and_then(|v| v.parse().ok())
            .ok_or_else(lost)?,
        hours_worked: number("hours_worked"),
        contracted_hours: number("contracted_hours"),
        source: value("source")
            .and_then(|v| v.parse().ok())
            .ok_or_else(lost)?,
        note: value("note"),
        created_by: fields.first().and_then(|f| f.changed_by),
        fte: number("fte").ok_or_else(lost)?,
        employer_id: EmployerId(
            value("employer_id")
                .and_then(|v| v.parse().ok())
                .ok_or_else(lost)?,
        ),
    })
}

/// Restores a record the actor deleted within [`UNDO_MINUTES`] (404 after, or when someone
/// else deleted it); the summaries follow in the same transaction.
pub(crate) fn restore(
    conn: &mut DbConn,
    actor: Actor,
    member: MemberId,
    deleted: WorkloadRecordId,
) -> Result<WorkloadRecord, AppError> {
    actor.member_writer()?.member(conn, member)?;
    let (_, new) = recently_deleted(conn, actor, member)?
        .into_iter()
        .find(|(id, _)| *id == deleted)
        .ok_or(AppError::NotFound)?;
    let record = WorkloadRecord::create(conn, &new)?;
    let restored = vec![changes::FieldChange {
        field: "restored_as".into(),
        old: None,
        new: Some(record.id.to_string()),
    }];
    changes::keep(conn, kept(member, deleted, Via::Restore, actor), &restored)?;
    audit::record(
        conn,
        Event::new(
            actor.id,
            crate::audit::Action::Create,
            crate::audit::Entity::WorkloadRecord,
        )
        .id(record.id.0)
        .detail(format!("member={member} restored={deleted}")),
    )?;
    Ok(record)
}

pub(crate) fn add(
    conn: &mut DbConn,
    actor: Actor,
    member: MemberId,
    input: WorkloadInput,
) -> Result<WorkloadRecord, AppError> {
    let new = checked_for(conn, actor, member, input)?;
    let actor = actor.id;
    let record = WorkloadRecord::create(conn, &new)?;
    audit::record(
        conn,
        Event::new(
            actor,
            crate::audit::Action::Create,
            crate::audit::Entity::WorkloadRecord,
        )
        .id(record.id.0)
        .detail(format!("member={member}")),
    )?;
    Ok(record)
}

/// The safe-caseload threshold for an employer's staff: its override, else the setting.
pub(crate) fn threshold(conn: &mut DbConn, employer: EmployerId) -> Result<f64, AppError> {
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

pub(crate) fn history(
    conn: &mut DbConn,
    member: &Seen<Member>,
) -> Result<CaseloadHistory, AppError> {
    let safe_caseload = threshold(conn, member.employer_id)?;
    let points: Vec<CaseloadPoint> = member
        .workload(conn)?
        .into_iter()
        .map(|record| CaseloadPoint {
            recorded_on: record.recorded_on,
            caseload_per_fte: round2(record.caseload_per_fte(record.fte.unwrap_or(member.fte))),
            record,
        })
        .collect();
    let latest = points.last().map(|p| {
        p.record
            .caseload_per_fte(p.record.fte.unwrap_or(member.fte))
    });
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
