use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::enums::DeadlineKind;
use super::ids::UserId;
use super::ids::{CaseId, DeadlineId};
use crate::auth::Casework;
use crate::db::DbConn;
use crate::db::schema::{branches, cases, deadlines};

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
    pub fn for_case(conn: &mut DbConn, case: CaseId) -> QueryResult<Vec<Deadline>> {
        deadlines::table
            .filter(deadlines::case_id.eq(case))
            .order((deadlines::due_on, deadlines::id))
            .select(Deadline::as_select())
            .load(conn)
    }

    pub fn create(conn: &mut DbConn, new: &NewDeadline) -> QueryResult<Deadline> {
        diesel::insert_into(deadlines::table)
            .values(new)
            .returning(deadlines::all_columns)
            .get_result(conn)
    }

    pub fn find(conn: &mut DbConn, id: DeadlineId) -> QueryResult<Deadline> {
        deadlines::table
            .find(id)
            .select(Deadline::as_select())
            .first(conn)
    }

    pub fn update(
        conn: &mut DbConn,
        id: DeadlineId,
        changes: &UpdateDeadline,
    ) -> QueryResult<Deadline> {
        diesel::update(deadlines::table.find(id))
            .set(changes)
            .returning(deadlines::all_columns)
            .get_result(conn)
    }

    /// Open deadlines due on or before `until` (overdue ones included) of cases in scope,
    /// soonest first, each with its case's reference; optionally only cases assigned to a user.
    pub fn upcoming(
        conn: &mut DbConn,
        casework: Casework,
        until: NaiveDate,
        assigned_to: Option<UserId>,
    ) -> QueryResult<Vec<(Deadline, String)>> {
        let mut query = deadlines::table
            .inner_join(cases::table)
            .into_boxed::<crate::db::Sql>()
            .filter(deadlines::done.eq(false))
            .filter(deadlines::due_on.le(until));
        query = match casework {
            Casework::All => query,
            Casework::Branch(branch) => query.filter(cases::branch_id.eq(branch)),
            Casework::Region(region) => query.filter(
                cases::branch_id.eq_any(
                    branches::table
                        .filter(branches::region_id.eq(region))
                        .select(branches::id),
                ),
            ),
        };
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
