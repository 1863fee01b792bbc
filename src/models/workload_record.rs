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
    #[serde(serialize_with = "crate::timestamps::utc")]
    pub created_at: NaiveDateTime,
    /// The member's FTE and employer when the record was taken (set on every record).
    pub fte: Option<f64>,
    pub employer_id: Option<EmployerId>,
}

#[derive(Debug, Clone, Insertable, Serialize)]
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

impl WorkloadRecord {
    /// A member's records, oldest first.
    /// The records of these members, oldest first per member (for exports).
    pub(crate) fn for_members(
        conn: &mut DbConn,
        members: &[MemberId],
    ) -> QueryResult<Vec<WorkloadRecord>> {
        workload_records::table
            .filter(workload_records::member_id.eq_any(members))
            .order((
                workload_records::member_id,
                workload_records::recorded_on,
                workload_records::id,
            ))
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

    /// Replaces a record's values (a correction); who made it first stays.
    pub(crate) fn replace(
        conn: &mut DbConn,
        id: WorkloadRecordId,
        new: &NewWorkloadRecord,
    ) -> QueryResult<WorkloadRecord> {
        diesel::update(workload_records::table.find(id))
            .set((
                workload_records::recorded_on.eq(new.recorded_on),
                workload_records::open_cases.eq(new.open_cases),
                workload_records::hours_worked.eq(new.hours_worked),
                workload_records::contracted_hours.eq(new.contracted_hours),
                workload_records::source.eq(new.source),
                workload_records::note.eq(&new.note),
                workload_records::fte.eq(new.fte),
                workload_records::employer_id.eq(new.employer_id),
            ))
            .returning(<WorkloadRecord as Selectable<crate::db::Sql>>::construct_selection())
            .get_result(conn)
    }

    pub(crate) fn delete(conn: &mut DbConn, id: WorkloadRecordId) -> QueryResult<usize> {
        diesel::delete(workload_records::table.find(id)).execute(conn)
    }

    /// Open cases per FTE.
    pub(crate) fn caseload_per_fte(&self, fte: f64) -> f64 {
        f64::from(self.open_cases) / fte
    }
}
