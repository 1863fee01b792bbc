//! What the API sends: one view type per record, separate from the database rows. Each lists
//! its fields, so a column added to a table (and to its row struct) never reaches a client by
//! accident: it reaches one only when it is added here. The names are the API's schema names.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

use crate::casework::case_service::DeadlineView;
use crate::casework::cases::CaseView;
use crate::casework::dates::Urgency;
use crate::models::{
    self, BranchId, CaseEventId, CaseId, CaseStatus, CaseType, DeadlineId, DeadlineKind,
    EmployerId, EventKind, MemberId, Outcome, RegionId, Role, Stage, UserId, WorkloadFactor,
    WorkloadRecordId, WorkloadSource,
};
use crate::paging::ListPage;

/// A page of rows as a page of their views.
pub(crate) fn page<R, V: for<'a> From<&'a R>>(rows: ListPage<R>) -> ListPage<V> {
    ListPage {
        items: rows.items.iter().map(V::from).collect(),
        total: rows.total,
        page: rows.page,
        per_page: rows.per_page,
    }
}

/// A whole list of rows as one page of their views.
pub(crate) fn whole<R, V: for<'a> From<&'a R>>(rows: &[R]) -> ListPage<V> {
    ListPage::whole(rows.iter().map(V::from).collect())
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Member {
    pub id: MemberId,
    pub branch_id: BranchId,
    pub employer_id: EmployerId,
    pub membership_number: String,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub job_role: String,
    pub team: Option<String>,
    pub fte: f64,
    pub start_date: Option<NaiveDate>,
    /// When they left the union or the employer, if they have.
    pub left_on: Option<NaiveDate>,
    /// Equality data is held only when the member consented to it being recorded.
    pub equality_consent: bool,
    pub age_band: Option<models::AgeBand>,
    pub ethnic_group: Option<models::EthnicGroup>,
    #[serde(serialize_with = "crate::timestamps::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::timestamps::utc")]
    pub updated_at: NaiveDateTime,
}

impl From<&models::Member> for Member {
    fn from(m: &models::Member) -> Self {
        Self {
            id: m.id,
            branch_id: m.branch_id,
            employer_id: m.employer_id,
            membership_number: m.membership_number.clone(),
            first_name: m.first_name.clone(),
            last_name: m.last_name.clone(),
            email: m.email.clone(),
            phone: m.phone.clone(),
            job_role: m.job_role.clone(),
            team: m.team.clone(),
            fte: m.fte,
            start_date: m.start_date,
            left_on: m.left_on,
            equality_consent: m.equality_consent,
            age_band: m.age_band,
            ethnic_group: m.ethnic_group,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// A member's workload on a date: the open cases they hold and the hours they worked.
#[derive(Serialize, utoipa::ToSchema)]
pub struct WorkloadRecord {
    pub id: WorkloadRecordId,
    pub member_id: MemberId,
    pub recorded_on: NaiveDate,
    pub open_cases: i32,
    pub hours_worked: Option<f64>,
    pub contracted_hours: Option<f64>,
    pub source: WorkloadSource,
    pub note: Option<String>,
    pub created_by: Option<UserId>,
    #[serde(serialize_with = "crate::timestamps::utc")]
    pub created_at: NaiveDateTime,
    /// The member's FTE and employer when the record was taken.
    pub fte: Option<f64>,
    pub employer_id: Option<EmployerId>,
}

impl From<&models::WorkloadRecord> for WorkloadRecord {
    fn from(r: &models::WorkloadRecord) -> Self {
        Self {
            id: r.id,
            member_id: r.member_id,
            recorded_on: r.recorded_on,
            open_cases: r.open_cases,
            hours_worked: r.hours_worked,
            contracted_hours: r.contracted_hours,
            source: r.source,
            note: r.note.clone(),
            created_by: r.created_by,
            created_at: r.created_at,
            fte: r.fte,
            employer_id: r.employer_id,
        }
    }
}

/// A representation case, with the workload factors named on it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Case {
    #[serde(flatten)]
    pub case: CaseRow,
    pub workload_factors: Vec<WorkloadFactor>,
}

impl From<&CaseView> for Case {
    fn from(v: &CaseView) -> Self {
        Self {
            case: CaseRow::from(&v.case),
            workload_factors: v.workload_factors.clone(),
        }
    }
}

/// A case as lists show it: with its member's name, its rep's and its next open deadline.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CaseListItem {
    #[serde(flatten)]
    pub case: CaseRow,
    /// The member's name (absent once the case is anonymised).
    pub member_name: Option<String>,
    /// The soonest deadline or hearing not yet done.
    pub next_deadline: Option<NaiveDate>,
    /// The name of the rep working the case (absent when no one is).
    pub rep_name: Option<String>,
}

/// A case's own fields.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CaseRow {
    pub id: CaseId,
    pub reference: String,
    /// The member (absent once the case is anonymised).
    pub member_id: Option<MemberId>,
    pub branch_id: BranchId,
    #[serde(rename = "type")]
    pub case_type: CaseType,
    pub stage: Stage,
    pub status: CaseStatus,
    pub opened_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    pub outcome: Option<Outcome>,
    pub workload_factor: bool,
    pub assigned_to: Option<UserId>,
    pub referred_to_region: bool,
    pub summary: Option<String>,
    #[serde(serialize_with = "crate::timestamps::utc_opt")]
    pub anonymised_at: Option<NaiveDateTime>,
    #[serde(serialize_with = "crate::timestamps::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::timestamps::utc")]
    pub updated_at: NaiveDateTime,
    /// The member's employer when the case was opened.
    pub employer_id: Option<EmployerId>,
    /// The day the outcome was given.
    pub outcome_on: Option<NaiveDate>,
    /// Why the branch referred the case to its region.
    pub referral_reason: Option<String>,
}

impl From<&models::Case> for CaseRow {
    fn from(c: &models::Case) -> Self {
        Self {
            id: c.id,
            reference: c.reference.clone(),
            member_id: c.member_id,
            branch_id: c.branch_id,
            case_type: c.case_type,
            stage: c.stage,
            status: c.status,
            opened_on: c.opened_on,
            closed_on: c.closed_on,
            outcome: c.outcome,
            workload_factor: c.workload_factor,
            assigned_to: c.assigned_to,
            referred_to_region: c.referred_to_region,
            summary: c.summary.clone(),
            anonymised_at: c.anonymised_at,
            created_at: c.created_at,
            updated_at: c.updated_at,
            employer_id: c.employer_id,
            outcome_on: c.outcome_on,
            referral_reason: c.referral_reason.clone(),
        }
    }
}

impl From<&models::CaseListItem> for CaseListItem {
    fn from(item: &models::CaseListItem) -> Self {
        Self {
            case: CaseRow::from(&item.case),
            member_name: item.member_name.clone(),
            next_deadline: item.next_deadline,
            rep_name: item.rep_name.clone(),
        }
    }
}

/// An entry on a case's timeline.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CaseEvent {
    pub id: CaseEventId,
    pub case_id: CaseId,
    pub occurred_on: NaiveDate,
    pub kind: EventKind,
    /// What happened, in the rep's words (confidential).
    pub text: String,
    pub author_id: Option<UserId>,
    #[serde(serialize_with = "crate::timestamps::utc")]
    pub created_at: NaiveDateTime,
    /// Written by caseload for a change to the case: its record, which cannot be corrected.
    pub system: bool,
}

impl From<&models::CaseEvent> for CaseEvent {
    fn from(e: &models::CaseEvent) -> Self {
        Self {
            id: e.id,
            case_id: e.case_id,
            occurred_on: e.occurred_on,
            kind: e.kind,
            text: e.text.clone(),
            author_id: e.author_id,
            created_at: e.created_at,
            system: e.system,
        }
    }
}

/// A hearing or deadline, with how urgent it is today (and its case's reference in lists
/// across cases).
#[derive(Serialize, utoipa::ToSchema)]
pub struct Deadline {
    pub id: DeadlineId,
    pub case_id: CaseId,
    pub kind: DeadlineKind,
    pub due_on: NaiveDate,
    pub done: bool,
    pub note: Option<String>,
    #[serde(serialize_with = "crate::timestamps::utc")]
    pub created_at: NaiveDateTime,
    /// A hearing's start time, `HH:MM` (24-hour), and its place.
    pub starts_at: Option<String>,
    pub place: Option<String>,
    pub created_by: Option<UserId>,
    pub updated_by: Option<UserId>,
    #[serde(serialize_with = "crate::timestamps::utc_opt")]
    pub updated_at: Option<NaiveDateTime>,
    /// Marked done because its case was closed; reopening the case reopens it.
    pub closed_with_case: bool,
    /// The date a computed deadline was counted from.
    pub counted_from: Option<NaiveDate>,
    /// ACAS early conciliation: Day A, Day B, and the limit without them.
    pub acas_day_a: Option<NaiveDate>,
    pub acas_day_b: Option<NaiveDate>,
    pub unextended_on: Option<NaiveDate>,
    pub urgency: Urgency,
    /// Days from today to the due date (negative when overdue).
    pub days: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

impl From<&DeadlineView> for Deadline {
    fn from(v: &DeadlineView) -> Self {
        let d = &v.deadline;
        Self {
            id: d.id,
            case_id: d.case_id,
            kind: d.kind,
            due_on: d.due_on,
            done: d.done,
            note: d.note.clone(),
            created_at: d.created_at,
            starts_at: d.starts_at.clone(),
            place: d.place.clone(),
            created_by: d.created_by,
            updated_by: d.updated_by,
            updated_at: d.updated_at,
            closed_with_case: d.closed_with_case,
            counted_from: d.counted_from,
            acas_day_a: d.acas_day_a,
            acas_day_b: d.acas_day_b,
            unextended_on: d.unextended_on,
            urgency: v.urgency,
            days: v.days,
            reference: v.reference.clone(),
        }
    }
}

/// Someone around a case: the investigating officer, the hearing manager, a companion.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Contact {
    pub id: models::ContactId,
    pub case_id: CaseId,
    pub role: models::ContactRole,
    pub name: String,
    pub organisation: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub note: Option<String>,
    pub added_by: Option<UserId>,
    #[serde(serialize_with = "crate::timestamps::utc")]
    pub added_at: NaiveDateTime,
}

impl From<&models::Contact> for Contact {
    fn from(c: &models::Contact) -> Self {
        Self {
            id: c.id,
            case_id: c.case_id,
            role: c.role,
            name: c.name.clone(),
            organisation: c.organisation.clone(),
            email: c.email.clone(),
            phone: c.phone.clone(),
            note: c.note.clone(),
            added_by: c.added_by,
            added_at: c.added_at,
        }
    }
}

/// Someone who signs in.
#[derive(Serialize, utoipa::ToSchema)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub branch_id: Option<BranchId>,
    pub region_id: Option<RegionId>,
    pub active: bool,
    #[serde(serialize_with = "crate::timestamps::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::timestamps::utc")]
    pub updated_at: NaiveDateTime,
}

/// An integration's API key, as administrators see it: never its secret, except `key` in the
/// answer that issues it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ApiKey {
    pub id: models::ApiKeyId,
    pub user_id: UserId,
    pub name: String,
    #[serde(serialize_with = "crate::timestamps::utc")]
    pub created_at: NaiveDateTime,
    pub created_by: UserId,
    /// When it was revoked; absent while it works.
    #[serde(serialize_with = "crate::timestamps::utc_opt")]
    pub revoked_at: Option<NaiveDateTime>,
    /// The key itself, to send as `Authorization: Bearer <key>`: only in the answer that
    /// issues it, never again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

impl From<&models::ApiKey> for ApiKey {
    fn from(k: &models::ApiKey) -> Self {
        Self {
            id: k.id,
            user_id: k.user_id,
            name: k.name.clone(),
            created_at: k.created_at,
            created_by: k.created_by,
            revoked_at: k.revoked_at,
            key: None,
        }
    }
}

impl From<&models::User> for User {
    fn from(u: &models::User) -> Self {
        Self {
            id: u.id,
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: u.role,
            branch_id: u.branch_id,
            region_id: u.region_id,
            active: u.active,
            created_at: u.created_at,
            updated_at: u.updated_at,
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Region {
    pub id: RegionId,
    pub name: String,
    #[serde(serialize_with = "crate::timestamps::utc")]
    pub created_at: NaiveDateTime,
}

impl From<&models::Region> for Region {
    fn from(r: &models::Region) -> Self {
        Self {
            id: r.id,
            name: r.name.clone(),
            created_at: r.created_at,
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Branch {
    pub id: BranchId,
    pub region_id: RegionId,
    pub name: String,
    /// Short upper-case code that prefixes case references, e.g. `LDS`.
    pub code: String,
    #[serde(serialize_with = "crate::timestamps::utc")]
    pub created_at: NaiveDateTime,
}

impl From<&models::Branch> for Branch {
    fn from(b: &models::Branch) -> Self {
        Self {
            id: b.id,
            region_id: b.region_id,
            name: b.name.clone(),
            code: b.code.clone(),
            created_at: b.created_at,
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Employer {
    pub id: EmployerId,
    pub name: String,
    /// Replaces the `safe_caseload` setting for this employer's staff when set.
    pub safe_caseload_override: Option<f64>,
    /// Replaces the `supervision_regular_days` setting for this employer's staff when set.
    pub supervision_regular_days_override: Option<i32>,
    #[serde(serialize_with = "crate::timestamps::utc")]
    pub created_at: NaiveDateTime,
}

impl From<&models::Employer> for Employer {
    fn from(e: &models::Employer) -> Self {
        Self {
            id: e.id,
            name: e.name.clone(),
            safe_caseload_override: e.safe_caseload_override,
            supervision_regular_days_override: e.supervision_regular_days_override,
            created_at: e.created_at,
        }
    }
}

/// A supervision session of a member. Its note stays on the member's page: `has_note` says
/// whether there is one.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SupervisionRecord {
    pub id: models::SupervisionRecordId,
    pub member_id: MemberId,
    pub held_on: NaiveDate,
    pub kind: models::SupervisionKind,
    pub minutes: Option<i32>,
    pub status: models::SupervisionStatus,
    pub called_off_by: Option<models::CalledOffBy>,
    pub source: models::SupervisionSource,
    /// The member's employer when it was recorded.
    pub employer_id: EmployerId,
    pub has_note: bool,
    pub created_by: Option<UserId>,
    #[serde(serialize_with = "crate::timestamps::utc")]
    pub created_at: NaiveDateTime,
}

impl From<&models::SupervisionRecord> for SupervisionRecord {
    fn from(r: &models::SupervisionRecord) -> Self {
        Self {
            id: r.id,
            member_id: r.member_id,
            held_on: r.held_on,
            kind: r.kind,
            minutes: r.minutes,
            status: r.status,
            called_off_by: r.called_off_by,
            source: r.source,
            employer_id: r.employer_id,
            has_note: r.note.is_some(),
            created_by: r.created_by,
            created_at: r.created_at,
        }
    }
}
