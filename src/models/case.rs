use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::enums::{CaseStatus, CaseType, Outcome, Stage, WorkloadFactor};
use super::ids::{BranchId, CaseId, MemberId, UserId};
use crate::api::query::Paging;
use crate::auth::Casework;
use crate::db::schema::{branches, case_reference_counters, case_workload_factors, cases};
use crate::db::{DbConn, Sql};

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

/// Filters of the case list.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub case_type: Option<CaseType>,
    pub status: Option<CaseStatus>,
    pub stage: Option<Stage>,
    pub branch_id: Option<BranchId>,
    pub member_id: Option<MemberId>,
}

impl Case {
    /// The cases a scope may see: an organiser sees every case of the region's branches.
    pub fn scoped(casework: Casework) -> cases::BoxedQuery<'static, Sql> {
        let query = cases::table.into_boxed();
        match casework {
            Casework::All => query,
            Casework::Branch(branch) => query.filter(cases::branch_id.eq(branch)),
            Casework::Region(region) => query.filter(
                cases::branch_id.eq_any(
                    branches::table
                        .filter(branches::region_id.eq(region))
                        .select(branches::id),
                ),
            ),
        }
    }

    /// A case in scope, or `NotFound` (also when it exists outside the scope).
    pub fn find_in(conn: &mut DbConn, casework: Casework, id: CaseId) -> QueryResult<Case> {
        Self::scoped(casework)
            .filter(cases::id.eq(id))
            .select(Case::as_select())
            .first(conn)
    }

    pub fn list_in(
        conn: &mut DbConn,
        casework: Casework,
        filter: &CaseFilter,
        paging: Paging,
    ) -> QueryResult<(Vec<Case>, i64)> {
        let filtered = || {
            let mut query = Self::scoped(casework);
            if let Some(t) = filter.case_type {
                query = query.filter(cases::case_type.eq(t));
            }
            if let Some(s) = filter.status {
                query = query.filter(cases::status.eq(s));
            }
            if let Some(s) = filter.stage {
                query = query.filter(cases::stage.eq(s));
            }
            if let Some(b) = filter.branch_id {
                query = query.filter(cases::branch_id.eq(b));
            }
            if let Some(m) = filter.member_id {
                query = query.filter(cases::member_id.eq(m));
            }
            query
        };
        let total = filtered().count().get_result(conn)?;
        let items = filtered()
            .order((cases::opened_on.desc(), cases::id.desc()))
            .limit(paging.per_page)
            .offset(paging.offset())
            .select(Case::as_select())
            .load(conn)?;
        Ok((items, total))
    }
}
