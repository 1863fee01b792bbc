use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::enums::WorkloadSource;
use super::ids::{EmployerId, MemberId, UserId, WorkloadRecordId};
use crate::db::DbConn;
use crate::db::schema::workload_records;

/// A member's workload on a date: the open cases they hold and the hours they worked.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = workload_records)]
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
    pub created_at: NaiveDateTime,
    /// The member's FTE and employer when the record was taken (set on every record).
    pub fte: Option<f64>,
    pub employer_id: Option<EmployerId>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = workload_records)]
pub struct NewWorkloadRecord {
    pub member_id: MemberId,
    pub recorded_on: NaiveDate,
    pub open_cases: i32,
    pub hours_worked: Option<f64>,
    pub contracted_hours: Option<f64>,
    pub source: WorkloadSource,
    pub note: Option<String>,
    pub created_by: Option<UserId>,
    pub fte: f64,
    pub employer_id: EmployerId,
}

#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = workload_records)]
pub struct UpdateWorkloadRecord {
    pub recorded_on: Option<NaiveDate>,
    pub open_cases: Option<i32>,
    pub hours_worked: Option<Option<f64>>,
    pub contracted_hours: Option<Option<f64>>,
    pub source: Option<WorkloadSource>,
    pub note: Option<Option<String>>,
}

impl WorkloadRecord {
    /// A member's records, oldest first.
    pub(crate) fn for_member(
        conn: &mut DbConn,
        member: MemberId,
    ) -> QueryResult<Vec<WorkloadRecord>> {
        workload_records::table
            .filter(workload_records::member_id.eq(member))
            .order((workload_records::recorded_on, workload_records::id))
            .select(WorkloadRecord::as_select())
            .load(conn)
    }

    pub(crate) fn create(
        conn: &mut DbConn,
        new: &NewWorkloadRecord,
    ) -> QueryResult<WorkloadRecord> {
        diesel::insert_into(workload_records::table)
            .values(new)
            .returning(<WorkloadRecord as Selectable<crate::db::Sql>>::construct_selection())
            .get_result(conn)
    }

    pub(crate) fn update(
        conn: &mut DbConn,
        id: WorkloadRecordId,
        changes: &UpdateWorkloadRecord,
    ) -> QueryResult<usize> {
        diesel::update(workload_records::table.find(id))
            .set(changes)
            .execute(conn)
    }

    /// Open cases per FTE.
    pub(crate) fn caseload_per_fte(&self, fte: f64) -> f64 {
        f64::from(self.open_cases) / fte
    }
}
