//! The grouped SQL behind dashboards and evidence. Each query returns counts already grouped by
//! the database (by branch, employer, month, label or caseload bucket), never member rows.
//! Values put into the SQL are typed ids, dates and numbers formatted here, never user text.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use crate::db::{Backend, DbConn};
use crate::error::AppError;

#[derive(Debug, Clone, QueryableByName)]
pub struct KeyBucket {
    #[diesel(sql_type = BigInt)]
    pub key: i64,
    #[diesel(sql_type = BigInt)]
    pub bucket: i64,
    #[diesel(sql_type = BigInt)]
    pub members: i64,
    #[diesel(sql_type = BigInt)]
    pub recent: i64,
    #[diesel(sql_type = BigInt)]
    pub above: i64,
}

#[derive(Debug, Clone, QueryableByName)]
pub struct KeyCount {
    #[diesel(sql_type = BigInt)]
    pub key: i64,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
    #[diesel(sql_type = BigInt)]
    pub w: i64,
}

#[derive(Debug, Clone, QueryableByName)]
pub struct LabelCount {
    #[diesel(sql_type = BigInt)]
    pub key: i64,
    #[diesel(sql_type = Text)]
    pub label: String,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

/// The SQL for "the month of this date column" on a backend.
pub fn month_of(backend: Backend, column: &str) -> String {
    match backend {
        Backend::Sqlite => format!("strftime('%Y-%m', {column})"),
        Backend::Postgres => format!("to_char({column}, 'YYYY-MM')"),
    }
}

pub fn date(d: NaiveDate) -> String {
    format!("'{}'", d.format("%Y-%m-%d"))
}

fn load<T: QueryableByName<crate::db::Sql> + 'static>(
    conn: &mut DbConn,
    sql: &str,
) -> Result<Vec<T>, AppError> {
    let started = std::time::Instant::now();
    let rows = diesel::sql_query(sql).load(conn)?;
    // The SQL holds only ids, dates and numbers: safe to log when tuning.
    tracing::debug!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        sql,
        "report query"
    );
    Ok(rows)
}

/// The join to members, only when a condition or key reads them (it costs a lookup per case).
fn member_join(parts: &[&str]) -> &'static str {
    if parts.iter().any(|p| p.contains("m.")) {
        "LEFT JOIN members m ON m.id = c.member_id"
    } else {
        ""
    }
}

/// Caseload per FTE of each member's latest workload record on or before `on`, grouped by
/// `key` (a column of `m`, or a constant) and by bucket of a tenth, with how many of those
/// records are on or after `recent_from` and how many are above the member's threshold.
pub fn latest_caseload(
    conn: &mut DbConn,
    key: &str,
    condition: &str,
    on: NaiveDate,
    recent_from: NaiveDate,
    safe: f64,
) -> Result<Vec<KeyBucket>, AppError> {
    let sql = format!(
        "SELECT CAST({key} AS BIGINT) AS key, \
                CAST(ROUND(w.open_cases * 10.0 / m.fte) AS BIGINT) AS bucket, \
                COUNT(*) AS members, \
                CAST(SUM(CASE WHEN w.recorded_on >= {recent} THEN 1 ELSE 0 END) AS BIGINT) AS recent, \
                CAST(SUM(CASE WHEN w.open_cases * 1.0 / m.fte > COALESCE(e.safe_caseload_override, {safe:.4}) THEN 1 ELSE 0 END) AS BIGINT) AS above \
         FROM members m \
         JOIN employers e ON e.id = m.employer_id \
         JOIN workload_records w ON w.id = ( \
             SELECT w2.id FROM workload_records w2 \
             WHERE w2.member_id = m.id AND w2.recorded_on <= {on} \
             ORDER BY w2.recorded_on DESC, w2.id DESC LIMIT 1) \
         WHERE {condition} \
         GROUP BY 1, 2",
        recent = date(recent_from),
        on = date(on),
    );
    load(conn, &sql)
}

/// Members grouped by `key`.
pub fn members(conn: &mut DbConn, key: &str, condition: &str) -> Result<Vec<KeyCount>, AppError> {
    load(
        conn,
        &format!(
            "SELECT CAST({key} AS BIGINT) AS key, COUNT(*) AS n, CAST(0 AS BIGINT) AS w FROM members m WHERE {condition} GROUP BY 1"
        ),
    )
}

/// Cases (with their member `m`, which may be absent after retention) grouped by `key` and
/// `label`, where `filter` holds.
pub fn cases_by(
    conn: &mut DbConn,
    key: &str,
    label: &str,
    condition: &str,
) -> Result<Vec<LabelCount>, AppError> {
    load(
        conn,
        &format!(
            "SELECT CAST({key} AS BIGINT) AS key, {label} AS label, COUNT(*) AS n \
             FROM cases c {join} \
             WHERE {condition} GROUP BY 1, 2",
            join = member_join(&[key, label, condition])
        ),
    )
}

/// Cases grouped by `key`, with how many had workload as a factor (`w`).
pub fn cases_with_workload(
    conn: &mut DbConn,
    key: &str,
    condition: &str,
) -> Result<Vec<KeyCount>, AppError> {
    load(
        conn,
        &format!(
            "SELECT CAST({key} AS BIGINT) AS key, COUNT(*) AS n, \
                    CAST(SUM(CASE WHEN c.workload_factor THEN 1 ELSE 0 END) AS BIGINT) AS w \
             FROM cases c {join} \
             WHERE {condition} GROUP BY 1",
            join = member_join(&[key, condition])
        ),
    )
}

/// Workload factors named on cases where `condition` holds.
pub fn factors(conn: &mut DbConn, condition: &str) -> Result<Vec<LabelCount>, AppError> {
    load(
        conn,
        &format!(
            "SELECT CAST(0 AS BIGINT) AS key, f.factor AS label, COUNT(*) AS n \
             FROM case_workload_factors f JOIN cases c ON c.id = f.case_id {join} \
             WHERE {condition} GROUP BY 2",
            join = member_join(&[condition])
        ),
    )
}

/// Monthly caseload-per-FTE buckets of every record in the period (monthly medians).
pub fn monthly_caseload(
    conn: &mut DbConn,
    backend: Backend,
    condition: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<LabelCount>, AppError> {
    let month = month_of(backend, "w.recorded_on");
    load(
        conn,
        &format!(
            "SELECT CAST(ROUND(w.open_cases * 10.0 / m.fte) AS BIGINT) AS key, {month} AS label, COUNT(*) AS n \
             FROM workload_records w JOIN members m ON m.id = w.member_id \
             WHERE w.recorded_on >= {from} AND w.recorded_on <= {to} AND {condition} GROUP BY 1, 2",
            from = date(from),
            to = date(to),
        ),
    )
}

/// Members grouped by `key` and `label` expressions over `m` (and `e`, their employer), where
/// `condition` holds.
pub fn members_by(
    conn: &mut DbConn,
    key: &str,
    label: &str,
    condition: &str,
) -> Result<Vec<LabelCount>, AppError> {
    load(
        conn,
        &format!(
            "SELECT CAST({key} AS BIGINT) AS key, {label} AS label, COUNT(*) AS n \
             FROM members m JOIN employers e ON e.id = m.employer_id \
             WHERE {condition} GROUP BY 1, 2"
        ),
    )
}

/// The 2×2 behind the relative risk: members grouped by whether their latest workload record
/// on or before `on` is above their threshold (key 1) or not (key 0), and whether `has_case`
/// holds for them (label `case`) or not (`none`). Members with no record are left out.
pub fn exposure(
    conn: &mut DbConn,
    condition: &str,
    on: NaiveDate,
    safe: f64,
    has_case: &str,
) -> Result<Vec<LabelCount>, AppError> {
    load(
        conn,
        &format!(
            "SELECT CAST(CASE WHEN w.open_cases * 1.0 / m.fte > COALESCE(e.safe_caseload_override, {safe:.4}) THEN 1 ELSE 0 END AS BIGINT) AS key, \
                    CASE WHEN {has_case} THEN 'case' ELSE 'none' END AS label, \
                    COUNT(*) AS n \
             FROM members m \
             JOIN employers e ON e.id = m.employer_id \
             JOIN workload_records w ON w.id = ( \
                 SELECT w2.id FROM workload_records w2 \
                 WHERE w2.member_id = m.id AND w2.recorded_on <= {on} \
                 ORDER BY w2.recorded_on DESC, w2.id DESC LIMIT 1) \
             WHERE {condition} GROUP BY 1, 2",
            on = date(on),
        ),
    )
}
