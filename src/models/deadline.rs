use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::enums::DeadlineKind;
use super::ids::UserId;
use super::ids::{CaseId, DeadlineId};
use crate::db::schema::{cases, deadlines};
use crate::db::{DbConn, Sql};

/// Deadlines joined to their cases, as `access` restricts them to a scope.
pub type DeadlineRows =
    diesel::dsl::IntoBoxed<'static, diesel::dsl::InnerJoin<deadlines::table, cases::table>, Sql>;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = deadlines)]
pub struct Deadline {
    pub id: DeadlineId,
    pub case_id: CaseId,
    pub kind: DeadlineKind,
    pub due_on: NaiveDate,
    pub done: bool,
    pub note: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = deadlines)]
pub struct NewDeadline {
    pub case_id: CaseId,
    pub kind: DeadlineKind,
    pub due_on: NaiveDate,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = deadlines)]
pub struct UpdateDeadline {
    pub due_on: Option<NaiveDate>,
    pub done: Option<bool>,
    pub note: Option<Option<String>>,
}

impl Deadline {
    pub(crate) fn for_case(conn: &mut DbConn, case: CaseId) -> QueryResult<Vec<Deadline>> {
        deadlines::table
            .filter(deadlines::case_id.eq(case))
            .order((deadlines::due_on, deadlines::id))
            .select(Deadline::as_select())
            .load(conn)
    }

    pub(crate) fn create(conn: &mut DbConn, new: &NewDeadline) -> QueryResult<Deadline> {
        diesel::insert_into(deadlines::table)
            .values(new)
            .returning(deadlines::all_columns)
            .get_result(conn)
    }

    pub(crate) fn find(conn: &mut DbConn, id: DeadlineId) -> QueryResult<Option<Deadline>> {
        deadlines::table
            .find(id)
            .select(Deadline::as_select())
            .first(conn)
            .optional()
    }

    pub(crate) fn update(
        conn: &mut DbConn,
        id: DeadlineId,
        changes: &UpdateDeadline,
    ) -> QueryResult<Deadline> {
        diesel::update(deadlines::table.find(id))
            .set(changes)
            .returning(deadlines::all_columns)
            .get_result(conn)
    }

    /// Marks a case's open deadlines done (the case has closed); the ones it marked.
    pub(crate) fn close_open(conn: &mut DbConn, case: CaseId) -> QueryResult<Vec<Deadline>> {
        diesel::update(
            deadlines::table
                .filter(deadlines::case_id.eq(case))
                .filter(deadlines::done.eq(false)),
        )
        .set(deadlines::done.eq(true))
        .returning(deadlines::all_columns)
        .get_results(conn)
    }

    /// Every deadline beside its case, for `access` to restrict.
    pub(crate) fn with_cases() -> DeadlineRows {
        deadlines::table.inner_join(cases::table).into_boxed()
    }

    /// Open deadlines among `rows` due on or before `until` (overdue ones included), soonest
    /// first, each with its case's reference; optionally only cases assigned to a user.
    pub(crate) fn upcoming(
        conn: &mut DbConn,
        rows: DeadlineRows,
        until: NaiveDate,
        assigned_to: Option<UserId>,
    ) -> QueryResult<Vec<(Deadline, String)>> {
        let mut query = rows
            .filter(deadlines::done.eq(false))
            .filter(deadlines::due_on.le(until));
        if let Some(user) = assigned_to {
            query = query.filter(cases::assigned_to.eq(user));
        }
        let rows = query
            .order((deadlines::due_on, deadlines::id))
            .select((Deadline::as_select(), cases::reference))
            .load(conn)?;
        Ok(rows)
    }
}
