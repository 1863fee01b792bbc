use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::enums::EventKind;
use super::ids::{CaseEventId, CaseId, UserId};
use crate::db::DbConn;
use crate::db::schema::{case_event_revisions, case_events};

/// An entry on a case's timeline. `body` is confidential: never logged, never in evidence.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = case_events)]
pub struct CaseEvent {
    pub id: CaseEventId,
    pub case_id: CaseId,
    pub occurred_on: NaiveDate,
    pub kind: EventKind,
    /// What happened, in the rep's words (confidential).
    #[diesel(column_name = body)]
    pub text: String,
    pub author_id: Option<UserId>,
    #[serde(serialize_with = "crate::timestamps::utc")]
    pub created_at: NaiveDateTime,
    /// Written by caseload for a change to the case (a stage, an outcome, a referral, a rep
    /// taking it, a hearing moved): its record of what changed, which cannot be corrected.
    #[diesel(column_name = system_entry)]
    pub system: bool,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = case_events)]
pub struct NewCaseEvent {
    pub case_id: CaseId,
    pub occurred_on: NaiveDate,
    pub kind: EventKind,
    #[diesel(column_name = body)]
    pub text: String,
    pub author_id: Option<UserId>,
    /// See [`CaseEvent::system`].
    #[diesel(column_name = system_entry)]
    pub system: bool,
}

impl CaseEvent {
    pub(crate) fn create(conn: &mut DbConn, new: &NewCaseEvent) -> QueryResult<CaseEvent> {
        diesel::insert_into(case_events::table)
            .values(new)
            .returning(<CaseEvent as Selectable<crate::db::Sql>>::construct_selection())
            .get_result(conn)
    }
}

/// An earlier version of a timeline entry, kept when its author corrected it: the date and text
/// as they were, who replaced them and when.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = case_event_revisions)]
pub struct CaseEventRevision {
    #[serde(skip)]
    pub id: i64,
    pub event_id: CaseEventId,
    pub occurred_on: NaiveDate,
    #[diesel(column_name = body)]
    pub text: String,
    pub revised_by: Option<UserId>,
    #[serde(serialize_with = "crate::timestamps::utc")]
    pub revised_at: NaiveDateTime,
}

impl CaseEvent {
    /// Replaces the entry's date and text, keeping what they were as a revision by `by`.
    pub(crate) fn correct(
        conn: &mut DbConn,
        event: &CaseEvent,
        occurred_on: NaiveDate,
        text: &str,
        by: UserId,
    ) -> QueryResult<CaseEvent> {
        diesel::insert_into(case_event_revisions::table)
            .values((
                case_event_revisions::event_id.eq(event.id),
                case_event_revisions::occurred_on.eq(event.occurred_on),
                case_event_revisions::body.eq(&event.text),
                case_event_revisions::revised_by.eq(by),
                case_event_revisions::revised_at.eq(chrono::Utc::now().naive_utc()),
            ))
            .execute(conn)?;
        diesel::update(case_events::table.find(event.id))
            .set((
                case_events::occurred_on.eq(occurred_on),
                case_events::body.eq(text),
            ))
            .returning(<CaseEvent as Selectable<crate::db::Sql>>::construct_selection())
            .get_result(conn)
    }
}
