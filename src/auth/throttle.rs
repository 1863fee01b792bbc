//! Sign-in throttling: after too many failures for one username, or many more from one client
//! address, within a window, further attempts answer 429 until the oldest failure leaves the
//! window. The failures are kept in the database (`login_failures`), so that every process
//! serving one database throttles alike; each check and count is one write transaction, so
//! parallel attempts queue and none slips past the limit.

use std::time::Duration;

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::login_failures;
use crate::error::AppError;

#[derive(Debug, Clone)]
pub struct LoginThrottle {
    limit: i64,
    address_limit: i64,
    window: Duration,
}

/// The kinds of key: failures per username and per client address.
const USERNAME: &str = "user";
const ADDRESS: &str = "addr";

impl LoginThrottle {
    pub fn new(limit: usize, window: Duration) -> Self {
        Self {
            limit: limit as i64,
            address_limit: limit as i64,
            window,
        }
    }

    /// The same, allowing `limit` failures from one address (several people share one).
    pub fn per_address(mut self, limit: usize) -> Self {
        self.address_limit = limit.max(1) as i64;
        self
    }

    /// Keys for an attempt: the username (case-folded) and the client address when known,
    /// each hashed, so that a key is small whatever was sent.
    pub fn keys(username: &str, client: Option<&str>) -> Vec<String> {
        let hashed = |kind: &str, value: &str| {
            use sha2::Digest;
            let digest = sha2::Sha256::digest(value.as_bytes());
            format!("{kind}:{}", crate::text::hex(&digest[..16]))
        };
        let mut keys = vec![hashed(USERNAME, &username.trim().to_lowercase())];
        if let Some(client) = client {
            keys.push(hashed(ADDRESS, client));
        }
        keys
    }

    fn window_start(&self, now: NaiveDateTime) -> NaiveDateTime {
        now - chrono::Duration::from_std(self.window).unwrap_or(chrono::Duration::minutes(15))
    }

    /// Counts an attempt against every key before the password is checked (call inside a
    /// write transaction), so that parallel attempts cannot slip past the limit; 429 with the
    /// seconds to wait when a key is full. Failures older than the window are forgotten here.
    pub fn begin(&self, conn: &mut DbConn, keys: &[String]) -> Result<(), AppError> {
        let now = Utc::now().naive_utc();
        let start = self.window_start(now);
        diesel::delete(login_failures::table.filter(login_failures::at.le(start))).execute(conn)?;
        let mut wait = chrono::Duration::zero();
        for key in keys {
            let (count, oldest): (i64, Option<NaiveDateTime>) = login_failures::table
                .filter(login_failures::key.eq(key))
                .select((
                    diesel::dsl::count_star(),
                    diesel::dsl::min(login_failures::at),
                ))
                .first(conn)?;
            let limit = if key.starts_with(ADDRESS) {
                self.address_limit
            } else {
                self.limit
            };
            if count >= limit
                && let Some(oldest) = oldest
            {
                wait = wait.max(oldest - start);
            }
        }
        if wait > chrono::Duration::zero() {
            return Err(AppError::TooManyRequests {
                retry_after_secs: wait.num_seconds().max(1) as u64,
                message: "too many attempts; try again later".into(),
            });
        }
        let rows: Vec<_> = keys
            .iter()
            .map(|key| (login_failures::key.eq(key), login_failures::at.eq(now)))
            .collect();
        crate::db_run!(conn, {
            diesel::insert_into(login_failures::table)
                .values(&rows)
                .execute(conn)
        })?;
        Ok(())
    }

    /// A successful sign-in: the username's failures are forgiven, and the attempt no longer
    /// counts against the address.
    pub fn succeeded(&self, conn: &mut DbConn, keys: &[String]) -> Result<(), AppError> {
        if let Some(username) = keys.first() {
            diesel::delete(login_failures::table.filter(login_failures::key.eq(username)))
                .execute(conn)?;
        }
        for key in keys.iter().skip(1) {
            let latest: Option<i64> = login_failures::table
                .filter(login_failures::key.eq(key))
                .select(diesel::dsl::max(login_failures::id))
                .first(conn)?;
            if let Some(id) = latest {
                diesel::delete(login_failures::table.find(id)).execute(conn)?;
            }
        }
        Ok(())
    }

    /// How many failures are kept (for tests that they are forgotten).
    pub fn tracked(conn: &mut DbConn) -> Result<i64, AppError> {
        Ok(login_failures::table.count().get_result(conn)?)
    }
}
