//! The rows a `RecordScope` may read, as queries the models then narrow further: the one place
//! that turns a scope into SQL for casework (report areas are `reports::sql::Area`). A record
//! read here comes back as a [`Seen`] record, the only way to its child records.

use diesel::prelude::*;

use super::RecordScope;
use crate::db::schema::{
    branches, case_event_revisions, case_events, cases, deadlines, members, workload_records,
};
use crate::db::{DbConn, Sql};
use crate::error::AppError;
use crate::models::deadline::DeadlineRows;
use crate::models::{
    Case, CaseEvent, CaseEventId, CaseEventRevision, CaseId, Deadline, Member, MemberId,
    WorkloadRecord, WorkloadRecordId,
};

/// Restricts a boxed query to the branches of a scope, by the query's branch column.
macro_rules! within {
    ($scope:expr, $query:expr, $branch:expr) => {
        match $scope {
            RecordScope::All => $query,
            RecordScope::Branch(branch) => $query.filter($branch.eq(branch)),
            RecordScope::Region(region) => $query.filter(
                $branch.eq_any(
                    branches::table
                        .filter(branches::region_id.eq(region))
                        .select(branches::id),
                ),
            ),
        }
    };
}

impl RecordScope {
    /// The cases in scope: an organiser sees every case of the region's branches.
    pub(crate) fn cases(self) -> cases::BoxedQuery<'static, Sql> {
        within!(self, cases::table.into_boxed(), cases::branch_id)
    }

    /// The members in scope.
    pub(crate) fn members(self) -> members::BoxedQuery<'static, Sql> {
        within!(self, members::table.into_boxed(), members::branch_id)
    }

    /// The deadlines of cases in scope, each beside its case.
    pub(crate) fn deadlines(self) -> DeadlineRows {
        within!(self, Deadline::with_cases(), cases::branch_id)
    }

    /// A case in scope; one outside it is as absent as one that does not exist.
    pub(crate) fn case(
        self,
        conn: &mut crate::db::DbConn,
        id: CaseId,
    ) -> Result<Seen<Case>, AppError> {
        self.cases()
            .filter(cases::id.eq(id))
            .select(Case::as_select())
            .first(conn)
            .optional()?
            .map(Seen)
            .ok_or(AppError::NotFound)
    }

    /// A member in scope; one outside it is as absent as one that does not exist.
    pub(crate) fn member(
        self,
        conn: &mut crate::db::DbConn,
        id: MemberId,
    ) -> Result<Seen<Member>, AppError> {
        self.members()
            .filter(members::id.eq(id))
            .select(Member::as_select())
            .first(conn)
            .optional()?
            .map(Seen)
            .ok_or(AppError::NotFound)
    }
}

/// A record read through a scope: the proof that a caller may see it, and the only way to its
/// child records (a case's timeline and deadlines, a member's workload records). Only the scoped
/// reads above make one, so a child lookup before the parent's scoped read does not compile.
#[derive(Debug, Clone)]
pub struct Seen<T>(T);

impl<T> std::ops::Deref for Seen<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> Seen<T> {
    pub(crate) fn into_inner(self) -> T {
        self.0
    }
}

impl Seen<Case> {
    /// The case's timeline, in date order.
    pub(crate) fn events(&self, conn: &mut DbConn) -> QueryResult<Vec<CaseEvent>> {
        case_events::table
            .filter(case_events::case_id.eq(self.id))
            .order((case_events::occurred_on, case_events::id))
            .select(CaseEvent::as_select())
            .load(conn)
    }

    /// One entry of the case's timeline (404 for another case's).
    pub(crate) fn event(&self, conn: &mut DbConn, id: CaseEventId) -> Result<CaseEvent, AppError> {
        case_events::table
            .find(id)
            .filter(case_events::case_id.eq(self.id))
            .select(CaseEvent::as_select())
            .first(conn)
            .optional()?
            .ok_or(AppError::NotFound)
    }

    /// The earlier versions of the case's corrected entries, oldest first.
    pub(crate) fn revisions(&self, conn: &mut DbConn) -> QueryResult<Vec<CaseEventRevision>> {
        case_event_revisions::table
            .inner_join(case_events::table)
            .filter(case_events::case_id.eq(self.id))
            .order((case_event_revisions::event_id, case_event_revisions::id))
            .select(CaseEventRevision::as_select())
            .load(conn)
    }

    /// The case's hearings and deadlines, soonest first.
    pub(crate) fn deadlines(&self, conn: &mut DbConn) -> QueryResult<Vec<Deadline>> {
        deadlines::table
            .filter(deadlines::case_id.eq(self.id))
            .order((deadlines::due_on, deadlines::id))
            .select(Deadline::as_select())
            .load(conn)
    }
}

impl Seen<Member> {
    /// The member's workload records, oldest first.
    pub(crate) fn workload(&self, conn: &mut DbConn) -> QueryResult<Vec<WorkloadRecord>> {
        workload_records::table
            .filter(workload_records::member_id.eq(self.id))
            .order((workload_records::recorded_on, workload_records::id))
            .select(WorkloadRecord::as_select())
            .load(conn)
    }

    /// One of the member's workload records (404 for another member's).
    pub(crate) fn workload_record(
        &self,
        conn: &mut DbConn,
        id: WorkloadRecordId,
    ) -> Result<WorkloadRecord, AppError> {
        workload_records::table
            .find(id)
            .filter(workload_records::member_id.eq(self.id))
            .select(WorkloadRecord::as_select())
            .first(conn)
            .optional()?
            .ok_or(AppError::NotFound)
    }
}
