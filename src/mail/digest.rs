//! The morning digest: for each user who chose it, what falls due on their home page — their
//! cases' deadlines due in 28, 14, 7 and 1 days and today, those overdue, hearings in the next
//! seven days, and for an officer the same of their branch's cases with no rep. Only case
//! references, deadline kinds, dates and times go in it: the message leaves our control, so
//! never a member's name, a place, a note or case text.

use chrono::{Days, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::outbox::{self, Kind};
use crate::access::Scope;
use crate::db::DbConn;
use crate::db::schema::users;
use crate::error::AppError;
use crate::models::{Assignee, CaseId, Deadline, DeadlineKind, Role, User, UserId};

/// Days before a deadline on which it is in the digest.
pub const NOTICE_DAYS: &[i64] = &[28, 14, 7, 1, 0];

/// How far ahead hearings are listed, every day.
pub const HEARING_DAYS: i64 = 7;

/// One line of a digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub case_id: CaseId,
    pub reference: String,
    pub kind: DeadlineKind,
    pub due_on: NaiveDate,
    /// A hearing's start, `HH:MM`.
    pub starts_at: Option<String>,
    /// A case of the officer's branch with no rep yet.
    pub unassigned: bool,
}

/// Whether a deadline due on `due_on` is in the digest of `day`.
pub fn is_due(kind: DeadlineKind, due_on: NaiveDate, day: NaiveDate) -> bool {
    let days = (due_on - day).num_days();
    days < 0
        || NOTICE_DAYS.contains(&days)
        || (kind == DeadlineKind::Hearing && days <= HEARING_DAYS)
}

/// A user's digest for `day`: the items, overdue first, then by date. Empty when nothing is
/// due, or when the user sees no casework.
pub fn items_for(conn: &mut DbConn, user: &User, day: NaiveDate) -> Result<Vec<Item>, AppError> {
    let scope = Scope::of(user)?;
    let Ok(records) = scope.records() else {
        return Ok(Vec::new());
    };
    let whose = match scope {
        Scope::Branch { .. } => Assignee::UserOrNobody(user.id),
        _ => Assignee::User(user.id),
    };
    let until = day + Days::new(NOTICE_DAYS[0].unsigned_abs());
    let rows = Deadline::upcoming(conn, records.deadlines(), until, Some(whose))?;
    Ok(rows
        .into_iter()
        .filter(|row| is_due(row.deadline.kind, row.deadline.due_on, day))
        .map(|row| Item {
            case_id: row.deadline.case_id,
            reference: row.reference,
            kind: row.deadline.kind,
            due_on: row.deadline.due_on,
            starts_at: row.deadline.starts_at,
            unassigned: row.assigned_to.is_none(),
        })
        .collect())
}

/// Who gets a digest: active users with an email address who chose it and see casework.
pub fn recipients(conn: &mut DbConn) -> QueryResult<Vec<User>> {
    users::table
        .filter(users::active.eq(true))
        .filter(users::email_digest.eq(true))
        .filter(users::email.is_not_null())
        .filter(users::role.ne(Role::Delegate.as_str()))
        .order(users::id)
        .select(User::as_select())
        .load(conn)
}

/// The digests of `day`, each user with their items; users with nothing due are left out.
pub fn for_day(conn: &mut DbConn, day: NaiveDate) -> Result<Vec<(User, Vec<Item>)>, AppError> {
    let mut digests = Vec::new();
    for user in recipients(conn)? {
        let items = items_for(conn, &user, day)?;
        if !items.is_empty() {
            digests.push((user, items));
        }
    }
    Ok(digests)
}

/// The outbox key of a user's digest of a day: one digest a user a day, however often asked.
pub fn key(user: UserId, day: NaiveDate) -> String {
    format!("digest:{day}:{user}")
}

/// Whether the user's digest of `day` is in the outbox already.
pub fn already_queued(conn: &mut DbConn, user: UserId, day: NaiveDate) -> QueryResult<bool> {
    use crate::db::schema::outbox;
    outbox::table
        .filter(outbox::dedupe_key.eq(key(user, day)))
        .count()
        .get_result::<i64>(conn)
        .map(|n| n > 0)
}

/// Queues the digests of `day`. Returns how many this call queued (those queued already, by
/// an earlier run or another process, are not queued again).
pub fn queue(conn: &mut DbConn, day: NaiveDate, now: NaiveDateTime) -> Result<usize, AppError> {
    let mut queued = 0;
    for (user, items) in for_day(conn, day)? {
        let payload = json!({ "day": day, "items": items });
        if outbox::queue(
            conn,
            &key(user.id, day),
            user.id,
            Kind::Digest,
            items.len(),
            &payload,
            now,
        )? {
            queued += 1;
        }
    }
    Ok(queued)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        text.parse().expect("a date")
    }

    #[test]
    fn deadlines_come_on_their_notice_days_and_when_overdue() {
        let day = d("2026-12-04");
        let on = |days: i64| {
            is_due(
                DeadlineKind::Appeal,
                day + chrono::Duration::days(days),
                day,
            )
        };
        let included: Vec<i64> = (-2..=30).filter(|n| on(*n)).collect();
        assert_eq!(included, [-2, -1, 0, 1, 7, 14, 28]);
    }

    #[test]
    fn hearings_come_every_day_of_the_week_before() {
        let day = d("2026-12-04");
        let included: Vec<i64> = (0..=30)
            .filter(|n| is_due(DeadlineKind::Hearing, day + chrono::Duration::days(*n), day))
            .collect();
        assert_eq!(included, [0, 1, 2, 3, 4, 5, 6, 7, 14, 28]);
    }
}
