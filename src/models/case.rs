use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::enums::{CaseStatus, CaseType, Outcome, Stage, WorkloadFactor};
use super::ids::{BranchId, CaseId, MemberId, UserId};
use crate::db::schema::{case_reference_counters, case_workload_factors, cases};

/// A representation case. `branch_id` is the member's branch when the case was opened and
/// stays after retention cuts the member link, so scoping and counts keep working.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = cases)]
pub struct Case {
    pub id: CaseId,
    pub reference: String,
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
    pub anonymised_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = cases)]
pub struct NewCase {
    pub reference: String,
    pub member_id: Option<MemberId>,
    pub branch_id: BranchId,
    pub case_type: CaseType,
    pub stage: Stage,
    pub status: CaseStatus,
    pub opened_on: NaiveDate,
    pub workload_factor: bool,
    pub assigned_to: Option<UserId>,
    pub referred_to_region: bool,
    pub summary: Option<String>,
}

#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = cases)]
pub struct UpdateCase {
    pub case_type: Option<CaseType>,
    pub stage: Option<Stage>,
    pub status: Option<CaseStatus>,
    pub closed_on: Option<Option<NaiveDate>>,
    pub outcome: Option<Option<Outcome>>,
    pub workload_factor: Option<bool>,
    pub assigned_to: Option<Option<UserId>>,
    pub referred_to_region: Option<bool>,
    pub summary: Option<Option<String>>,
    pub updated_at: Option<NaiveDateTime>,
}

/// One workload factor named on a case.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = case_workload_factors)]
pub struct CaseWorkloadFactor {
    pub case_id: CaseId,
    pub factor: WorkloadFactor,
}

/// The last case number used by a branch in a year.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = case_reference_counters)]
pub struct CaseReferenceCounter {
    pub branch_id: BranchId,
    pub year: i32,
    pub last_number: i32,
}
