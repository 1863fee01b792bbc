use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::enums::{CalledOffBy, SupervisionKind, SupervisionSource, SupervisionStatus};
use super::ids::{EmployerId, MemberId, SupervisionRecordId, UserId};
use crate::db::schema::supervision_records;
use crate::db::{DbConn, Sql};

/// A supervision session of a member: held, or cancelled or postponed and by whom.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = supervision_records)]
pub struct SupervisionRecord {
    pub id: SupervisionRecordId,
    pub member_id: MemberId,
    pub held_on: NaiveDate,
    pub kind: SupervisionKind,
    pub minutes: Option<i32>,
    pub status: SupervisionStatus,
    pub called_off_by: Option<CalledOffBy>,
    pub source: SupervisionSource,
    /// The member's employer when the session was due.
    pub employer_id: EmployerId,
    pub note: Option<String>,
    pub created_by: Option<UserId>,
    #[serde(serialize_with = "crate::timestamps::utc")]
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = supervision_records)]
pub struct NewSupervisionRecord {
    pub member_id: MemberId,
    pub held_on: NaiveDate,
    pub kind: SupervisionKind,
    pub minutes: Option<i32>,
    pub status: SupervisionStatus,
    pub called_off_by: Option<CalledOffBy>,
    pub source: SupervisionSource,
    pub employer_id: EmployerId,
    pub note: Option<String>,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
}

impl SupervisionRecord {
    /// Whether this was reflective supervision that took place.
    pub fn reflective_held(&self) -> bool {
        self.status == SupervisionStatus::Held && self.kind != SupervisionKind::CaseManagement
    }

    pub(crate) fn create(
        conn: &mut DbConn,
        new: &NewSupervisionRecord,
    ) -> QueryResult<SupervisionRecord> {
        diesel::insert_into(supervision_records::table)
            .values(new)
            .returning(<SupervisionRecord as Selectable<Sql>>::construct_selection())
            .get_result(conn)
    }

    /// The records of these members, oldest first per member.
    pub(crate) fn of_members(
        conn: &mut DbConn,
        members: &[MemberId],
    ) -> QueryResult<Vec<SupervisionRecord>> {
        supervision_records::table
            .filter(supervision_records::member_id.eq_any(members))
            .order((
                supervision_records::member_id,
                supervision_records::held_on,
                supervision_records::id,
            ))
            .select(SupervisionRecord::as_select())
            .load(conn)
    }

    /// The record `id` if it is `member`'s.
    pub(crate) fn of_member(
        conn: &mut DbConn,
        member: MemberId,
        id: SupervisionRecordId,
    ) -> QueryResult<Option<SupervisionRecord>> {
        supervision_records::table
            .find(id)
            .filter(supervision_records::member_id.eq(member))
            .select(SupervisionRecord::as_select())
            .first(conn)
            .optional()
    }

    pub(crate) fn delete(conn: &mut DbConn, id: SupervisionRecordId) -> QueryResult<usize> {
        diesel::delete(supervision_records::table.find(id)).execute(conn)
    }

    /// Clears the notes of a member's records (erasure): the dates and kinds stay, for the
    /// counts.
    pub(crate) fn clear_notes(conn: &mut DbConn, member: MemberId) -> QueryResult<usize> {
        diesel::update(supervision_records::table.filter(supervision_records::member_id.eq(member)))
            .set(supervision_records::note.eq(None::<String>))
            .execute(conn)
    }
}
