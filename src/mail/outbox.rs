//! The outbox: every message is a row before it is sent. A sender claims a row with one
//! conditional `UPDATE` (pending → sending) in its own transaction, so that of several
//! processes on one database only one sends it; the row is marked sent after the SMTP server
//! accepted it, and never sent again. A refused or failed send goes back to pending with a
//! back-off; a send interrupted between the claim and the mark (the process stopped) is not
//! repeated, because the server may have accepted it: it is marked `interrupted` and logged.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde_json::Value;

use crate::db::DbConn;
use crate::db::schema::outbox;
use crate::models::UserId;

/// What a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The morning digest of what falls due.
    Digest,
    /// A case referred to the recipient's region.
    Referred,
    /// A case the branch referred, taken by the region.
    Taken,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Digest => "digest",
            Self::Referred => "referred",
            Self::Taken => "taken",
        }
    }

    fn parse(value: &str) -> Option<Self> {
        [Self::Digest, Self::Referred, Self::Taken]
            .into_iter()
            .find(|k| k.as_str() == value)
    }
}

/// How long a claim lasts: far longer than a send may take (the SMTP client gives up after
/// `smtp::TIMEOUT`), so a live sender never loses its claim.
pub const LEASE: Duration = Duration::minutes(10);

/// Sends tried before a message is given up.
pub const MAX_ATTEMPTS: i32 = 10;

/// A message not sent within a day is given up: a digest is for its morning, a notice is news,
/// and tomorrow's digest repeats what is still due or overdue.
pub const EXPIRES_AFTER: Duration = Duration::days(1);

/// Sent and given-up rows are deleted after this long (the audit trail keeps that they were).
pub const KEPT_FOR: Duration = Duration::days(30);

/// The wait before the next try after `attempts` failed ones: 1, 2, 4 … minutes, at most an
/// hour.
pub fn back_off(attempts: i32) -> Duration {
    Duration::minutes(1_i64 << attempts.clamp(1, 7).saturating_sub(1)).min(Duration::hours(1))
}

#[derive(Insertable)]
#[diesel(table_name = outbox)]
struct NewMessage<'a> {
    dedupe_key: &'a str,
    user_id: UserId,
    kind: &'static str,
    items: i32,
    payload: String,
    status: &'static str,
    next_attempt_at: NaiveDateTime,
    created_at: NaiveDateTime,
}

/// Queues a message unless one with the same key exists (a user's digest of a day is queued
/// once, however many processes queue it). True when this call queued it.
pub(crate) fn queue(
    conn: &mut DbConn,
    key: &str,
    user: UserId,
    kind: Kind,
    items: usize,
    payload: &Value,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let row = NewMessage {
        dedupe_key: key,
        user_id: user,
        kind: kind.as_str(),
        items: i32::try_from(items).unwrap_or(i32::MAX),
        payload: payload.to_string(),
        status: "pending",
        next_attempt_at: now,
        created_at: now,
    };
    let inserted = crate::db_run!(conn, {
        diesel::insert_into(outbox::table)
            .values(&row)
            .on_conflict(outbox::dedupe_key)
            .do_nothing()
            .execute(conn)?
    });
    Ok(inserted == 1)
}

/// A message this process has claimed and must now send.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: i64,
    pub user_id: UserId,
    pub kind: Kind,
    pub items: i32,
    pub payload: Value,
    pub attempts: i32,
    pub created_at: NaiveDateTime,
}

/// Claims up to `limit` messages due to be sent: each by its own conditional update, which
/// another process's claim of the same row makes match nothing.
pub(crate) fn claim_due(
    conn: &mut DbConn,
    now: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<Claimed>> {
    let due: Vec<i64> = outbox::table
        .filter(outbox::status.eq("pending"))
        .filter(outbox::next_attempt_at.le(now))
        .order(outbox::id)
        .limit(limit)
        .select(outbox::id)
        .load(conn)?;
    let mut claimed = Vec::new();
    for id in due {
        let row = diesel::update(outbox::table.find(id).filter(outbox::status.eq("pending")))
            .set((
                outbox::status.eq("sending"),
                outbox::claimed_until.eq(now + LEASE),
                outbox::attempts.eq(outbox::attempts + 1),
            ))
            .returning((
                outbox::id,
                outbox::user_id,
                outbox::kind,
                outbox::items,
                outbox::payload,
                outbox::attempts,
                outbox::created_at,
            ))
            .get_result::<(i64, UserId, String, i32, String, i32, NaiveDateTime)>(conn)
            .optional()?;
        if let Some((id, user_id, kind, items, payload, attempts, created_at)) = row {
            let (Some(kind), Ok(payload)) = (Kind::parse(&kind), serde_json::from_str(&payload))
            else {
                tracing::error!(message = id, "outbox row unreadable; given up");
                give_up(conn, id, "unreadable")?;
                continue;
            };
            claimed.push(Claimed {
                id,
                user_id,
                kind,
                items,
                payload,
                attempts,
                created_at,
            });
        }
    }
    Ok(claimed)
}

/// Marks a claimed message sent, emptying its payload. False when the claim was lost (it
/// expired and the row was marked interrupted meanwhile).
pub(crate) fn mark_sent(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<bool> {
    let changed = diesel::update(outbox::table.find(id).filter(outbox::status.eq("sending")))
        .set((
            outbox::status.eq("sent"),
            outbox::sent_at.eq(now),
            outbox::payload.eq(""),
            outbox::claimed_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(None::<String>),
        ))
        .execute(conn)?;
    Ok(changed == 1)
}

/// Puts a message whose send failed back in the queue, to be tried again at `retry_at`.
pub(crate) fn retry_later(
    conn: &mut DbConn,
    id: i64,
    retry_at: NaiveDateTime,
    error: &str,
) -> QueryResult<()> {
    diesel::update(outbox::table.find(id).filter(outbox::status.eq("sending")))
        .set((
            outbox::status.eq("pending"),
            outbox::next_attempt_at.eq(retry_at),
            outbox::claimed_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(error),
        ))
        .execute(conn)?;
    Ok(())
}

/// Gives a message up: it will not be sent; its payload goes.
pub(crate) fn give_up(conn: &mut DbConn, id: i64, error: &str) -> QueryResult<()> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::status.eq("failed"),
            outbox::payload.eq(""),
            outbox::claimed_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(error),
        ))
        .execute(conn)?;
    Ok(())
}

/// What tidying the outbox found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Tidied {
    /// Claims whose sender stopped mid-send: not sent again (the server may have taken them).
    pub interrupted: Vec<(i64, UserId)>,
    /// Pending messages older than [`EXPIRES_AFTER`], given up.
    pub expired: Vec<(i64, UserId)>,
    /// Rows deleted after [`KEPT_FOR`].
    pub deleted: usize,
}

/// Marks lapsed claims interrupted, gives up stale pending messages and deletes old rows.
pub(crate) fn tidy(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<Tidied> {
    let interrupted = diesel::update(
        outbox::table
            .filter(outbox::status.eq("sending"))
            .filter(outbox::claimed_until.lt(now)),
    )
    .set((
        outbox::status.eq("interrupted"),
        outbox::payload.eq(""),
        outbox::claimed_until.eq(None::<NaiveDateTime>),
        outbox::last_error.eq("the sender stopped during the send"),
    ))
    .returning((outbox::id, outbox::user_id))
    .get_results(conn)?;
    let expired = diesel::update(
        outbox::table
            .filter(outbox::status.eq("pending"))
            .filter(outbox::created_at.lt(now - EXPIRES_AFTER)),
    )
    .set((
        outbox::status.eq("failed"),
        outbox::payload.eq(""),
        outbox::last_error.eq("not sent within a day"),
    ))
    .returning((outbox::id, outbox::user_id))
    .get_results(conn)?;
    let deleted = diesel::delete(
        outbox::table
            .filter(outbox::status.ne_all(["pending", "sending"]))
            .filter(outbox::created_at.lt(now - KEPT_FOR)),
    )
    .execute(conn)?;
    Ok(Tidied {
        interrupted,
        expired,
        deleted,
    })
}

/// For monitoring: messages waiting to be sent (pending or being sent), and messages given
/// up or interrupted in the 30 days rows are kept.
pub fn counts(conn: &mut DbConn) -> QueryResult<(i64, i64)> {
    let waiting = outbox::table
        .filter(outbox::status.eq_any(["pending", "sending"]))
        .count()
        .get_result(conn)?;
    let failed = outbox::table
        .filter(outbox::status.eq_any(["failed", "interrupted"]))
        .count()
        .get_result(conn)?;
    Ok((waiting, failed))
}

/// [`counts`], for `/metrics`.
pub(crate) async fn email_counts(
    state: &crate::state::AppState,
) -> Result<(i64, i64), crate::error::AppError> {
    state.db.run(|conn| Ok(counts(conn)?)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_off_doubles_to_an_hour() {
        let minutes: Vec<i64> = (1..=9).map(|n| back_off(n).num_minutes()).collect();
        assert_eq!(minutes, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
    }
}
