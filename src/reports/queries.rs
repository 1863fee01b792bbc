//! The grouped SQL behind dashboards and evidence. Each query returns counts already grouped by
//! the database, never member rows. Groupings follow the order of an index (a day, a branch and
//! employer, an open-cases figure), so the database counts while it walks the index instead of
//! sorting; coarser groupings (months, caseload buckets, thresholds) are folded here.
//!
//! Workload comes from two summaries the database keeps on every write (migration
//! `report_summaries`): `workload_latest`, each member's latest record, and `workload_monthly`,
//! records per month by caseload bucket. Values put into the SQL are typed ids, dates and
//! numbers formatted here, never user text.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Text};

use crate::db::DbConn;
use crate::error::AppError;

/// Members of one branch and employer with the same open cases and FTE in their latest
/// workload record on or before a date, and how many of those records are recent.
#[derive(Debug, Clone, QueryableByName)]
pub struct LatestGroup {
    #[diesel(sql_type = BigInt)]
    pub branch: i64,
    #[diesel(sql_type = BigInt)]
    pub employer: i64,
    #[diesel(sql_type = BigInt)]
    pub open_cases: i64,
    #[diesel(sql_type = Double)]
    pub fte: f64,
    #[diesel(sql_type = BigInt)]
    pub members: i64,
    #[diesel(sql_type = BigInt)]
    pub recent: i64,
    /// Of which `flag` holds for (see [`latest`]).
    #[diesel(sql_type = BigInt)]
    pub flagged: i64,
    /// The sums of the members' record keys, of all and of the flagged (0 unless asked for).
    #[diesel(sql_type = BigInt)]
    pub key_sum: i64,
    #[diesel(sql_type = BigInt)]
    pub flagged_key_sum: i64,
}

impl LatestGroup {
    pub(crate) fn per_fte(&self) -> f64 {
        self.open_cases as f64 / self.fte
    }

    /// Caseload per FTE in tenths, the unit of the histograms.
    pub(crate) fn bucket(&self) -> i64 {
        (self.per_fte() * super::stats::BUCKETS_PER_UNIT).round() as i64
    }
}

/// A count for one branch and employer.
#[derive(Debug, Clone, QueryableByName)]
pub struct GroupCount {
    #[diesel(sql_type = BigInt)]
    pub branch: i64,
    #[diesel(sql_type = BigInt)]
    pub employer: i64,
    #[diesel(sql_type = Text)]
    pub label: String,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
    /// Of which had workload as a factor (cases) or were recent (workload).
    #[diesel(sql_type = BigInt)]
    pub w: i64,
}

/// A count for one label (a day, type, stage, month, …) and a number (a bucket, a flag), with
/// the sum of the counted records' keys where evidence publishes it (0 elsewhere).
#[derive(Debug, Clone, QueryableByName)]
pub struct LabelCount {
    #[diesel(sql_type = BigInt)]
    pub key: i64,
    #[diesel(sql_type = Text)]
    pub label: String,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
    #[diesel(sql_type = BigInt)]
    pub key_sum: i64,
}

/// Cases opened on one day, by type, workload as a factor and stage now reached.
#[derive(Debug, Clone, QueryableByName)]
pub struct OpenedDay {
    #[diesel(sql_type = Text)]
    pub day: String,
    #[diesel(sql_type = Text)]
    pub case_type: String,
    #[diesel(sql_type = BigInt)]
    pub workload_factor: i64,
    #[diesel(sql_type = Text)]
    pub stage: String,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
    /// The sum of the cases' record keys.
    #[diesel(sql_type = BigInt)]
    pub key_sum: i64,
}

impl OpenedDay {
    /// `YYYY-MM` of the day.
    pub(crate) fn month(&self) -> &str {
        self.day.get(..7).unwrap_or(&self.day)
    }
}

pub(crate) fn date(d: NaiveDate) -> String {
    format!("'{}'", d.format("%Y-%m-%d"))
}

/// `column` between two dates, both included.
pub(crate) fn between(column: &str, from: NaiveDate, to: NaiveDate) -> String {
    format!("{column} >= {} AND {column} <= {}", date(from), date(to))
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

/// Each member's latest workload record on or before `on`, grouped by branch, employer, open
/// cases and FTE, for members of `workload_latest l` where `condition` holds, counting those
/// recorded on or after `recent_from` and those for whom `flag` (a condition on `l`) holds.
/// Members whose latest record is later than `on` (a report on a past period) have their
/// record on `on` looked up one by one (one index probe each, then that record's open cases,
/// FTE and employer); for a period ending today there are none. With `keys`, the
/// sums of the members' record keys come beside the counts (evidence perturbs them).
pub(crate) fn latest(
    conn: &mut DbConn,
    condition: &str,
    on: NaiveDate,
    recent_from: NaiveDate,
    flag: &str,
    keys: bool,
) -> Result<Vec<LatestGroup>, AppError> {
    let (on, recent) = (date(on), date(recent_from));
    let (join, key) = if keys {
        ("JOIN members m ON m.id = l.member_id", "m.record_key")
    } else {
        ("", "0")
    };
    let mut groups: Vec<LatestGroup> = load(
        conn,
        &format!(
            "SELECT l.branch_id AS branch, l.employer_id AS employer, \
                    CAST(l.open_cases AS BIGINT) AS open_cases, l.fte AS fte, COUNT(*) AS members, \
                    CAST(SUM(CASE WHEN l.recorded_on >= {recent} THEN 1 ELSE 0 END) AS BIGINT) AS recent, \
                    CAST(SUM(CASE WHEN {flag} THEN 1 ELSE 0 END) AS BIGINT) AS flagged, \
                    CAST(SUM({key}) AS BIGINT) AS key_sum, \
                    CAST(SUM(CASE WHEN {flag} THEN {key} ELSE 0 END) AS BIGINT) AS flagged_key_sum \
             FROM workload_latest l {join} \
             WHERE l.recorded_on <= {on} AND {condition} \
             GROUP BY l.branch_id, l.employer_id, l.open_cases, l.fte"
        ),
    )?;
    groups.extend(load::<LatestGroup>(
        conn,
        &format!(
            "SELECT branch, employer, CAST(open_cases AS BIGINT) AS open_cases, fte, \
                    COUNT(*) AS members, \
                    CAST(SUM(CASE WHEN recorded_on >= {recent} THEN 1 ELSE 0 END) AS BIGINT) AS recent, \
                    CAST(SUM(flag) AS BIGINT) AS flagged, \
                    CAST(SUM(record_key) AS BIGINT) AS key_sum, \
                    CAST(SUM(flag * record_key) AS BIGINT) AS flagged_key_sum \
             FROM (SELECT l.branch_id AS branch, \
                          COALESCE(w.employer_id, l.employer_id) AS employer, \
                          COALESCE(w.fte, l.fte) AS fte, w.open_cases AS open_cases, \
                          w.recorded_on AS recorded_on, {key} AS record_key, \
                          CASE WHEN {flag} THEN 1 ELSE 0 END AS flag \
                   FROM workload_latest l {join} \
                   JOIN workload_records w ON w.id = ( \
                       SELECT w2.id FROM workload_records w2 \
                       WHERE w2.member_id = l.member_id AND w2.recorded_on <= {on} \
                       ORDER BY w2.recorded_on DESC, w2.id DESC LIMIT 1) \
                   WHERE l.recorded_on > {on} AND {condition}) x \
             GROUP BY branch, employer, open_cases, fte"
        ),
    )?);
    Ok(groups)
}

/// Members of `members m` where `condition` holds, by branch and employer.
pub(crate) fn members(conn: &mut DbConn, condition: &str) -> Result<Vec<GroupCount>, AppError> {
    load(
        conn,
        &format!(
            "SELECT m.branch_id AS branch, m.employer_id AS employer, '' AS label, \
                    COUNT(*) AS n, CAST(0 AS BIGINT) AS w \
             FROM members m WHERE {condition} GROUP BY m.branch_id, m.employer_id"
        ),
    )
}

/// Cases of `cases c` open at the end of `at` where `condition` holds, by branch, employer
/// and type (`label`): open now for a period that ends today or later, else opened by then and
/// not yet closed.
pub(crate) fn open_cases(
    conn: &mut DbConn,
    condition: &str,
    at: NaiveDate,
) -> Result<Vec<GroupCount>, AppError> {
    let open = if at >= chrono::Utc::now().date_naive() {
        "c.status = 'open'".to_owned()
    } else {
        let at = date(at);
        format!("c.opened_on <= {at} AND (c.closed_on IS NULL OR c.closed_on > {at})")
    };
    load(
        conn,
        &format!(
            "SELECT c.branch_id AS branch, COALESCE(c.employer_id, 0) AS employer, \
                    c.case_type AS label, COUNT(*) AS n, CAST(0 AS BIGINT) AS w \
             FROM cases c WHERE {open} AND {condition} \
             GROUP BY c.branch_id, c.employer_id, c.case_type"
        ),
    )
}

/// Cases of `cases c` opened between `from` and `to` where `condition` holds, by branch and
/// employer, with how many had workload as a factor (`w`).
pub(crate) fn opened_by_group(
    conn: &mut DbConn,
    condition: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<GroupCount>, AppError> {
    load(
        conn,
        &format!(
            "SELECT c.branch_id AS branch, COALESCE(c.employer_id, 0) AS employer, '' AS label, \
                    COUNT(*) AS n, \
                    CAST(SUM(CASE WHEN c.workload_factor THEN 1 ELSE 0 END) AS BIGINT) AS w \
             FROM cases c WHERE {period} AND {condition} \
             GROUP BY c.branch_id, c.employer_id",
            period = between("c.opened_on", from, to)
        ),
    )
}

/// Cases of `cases c` opened between `from` and `to` where `condition` holds, by day, type,
/// workload as a factor and stage now reached.
pub(crate) fn opened_by_day(
    conn: &mut DbConn,
    condition: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<OpenedDay>, AppError> {
    load(
        conn,
        &format!(
            "SELECT CAST(c.opened_on AS TEXT) AS day, c.case_type AS case_type, \
                    CAST(CASE WHEN c.workload_factor THEN 1 ELSE 0 END AS BIGINT) AS workload_factor, \
                    c.stage AS stage, COUNT(*) AS n, CAST(SUM(c.record_key) AS BIGINT) AS key_sum \
             FROM cases c WHERE {period} AND {condition} \
             GROUP BY c.opened_on, c.case_type, c.workload_factor, c.stage",
            period = between("c.opened_on", from, to)
        ),
    )
}

/// Cases of `cases c` closed between `from` and `to` where `condition` holds, by outcome.
pub(crate) fn closed_by_outcome(
    conn: &mut DbConn,
    condition: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<LabelCount>, AppError> {
    load(
        conn,
        &format!(
            "SELECT CAST(0 AS BIGINT) AS key, c.outcome AS label, COUNT(*) AS n, \
                    CAST(SUM(c.record_key) AS BIGINT) AS key_sum \
             FROM cases c WHERE {period} AND c.outcome IS NOT NULL AND {condition} \
             GROUP BY c.closed_on, c.outcome",
            period = between("c.closed_on", from, to)
        ),
    )
}

/// Workload factors named on cases of `cases c` where `condition` holds.
pub(crate) fn factors(conn: &mut DbConn, condition: &str) -> Result<Vec<LabelCount>, AppError> {
    load(
        conn,
        &format!(
            "SELECT CAST(0 AS BIGINT) AS key, f.factor AS label, COUNT(*) AS n, \
                    CAST(SUM(c.record_key) AS BIGINT) AS key_sum \
             FROM cases c JOIN case_workload_factors f ON f.case_id = c.id \
             WHERE c.workload_factor AND {condition} GROUP BY f.factor"
        ),
    )
}

/// Workload records by month (`label`) and caseload bucket (`key`) from `workload_monthly s`,
/// for the months from `from` to `to` where `condition` holds.
pub(crate) fn monthly_caseload(
    conn: &mut DbConn,
    condition: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<LabelCount>, AppError> {
    load(
        conn,
        &format!(
            "SELECT s.bucket AS key, s.month AS label, CAST(SUM(s.records) AS BIGINT) AS n, \
                    CAST(0 AS BIGINT) AS key_sum \
             FROM workload_monthly s \
             WHERE s.month >= '{from}' AND s.month <= '{to}' AND {condition} \
             GROUP BY s.month, s.bucket",
            from = from.format("%Y-%m"),
            to = to.format("%Y-%m"),
        ),
    )
}

/// Members of `members m` grouped by `key` and `label` expressions, where `condition` holds.
pub(crate) fn members_by(
    conn: &mut DbConn,
    key: &str,
    label: &str,
    condition: &str,
) -> Result<Vec<LabelCount>, AppError> {
    load(
        conn,
        &format!(
            "SELECT CAST({key} AS BIGINT) AS key, {label} AS label, COUNT(*) AS n, \
                    CAST(SUM(m.record_key) AS BIGINT) AS key_sum \
             FROM members m WHERE {condition} GROUP BY 1, 2"
        ),
    )
}

/// Members in membership on `start` (in `scope`, a condition on `members m`), grouped by the
/// workload record that gives their exposure — their latest on or before `start` and on or
/// after `window_from`, with the FTE and employer it was taken with (none: exposure unknown) —
/// and by whether they had a disciplinary or ill-health case open at `start` and whether one
/// was opened from `start` to `end`. Counts come with the sum of the members' record keys.
#[derive(Debug, Clone, QueryableByName)]
pub struct RiskGroup {
    /// The employer of the exposure record (the member's own when there is none).
    #[diesel(sql_type = BigInt)]
    pub employer: i64,
    #[diesel(sql_type = diesel::sql_types::Nullable<BigInt>)]
    pub open_cases: Option<i64>,
    #[diesel(sql_type = diesel::sql_types::Nullable<Double>)]
    pub fte: Option<f64>,
    #[diesel(sql_type = BigInt)]
    pub disciplinary_open: i64,
    #[diesel(sql_type = BigInt)]
    pub ill_health_open: i64,
    #[diesel(sql_type = BigInt)]
    pub disciplinary_new: i64,
    #[diesel(sql_type = BigInt)]
    pub ill_health_new: i64,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
    #[diesel(sql_type = BigInt)]
    pub key_sum: i64,
}

pub(crate) fn at_risk(
    conn: &mut DbConn,
    scope: &str,
    start: NaiveDate,
    end: NaiveDate,
    window_from: NaiveDate,
) -> Result<Vec<RiskGroup>, AppError> {
    let (s, e, w) = (date(start), date(end), date(window_from));
    let open = |t: &str| {
        format!(
            "CAST(CASE WHEN EXISTS (SELECT 1 FROM cases c WHERE c.member_id = m.id \
             AND c.case_type = '{t}' AND c.opened_on < {s} \
             AND (c.closed_on IS NULL OR c.closed_on >= {s})) THEN 1 ELSE 0 END AS BIGINT)"
        )
    };
    let new = |t: &str| {
        format!(
            "CAST(CASE WHEN EXISTS (SELECT 1 FROM cases c WHERE c.member_id = m.id \
             AND c.case_type = '{t}' AND c.opened_on >= {s} AND c.opened_on <= {e}) \
             THEN 1 ELSE 0 END AS BIGINT)"
        )
    };
    let (d, i) = ("disciplinary", "ill_health");
    load(
        conn,
        &format!(
            "SELECT COALESCE(w.employer_id, m.employer_id) AS employer, \
                    CAST(w.open_cases AS BIGINT) AS open_cases, w.fte AS fte, \
                    {} AS disciplinary_open, {} AS ill_health_open, \
                    {} AS disciplinary_new, {} AS ill_health_new, \
                    COUNT(*) AS n, CAST(SUM(m.record_key) AS BIGINT) AS key_sum \
             FROM members m LEFT JOIN workload_records w ON w.id = ( \
                 SELECT w2.id FROM workload_records w2 WHERE w2.member_id = m.id \
                 AND w2.recorded_on <= {s} AND w2.recorded_on >= {w} \
                 ORDER BY w2.recorded_on DESC, w2.id DESC LIMIT 1) \
             WHERE {scope} AND (m.start_date IS NULL OR m.start_date <= {s}) \
               AND (m.left_on IS NULL OR m.left_on >= {s}) \
             GROUP BY 1, 2, 3, 4, 5, 6, 7",
            open(d),
            open(i),
            new(d),
            new(i)
        ),
    )
}

/// Members of `scope` who joined from `start` to `end`, and of them those with a
/// disciplinary or ill-health case opened in that time (`key` 1).
pub(crate) fn joiners(
    conn: &mut DbConn,
    scope: &str,
    start: NaiveDate,
    end: NaiveDate,
) -> Result<Vec<LabelCount>, AppError> {
    let (s, e) = (date(start), date(end));
    load(
        conn,
        &format!(
            "SELECT CAST(CASE WHEN EXISTS (SELECT 1 FROM cases c WHERE c.member_id = m.id \
                    AND c.case_type IN ('disciplinary', 'ill_health') \
                    AND c.opened_on >= {s} AND c.opened_on <= {e}) THEN 1 ELSE 0 END AS BIGINT) AS key, \
                    '' AS label, COUNT(*) AS n, CAST(SUM(m.record_key) AS BIGINT) AS key_sum \
             FROM members m WHERE {scope} AND m.start_date >= {s} AND m.start_date <= {e} \
             GROUP BY 1"
        ),
    )
}
