//! Sending what the outbox holds, and queuing each morning's digests: one pass is [`run`],
//! which the server repeats every half minute (`Reminders`) and `caseload reminders send` runs
//! once. Every message sent, and every one given up, is in the audit trail: to whom, what kind,
//! how many items and which cases, never its content.

use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration as StdDuration;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::digest;
use super::outbox::{self, Claimed, Kind};
use super::render;
use super::smtp::Mailer;
use crate::audit::{self, Action, Entity, Event, Job, Principal};
use crate::config::{DigestAt, MailConfig};
use crate::db::schema::digest_days;
use crate::db::{Database, DbConn};
use crate::error::AppError;
use crate::models::User;

/// Messages claimed at a time.
const BATCH: i64 = 20;

/// How often the server looks for messages to send and for the digest's hour.
pub const EVERY: StdDuration = StdDuration::from_secs(30);

/// What one delivery pass did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Delivered {
    pub sent: usize,
    /// Failed this time; tried again later.
    pub retrying: usize,
    /// Given up (no address any more, too many tries, too late, interrupted).
    pub given_up: usize,
}

/// The cases a message names, for its audit entry.
fn cases_named(message: &Claimed) -> Vec<i64> {
    match message.kind {
        Kind::Digest => message.payload["items"]
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(|item| item["case_id"].as_i64())
                    .collect()
            })
            .unwrap_or_default(),
        Kind::Referred | Kind::Taken => message.payload["case_id"].as_i64().into_iter().collect(),
    }
}

fn audited(
    conn: &mut DbConn,
    action: Action,
    id: i64,
    user: crate::models::UserId,
    detail: String,
    cases: Vec<i64>,
) -> Result<(), AppError> {
    audit::record(
        conn,
        Event::new(Principal::System(Job::Reminders), action, Entity::Email)
            .id(id)
            .shows(Entity::User, [user.0])
            .shows(Entity::Case, cases)
            .detail(detail),
    )
}

/// Gives a claimed message up, audited and logged.
fn give_up(db: &Database, conn: &mut DbConn, message: &Claimed, why: &str) -> Result<(), AppError> {
    tracing::warn!(
        message = message.id,
        kind = message.kind.as_str(),
        attempts = message.attempts,
        reason = why,
        "email given up"
    );
    db.write_with(conn, |conn| {
        outbox::give_up(conn, message.id, why)?;
        audited(
            conn,
            Action::SendFailed,
            message.id,
            message.user_id,
            format!(
                "kind={} attempts={}",
                message.kind.as_str(),
                message.attempts
            ),
            cases_named(message),
        )
    })
}

/// Sends every message due at `now`, each claimed first so that it goes once.
pub fn deliver(db: &Database, mailer: &Mailer, now: NaiveDateTime) -> Result<Delivered, AppError> {
    let mut conn = db.get()?;
    let mut done = Delivered::default();
    let tidied = db.write_with(&mut conn, |conn| {
        let tidied = outbox::tidy(conn, now)?;
        for (why, rows) in [
            ("interrupted", &tidied.interrupted),
            ("expired", &tidied.expired),
        ] {
            for (id, user) in rows {
                audited(conn, Action::SendFailed, *id, *user, why.into(), Vec::new())?;
            }
        }
        Ok::<_, AppError>(tidied)
    })?;
    for (id, _) in &tidied.interrupted {
        tracing::warn!(
            message = id,
            "an email's send was interrupted (the sender stopped): not sent again, as the \
             server may have taken it"
        );
    }
    done.given_up += tidied.interrupted.len() + tidied.expired.len();
    loop {
        let claimed = db.write_with(&mut conn, |conn| outbox::claim_due(conn, now, BATCH))?;
        if claimed.is_empty() {
            return Ok(done);
        }
        for message in claimed {
            let user = User::find(&mut conn, message.user_id)?;
            let Some(address) = user.email.filter(|_| user.active) else {
                give_up(db, &mut conn, &message, "no address")?;
                done.given_up += 1;
                continue;
            };
            let rendered = render::message(&message, mailer.public_url.as_deref())?;
            let id = format!(
                "caseload.{}.{}",
                message.id,
                message.created_at.and_utc().timestamp()
            );
            match mailer.send(&address, &rendered, &id) {
                Ok(()) => {
                    db.write_with(&mut conn, |conn| {
                        outbox::mark_sent(conn, message.id, now)?;
                        audited(
                            conn,
                            Action::Send,
                            message.id,
                            message.user_id,
                            format!("kind={} items={}", message.kind.as_str(), message.items),
                            cases_named(&message),
                        )
                    })?;
                    done.sent += 1;
                }
                Err(failure) => {
                    let late = now >= message.created_at + outbox::EXPIRES_AFTER;
                    if message.attempts >= outbox::MAX_ATTEMPTS || late {
                        give_up(db, &mut conn, &message, &failure.reason)?;
                        done.given_up += 1;
                    } else {
                        let retry_at = now + outbox::back_off(message.attempts);
                        tracing::warn!(
                            message = message.id,
                            kind = message.kind.as_str(),
                            attempts = message.attempts,
                            permanent = failure.permanent,
                            reason = %failure,
                            %retry_at,
                            "email not sent; will try again"
                        );
                        db.write_with(&mut conn, |conn| {
                            outbox::retry_later(conn, message.id, retry_at, &failure.reason)
                        })?;
                        done.retrying += 1;
                    }
                }
            }
        }
    }
}

/// The day the digest of `now` is for, in the configured time zone, once its hour has come.
pub fn digest_day(config: &MailConfig, now: DateTime<Utc>) -> Option<NaiveDate> {
    let DigestAt::At(at) = config.digest_at else {
        return None;
    };
    let local = now.with_timezone(&config.time_zone);
    (local.time() >= at).then(|| local.date_naive())
}

/// Queues the digests of `day` unless they were queued already (by this process before a
/// restart, or by another). Returns how many this call queued.
pub fn queue_digests(
    db: &Database,
    day: NaiveDate,
    now: NaiveDateTime,
    again: bool,
) -> Result<usize, AppError> {
    let mut conn = db.get()?;
    db.write_with(&mut conn, |conn| {
        let done = digest_days::table
            .find(day)
            .count()
            .get_result::<i64>(conn)?
            > 0;
        if done && !again {
            return Ok(0);
        }
        let queued = digest::queue(conn, day, now)?;
        crate::db_run!(conn, {
            diesel::insert_into(digest_days::table)
                .values((digest_days::day.eq(day), digest_days::queued_at.eq(now)))
                .on_conflict(digest_days::day)
                .do_nothing()
                .execute(conn)?;
        });
        Ok(queued)
    })
}

/// One pass: queue the day's digests if their hour has come, then send what is due.
pub fn run(
    db: &Database,
    mailer: &Mailer,
    config: &MailConfig,
    now: DateTime<Utc>,
) -> Result<Delivered, AppError> {
    if let Some(day) = digest_day(config, now) {
        let queued = queue_digests(db, day, now.naive_utc(), false)?;
        if queued > 0 {
            tracing::info!(%day, digests = queued, "morning digests queued");
        }
    }
    deliver(db, mailer, now.naive_utc())
}

/// The server's reminder thread: a pass every [`EVERY`] until stopped.
pub struct Reminders {
    stop: mpsc::Sender<()>,
    worker: JoinHandle<()>,
}

impl Reminders {
    pub fn start(db: Database, mailer: Mailer, config: MailConfig) -> Self {
        let (stop, stopped) = mpsc::channel::<()>();
        let worker = std::thread::Builder::new()
            .name("reminders".into())
            .spawn(move || {
                loop {
                    match run(&db, &mailer, &config, Utc::now()) {
                        Ok(done) if done != Delivered::default() => {
                            tracing::info!(
                                sent = done.sent,
                                retrying = done.retrying,
                                given_up = done.given_up,
                                "emails"
                            );
                        }
                        Ok(_) => {}
                        Err(error) => tracing::error!(%error, "reminders pass failed"),
                    }
                    if !matches!(
                        stopped.recv_timeout(EVERY),
                        Err(mpsc::RecvTimeoutError::Timeout)
                    ) {
                        return;
                    }
                }
            })
            .expect("spawn the reminders thread");
        Self { stop, worker }
    }

    /// Stops after the pass under way (a send in progress finishes).
    pub fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.worker.join();
    }
}
