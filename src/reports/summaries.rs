//! The report summaries (`workload_latest`, `workload_monthly`, `case_monthly`) are kept by
//! triggers on every write. A bulk load of a new database (`caseload seed`) pauses them and
//! rebuilds them from the records at the end, which is several times faster than keeping them
//! row by row; a load that stopped half-way leaves them paused, and the next start rebuilds
//! them before serving. A migration that adds a summary pauses them too when the database
//! already holds records, so that this rebuild is the one place the summaries are computed
//! from scratch.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::summaries_paused;
use crate::error::AppError;

/// The summaries recomputed from the records. `month(column)` is the backend's expression for
/// a date's `YYYY-MM`; `bucket` its expression for caseload per FTE in tenths, rounded half up,
/// exactly as the triggers compute them.
fn rebuild_sql(month: impl Fn(&str) -> String, bucket: &str) -> String {
    let (recorded, opened) = (month("w.recorded_on"), month("c.opened_on"));
    format!(
        "DELETE FROM workload_latest;
         INSERT INTO workload_latest (member_id, workload_id, recorded_on, open_cases, branch_id, employer_id, fte)
         SELECT m.id, w.id, w.recorded_on, w.open_cases, m.branch_id, w.employer_id, w.fte
         FROM members m JOIN workload_records w ON w.id = (
             SELECT w2.id FROM workload_records w2 WHERE w2.member_id = m.id
             ORDER BY w2.recorded_on DESC, w2.id DESC LIMIT 1);
         DELETE FROM workload_monthly;
         INSERT INTO workload_monthly (branch_id, employer_id, month, bucket, records)
         SELECT m.branch_id, w.employer_id, {recorded}, {bucket}, COUNT(*)
         FROM workload_records w JOIN members m ON m.id = w.member_id
         GROUP BY 1, 2, 3, 4;
         DELETE FROM case_monthly;
         INSERT INTO case_monthly (dimension, month, value, branch_id, employer_id, cases, key_sum)
         SELECT d.dimension, {opened}, d.value, c.branch_id, COALESCE(c.employer_id, 0),
                COUNT(*), SUM(c.record_key)
         FROM cases c JOIN (
             SELECT id, 'type' AS dimension, case_type AS value FROM cases
             UNION ALL SELECT id, 'stage', stage FROM cases
             UNION ALL SELECT id, 'workload', CASE WHEN workload_factor THEN 'yes' ELSE 'no' END FROM cases
             UNION ALL SELECT f.case_id, 'factor', f.factor FROM case_workload_factors f
                       JOIN cases x ON x.id = f.case_id WHERE x.workload_factor
         ) d ON d.id = c.id
         GROUP BY 1, 2, 3, 4, 5;
         DELETE FROM summaries_paused;"
    )
}

/// Stops the triggers keeping the summaries (until [`rebuild`]).
pub fn pause(conn: &mut DbConn) -> Result<(), AppError> {
    diesel::insert_into(summaries_paused::table)
        .values(summaries_paused::since.eq(chrono::Utc::now().naive_utc()))
        .execute(conn)?;
    Ok(())
}

pub fn paused(conn: &mut DbConn) -> Result<bool, AppError> {
    let rows: i64 = summaries_paused::table.count().get_result(conn)?;
    Ok(rows > 0)
}

/// Recomputes the summaries from the records and starts the triggers again, in one
/// transaction.
pub(crate) fn rebuild(conn: &mut DbConn) -> Result<(), AppError> {
    let tenths = crate::db::dialect::round_half_up(conn, "w.open_cases * 10.0 / w.fte");
    let sql = rebuild_sql(|date| crate::db::dialect::month_of(conn, date), &tenths);
    crate::db::write_transaction(conn, |conn| {
        conn.batch_execute(&sql)?;
        Ok::<_, AppError>(())
    })
}

/// Rebuilds the summaries if they are paused: a bulk load stopped before it could, or a
/// migration that adds a summary to a database holding records left them to this (called at
/// start-up, after the migrations).
pub fn resume_if_paused(conn: &mut DbConn) -> Result<(), AppError> {
    if paused(conn)? {
        tracing::warn!(
            "report summaries are paused (a bulk load stopped half-way, or an upgrade added one): rebuilding"
        );
        rebuild(conn)?;
    }
    Ok(())
}
