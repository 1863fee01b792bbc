use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::enums::EventKind;
use super::ids::{CaseEventId, CaseId, UserId};
use crate::db::DbConn;
use crate::db::schema::case_events;

/// An entry on a case's timeline. `body` is confidential: never logged, never in evidence.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = case_events)]
pub struct CaseEvent {
    pub id: CaseEventId,
    pub case_id: CaseId,
    pub occurred_on: NaiveDate,
    pub kind: EventKind,
    pub body: String,
    pub author_id: Option<UserId>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = case_events)]
pub struct NewCaseEvent {
    pub case_id: CaseId,
    pub occurred_on: NaiveDate,
    pub kind: EventKind,
    pub body: String,
    pub author_id: Option<UserId>,
}

impl CaseEvent {
    /// A case's timeline, in date order.
    pub(crate) fn for_case(conn: &mut DbConn, case: CaseId) -> QueryResult<Vec<CaseEvent>> {
        case_events::table
            .filter(case_events::case_id.eq(case))
            .order((case_events::occurred_on, case_events::id))
            .select(CaseEvent::as_select())
            .load(conn)
    }

    pub(crate) fn create(conn: &mut DbConn, new: &NewCaseEvent) -> QueryResult<CaseEvent> {
        diesel::insert_into(case_events::table)
            .values(new)
            .returning(case_events::all_columns)
            .get_result(conn)
    }
}
