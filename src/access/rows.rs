//! The rows a `RecordScope` may read, as queries the models then narrow further. This is the
//! only place that turns a scope into SQL.

use diesel::prelude::*;

use super::RecordScope;
use crate::db::Sql;
use crate::db::schema::{branches, cases, members};
use crate::error::AppError;
use crate::models::deadline::DeadlineRows;
use crate::models::{Case, CaseId, Deadline, Member, MemberId};

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
    pub(crate) fn case(self, conn: &mut crate::db::DbConn, id: CaseId) -> Result<Case, AppError> {
        self.cases()
            .filter(cases::id.eq(id))
            .select(Case::as_select())
            .first(conn)
            .optional()?
            .ok_or(AppError::NotFound)
    }

    /// A member in scope; one outside it is as absent as one that does not exist.
    pub(crate) fn member(
        self,
        conn: &mut crate::db::DbConn,
        id: MemberId,
    ) -> Result<Member, AppError> {
        self.members()
            .filter(members::id.eq(id))
            .select(Member::as_select())
            .first(conn)
            .optional()?
            .ok_or(AppError::NotFound)
    }
}
