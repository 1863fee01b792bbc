//! The daily allowance of evidence summaries. Perturbation stops any one pair of requests from
//! being differenced; averaging many different overlapping requests would still wear the noise
//! down, so each user may ask for only so many distinct summaries (scope and period) a day.
//! Asking for the same summary again (in another format, say) is free: it is the same figures.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::period::MonthPeriod;
use crate::access::ReportScope;
use crate::db::schema::evidence_requests as requests;
use crate::db::{DbConn, write_transaction};
use crate::error::AppError;
use crate::models::UserId;

/// Counts this request against `user`'s allowance for the day of `now`, or refuses it with a
/// 429 that says when the allowance renews (midnight UTC).
pub(crate) fn claim(
    conn: &mut DbConn,
    user: UserId,
    scope: ReportScope,
    period: MonthPeriod,
    now: NaiveDateTime,
    allowance: i64,
) -> Result<(), AppError> {
    let today = now.date();
    let scope_text = scope.to_string();
    write_transaction(conn, |conn| {
        lock_user(conn, user)?;
        diesel::delete(
            requests::table
                .filter(requests::user_id.eq(user.0))
                .filter(requests::day.lt(today)),
        )
        .execute(conn)?;
        let this = requests::table
            .filter(requests::user_id.eq(user.0))
            .filter(requests::day.eq(today))
            .filter(requests::scope.eq(&scope_text))
            .filter(requests::from_on.eq(period.from))
            .filter(requests::to_on.eq(period.to));
        let asked_before: i64 = this.count().get_result(conn)?;
        if asked_before > 0 {
            return Ok(());
        }
        let used: i64 = requests::table
            .filter(requests::user_id.eq(user.0))
            .filter(requests::day.eq(today))
            .count()
            .get_result(conn)?;
        if used >= allowance {
            return Err(AppError::TooManyRequests {
                retry_after_secs: seconds_to_midnight(now),
                message: format!(
                    "you have asked for {allowance} different evidence summaries today, the daily \
                     allowance; the same summaries can be asked for again, and new ones from midnight UTC"
                ),
            });
        }
        diesel::insert_into(requests::table)
            .values((
                requests::user_id.eq(user.0),
                requests::day.eq(today),
                requests::scope.eq(&scope_text),
                requests::from_on.eq(period.from),
                requests::to_on.eq(period.to),
            ))
            .execute(conn)?;
        Ok(())
    })
}

/// Serialises one user's claims: SQLite's write transaction already does; on PostgreSQL two
/// requests at once would otherwise both see room for one more.
fn lock_user(conn: &mut DbConn, user: UserId) -> Result<(), AppError> {
    match conn {
        DbConn::Sqlite(_) => {
            let _ = user;
            Ok(())
        }
        #[cfg(feature = "postgres")]
        DbConn::Pg(pg) => {
            diesel::sql_query("SELECT id FROM users WHERE id = $1 FOR UPDATE")
                .bind::<diesel::sql_types::BigInt, _>(user.0)
                .execute(pg)?;
            Ok(())
        }
    }
}

fn seconds_to_midnight(now: NaiveDateTime) -> u64 {
    let midnight = now
        .date()
        .succ_opt()
        .unwrap_or(NaiveDate::MAX)
        .and_hms_opt(0, 0, 0)
        .unwrap_or(now);
    (midnight - now).num_seconds().max(1) as u64
}
