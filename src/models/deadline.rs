use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::case::{Assignee, assigned};
use super::enums::DeadlineKind;
use super::ids::UserId;
use super::ids::{CaseId, DeadlineId, MemberId};
use crate::db::schema::{cases, deadlines};
use crate::db::{DbConn, Sql};

/// An open deadline in a list across cases, with what the list says of its case.
#[derive(Debug, Clone)]
pub struct Upcoming {
    pub deadline: Deadline,
    pub reference: String,
    pub member_id: Option<MemberId>,
    pub assigned_to: Option<UserId>,
}

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
    #[serde(serialize_with = "crate::timestamps::utc")]
    pub created_at: NaiveDateTime,
    /// A hearing's start time, `HH:MM` (24-hour), and its place.
    pub starts_at: Option<String>,
    pub place: Option<String>,
    /// Who added it; who last changed it, and when.
    pub created_by: Option<UserId>,
    pub updated_by: Option<UserId>,
    #[serde(serialize_with = "crate::timestamps::utc_opt")]
    pub updated_at: Option<NaiveDateTime>,
    /// Marked done because its case was closed (a hearing or other deadline); reopening the
    /// case reopens it.
    pub closed_with_case: bool,
    /// The date a computed deadline was counted from (an outcome, a dismissal, an act).
    pub counted_from: Option<NaiveDate>,
    /// ACAS early conciliation of a tribunal claim: the day ACAS was contacted (Day A) and the
    /// day the certificate came (Day B); `unextended_on` is the limit without them.
    pub acas_day_a: Option<NaiveDate>,
    pub acas_day_b: Option<NaiveDate>,
    pub unextended_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = deadlines)]
pub struct NewDeadline {
    pub case_id: CaseId,
    pub kind: DeadlineKind,
    pub due_on: NaiveDate,
    pub note: Option<String>,
    pub starts_at: Option<String>,
    pub place: Option<String>,
    pub created_by: Option<UserId>,
    pub counted_from: Option<NaiveDate>,
    pub acas_day_a: Option<NaiveDate>,
    pub acas_day_b: Option<NaiveDate>,
    pub unextended_on: Option<NaiveDate>,
}

impl NewDeadline {
    /// A deadline with its date given by hand (no rule, no conciliation).
    pub fn by_hand(case_id: CaseId, kind: DeadlineKind, due_on: NaiveDate) -> Self {
        Self {
            case_id,
            kind,
            due_on,
            note: None,
            starts_at: None,
            place: None,
            created_by: None,
            counted_from: None,
            acas_day_a: None,
            acas_day_b: None,
            unextended_on: None,
        }
    }
}

/// A change to a deadline; every change names who made it and when.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = deadlines)]
pub struct UpdateDeadline {
    pub kind: Option<DeadlineKind>,
    pub due_on: Option<NaiveDate>,
    pub done: Option<bool>,
    pub note: Option<Option<String>>,
    pub starts_at: Option<Option<String>>,
    pub place: Option<Option<String>>,
    pub closed_with_case: Option<bool>,
    pub acas_day_a: Option<Option<NaiveDate>>,
    pub acas_day_b: Option<Option<NaiveDate>>,
    pub unextended_on: Option<Option<NaiveDate>>,
    pub updated_by: UserId,
    pub updated_at: NaiveDateTime,
}

impl UpdateDeadline {
    /// No change yet, made by `by` now.
    pub fn by(by: UserId) -> Self {
        Self {
            kind: None,
            due_on: None,
            done: None,
            note: None,
            starts_at: None,
            place: None,
            closed_with_case: None,
            acas_day_a: None,
            acas_day_b: None,
            unextended_on: None,
            updated_by: by,
            updated_at: chrono::Utc::now().naive_utc(),
        }
    }
}

impl Deadline {
    pub(crate) fn create(conn: &mut DbConn, new: &NewDeadline) -> QueryResult<Deadline> {
        diesel::insert_into(deadlines::table)
            .values(new)
            .returning(<Deadline as Selectable<Sql>>::construct_selection())
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
            .returning(<Deadline as Selectable<Sql>>::construct_selection())
            .get_result(conn)
    }

    /// Marks a case's open deadlines done (the case has closed); the ones it marked.
    pub(crate) fn close_open(
        conn: &mut DbConn,
        case: CaseId,
        by: UserId,
    ) -> QueryResult<Vec<Deadline>> {
        diesel::update(
            deadlines::table
                .filter(deadlines::case_id.eq(case))
                .filter(deadlines::done.eq(false))
                .filter(deadlines::kind.eq_any(DeadlineKind::CLOSED_WITH_CASE)),
        )
        .set((
            deadlines::done.eq(true),
            deadlines::closed_with_case.eq(true),
            deadlines::updated_by.eq(by),
            deadlines::updated_at.eq(chrono::Utc::now().naive_utc()),
        ))
        .returning(<Deadline as Selectable<Sql>>::construct_selection())
        .get_results(conn)
    }

    /// Reopens the deadlines closing the case closed, returning them.
    pub(crate) fn reopen_closed_with_case(
        conn: &mut DbConn,
        case: CaseId,
        by: UserId,
    ) -> QueryResult<Vec<Deadline>> {
        diesel::update(
            deadlines::table
                .filter(deadlines::case_id.eq(case))
                .filter(deadlines::closed_with_case.eq(true)),
        )
        .set((
            deadlines::done.eq(false),
            deadlines::closed_with_case.eq(false),
            deadlines::updated_by.eq(by),
            deadlines::updated_at.eq(chrono::Utc::now().naive_utc()),
        ))
        .returning(<Deadline as Selectable<Sql>>::construct_selection())
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
        whose: Option<Assignee>,
    ) -> QueryResult<Vec<Upcoming>> {
        let mut query = rows
            .filter(deadlines::done.eq(false))
            .filter(deadlines::due_on.le(until));
        if let Some(who) = whose {
            query = assigned!(query, who);
        }
        let rows = query
            .order((deadlines::due_on, deadlines::starts_at, deadlines::id))
            .select((
                Deadline::as_select(),
                cases::reference,
                cases::member_id,
                cases::assigned_to,
            ))
            .load::<(Deadline, String, Option<MemberId>, Option<UserId>)>(conn)?;
        Ok(rows
            .into_iter()
            .map(|(deadline, reference, member_id, assigned_to)| Upcoming {
                deadline,
                reference,
                member_id,
                assigned_to,
            })
            .collect())
    }
}
