//! The grouped SQL behind dashboards and evidence. Each query returns counts already grouped by
//! the database, never member rows. Groupings follow the order of an index (a day, a branch and
//! employer, an open-cases figure), so the database counts while it walks the index instead of
//! sorting; coarser groupings (months, caseload buckets, thresholds) are folded here.
//!
//! Workload comes from two summaries the database keeps on every write (migration
//! `report_summaries`): `workload_latest`, each member's latest record, and `workload_monthly`,
//! records per month by caseload bucket. Cases opened come from a third, `case_monthly`, for
//! the whole months of a period, and from the cases for the days either side. Every value is a
//! bound parameter (`reports::sql`), and each query applies the report's [`Area`] to its own
//! tables.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Text};

use super::period::split_months;
use super::sql::{Area, Arg, Sql, between};
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
        super::stats::bucket(self.per_fte())
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

/// What a count of cases opened is counted under (each case once under each dimension).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dimension {
    /// The case type.
    Type,
    /// The stage the case has reached.
    Stage,
    /// Whether workload was a factor: `yes` or `no`.
    Workload,
    /// Each workload factor named, while workload is a factor.
    Factor,
}

impl Dimension {
    pub(crate) const ALL: &'static [Dimension] = &[
        Dimension::Type,
        Dimension::Stage,
        Dimension::Workload,
        Dimension::Factor,
    ];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Dimension::Type => "type",
            Dimension::Stage => "stage",
            Dimension::Workload => "workload",
            Dimension::Factor => "factor",
        }
    }

    /// The value of a case under this dimension, as SQL over the cases `c` (and their factors
    /// `f` for [`Dimension::Factor`]), with the grouping column it needs.
    fn of_case(self) -> (&'static str, &'static str) {
        match self {
            Dimension::Type => ("c.case_type", "c.case_type"),
            Dimension::Stage => ("c.stage", "c.stage"),
            Dimension::Workload => (
                "CASE WHEN c.workload_factor THEN 'yes' ELSE 'no' END",
                "c.workload_factor",
            ),
            Dimension::Factor => ("f.factor", "f.factor"),
        }
    }
}

/// Cases opened in one month counted under one value of one dimension, with the sum of their
/// record keys.
#[derive(Debug, Clone, QueryableByName)]
pub struct Opened {
    /// `YYYY-MM`.
    #[diesel(sql_type = Text)]
    pub month: String,
    #[diesel(sql_type = Text)]
    pub dimension: String,
    #[diesel(sql_type = Text)]
    pub value: String,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
    #[diesel(sql_type = BigInt)]
    pub key_sum: i64,
}

impl Opened {
    pub(crate) fn is(&self, dimension: Dimension) -> bool {
        self.dimension == dimension.as_str()
    }
}

/// What the `flagged` counts of [`latest`] count.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Flag {
    /// Nobody (a dashboard).
    None,
    /// Members with a case opened between two dates (evidence: members represented).
    CaseOpened(NaiveDate, NaiveDate),
}

impl Flag {
    fn condition(self) -> Sql {
        match self {
            Flag::None => Sql::raw("1 = 0"),
            Flag::CaseOpened(from, to) => Sql::build(
                "EXISTS (SELECT 1 FROM cases c WHERE c.member_id = l.member_id AND {})",
                &[Arg::Sql(&between("c.opened_on", from, to))],
            ),
        }
    }
}

/// Each member's latest workload record on or before `on`, grouped by branch, employer, open
/// cases and FTE, for members of the area, counting those recorded on or after `recent_from`
/// and those `flag` picks out. Members whose latest record is later than `on` (a report on a
/// past period) have their record on `on` looked up one by one (one index probe each, then that
/// record's open cases, FTE and employer); for a period ending today there are none. With
/// `keys` (evidence), only members in membership on `on` are counted and the sums of their
/// record keys come beside the counts.
pub(crate) fn latest(
    conn: &mut DbConn,
    area: &Area,
    on: NaiveDate,
    recent_from: NaiveDate,
    flag: Flag,
    keys: bool,
) -> Result<Vec<LatestGroup>, AppError> {
    let (join, key) = if keys {
        ("JOIN members m ON m.id = l.member_id", "m.record_key")
    } else {
        ("", "0")
    };
    let mut condition = area.on("l");
    if keys {
        condition = condition.and(&Sql::build(
            "(m.start_date IS NULL OR m.start_date <= {}) AND (m.left_on IS NULL OR m.left_on >= {})",
            &[Arg::Day(on), Arg::Day(on)],
        ));
    }
    let flag = flag.condition();
    let mut groups: Vec<LatestGroup> = Sql::build(
        &format!(
            "SELECT l.branch_id AS branch, l.employer_id AS employer, \
                    CAST(l.open_cases AS BIGINT) AS open_cases, l.fte AS fte, COUNT(*) AS members, \
                    CAST(SUM(CASE WHEN l.recorded_on >= {{}} THEN 1 ELSE 0 END) AS BIGINT) AS recent, \
                    CAST(SUM(CASE WHEN {{}} THEN 1 ELSE 0 END) AS BIGINT) AS flagged, \
                    CAST(SUM({key}) AS BIGINT) AS key_sum, \
                    CAST(SUM(CASE WHEN {{}} THEN {key} ELSE 0 END) AS BIGINT) AS flagged_key_sum \
             FROM workload_latest l {join} \
             WHERE l.recorded_on <= {{}} AND {{}} \
             GROUP BY l.branch_id, l.employer_id, l.open_cases, l.fte"
        ),
        &[
            Arg::Day(recent_from),
            Arg::Sql(&flag),
            Arg::Sql(&flag),
            Arg::Day(on),
            Arg::Sql(&condition),
        ],
    )
    .load(conn)?;
    // Grouped by the flag too, so that each member's flag is worked out once (summed twice, it
    // was evaluated twice); the two halves of a group are joined here.
    let past: Vec<FlaggedGroup> = Sql::build(
        &format!(
            "SELECT branch, employer, CAST(open_cases AS BIGINT) AS open_cases, fte, flag, \
                    COUNT(*) AS members, \
                    CAST(SUM(CASE WHEN recorded_on >= {{}} THEN 1 ELSE 0 END) AS BIGINT) AS recent, \
                    CAST(SUM(record_key) AS BIGINT) AS key_sum \
             FROM (SELECT l.branch_id AS branch, \
                          COALESCE(w.employer_id, l.employer_id) AS employer, \
                          COALESCE(w.fte, l.fte) AS fte, w.open_cases AS open_cases, \
                          w.recorded_on AS recorded_on, {key} AS record_key, \
                          CAST(CASE WHEN {{}} THEN 1 ELSE 0 END AS BIGINT) AS flag \
                   FROM workload_latest l {join} \
                   JOIN workload_records w ON w.id = ( \
                       SELECT w2.id FROM workload_records w2 \
                       WHERE w2.member_id = l.member_id AND w2.recorded_on <= {{}} \
                       ORDER BY w2.recorded_on DESC, w2.id DESC LIMIT 1) \
                   WHERE l.recorded_on > {{}} AND {{}}) x \
             GROUP BY branch, employer, open_cases, fte, flag"
        ),
        &[
            Arg::Day(recent_from),
            Arg::Sql(&flag),
            Arg::Day(on),
            Arg::Day(on),
            Arg::Sql(&condition),
        ],
    )
    .load(conn)?;
    groups.extend(join_halves(past));
    Ok(groups)
}

/// A [`LatestGroup`] split by whether its members are flagged.
#[derive(QueryableByName)]
struct FlaggedGroup {
    #[diesel(sql_type = BigInt)]
    branch: i64,
    #[diesel(sql_type = BigInt)]
    employer: i64,
    #[diesel(sql_type = BigInt)]
    open_cases: i64,
    #[diesel(sql_type = Double)]
    fte: f64,
    #[diesel(sql_type = BigInt)]
    flag: i64,
    #[diesel(sql_type = BigInt)]
    members: i64,
    #[diesel(sql_type = BigInt)]
    recent: i64,
    #[diesel(sql_type = BigInt)]
    key_sum: i64,
}

/// Joins the flagged and unflagged halves of each group, in the order groups first appear.
fn join_halves(halves: Vec<FlaggedGroup>) -> Vec<LatestGroup> {
    let mut groups: Vec<LatestGroup> = Vec::with_capacity(halves.len());
    let mut index = std::collections::HashMap::new();
    for half in halves {
        let key = (
            half.branch,
            half.employer,
            half.open_cases,
            half.fte.to_bits(),
        );
        let at = *index.entry(key).or_insert_with(|| {
            groups.push(LatestGroup {
                branch: half.branch,
                employer: half.employer,
                open_cases: half.open_cases,
                fte: half.fte,
                members: 0,
                recent: 0,
                flagged: 0,
                key_sum: 0,
                flagged_key_sum: 0,
            });
            groups.len() - 1
        });
        let group = &mut groups[at];
        group.members += half.members;
        group.recent += half.recent;
        group.key_sum += half.key_sum;
        if half.flag != 0 {
            group.flagged += half.members;
            group.flagged_key_sum += half.key_sum;
        }
    }
    groups
}

/// Members of the area by branch and employer.
pub(crate) fn members(conn: &mut DbConn, area: &Area) -> Result<Vec<GroupCount>, AppError> {
    Sql::build(
        "SELECT m.branch_id AS branch, m.employer_id AS employer, '' AS label, \
                COUNT(*) AS n, CAST(0 AS BIGINT) AS w \
         FROM members m WHERE {} GROUP BY m.branch_id, m.employer_id",
        &[Arg::Sql(&area.on("m"))],
    )
    .load(conn)
}

#[derive(QueryableByName)]
struct FirstDay {
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Date>)]
    day: Option<NaiveDate>,
}

/// The day the area's first case was opened, if it has any: no release before it has a case.
pub(crate) fn first_case(conn: &mut DbConn, area: &Area) -> Result<Option<NaiveDate>, AppError> {
    let rows: Vec<FirstDay> = Sql::build(
        "SELECT MIN(c.opened_on) AS day FROM cases c WHERE {}",
        &[Arg::Sql(&area.on("c"))],
    )
    .load(conn)?;
    Ok(rows.into_iter().next().and_then(|r| r.day))
}

/// Cases open at the end of `at` by branch, employer and type.
pub(crate) fn open_cases(
    conn: &mut DbConn,
    area: &Area,
    at: NaiveDate,
) -> Result<Vec<GroupCount>, AppError> {
    let open = if at >= chrono::Utc::now().date_naive() {
        Sql::raw("c.status = 'open'")
    } else {
        Sql::build(
            "c.opened_on <= {} AND (c.closed_on IS NULL OR c.closed_on > {})",
            &[Arg::Day(at), Arg::Day(at)],
        )
    };
    Sql::build(
        "SELECT c.branch_id AS branch, COALESCE(c.employer_id, 0) AS employer, \
                c.case_type AS label, COUNT(*) AS n, CAST(0 AS BIGINT) AS w \
         FROM cases c WHERE {} AND {} \
         GROUP BY c.branch_id, c.employer_id, c.case_type",
        &[Arg::Sql(&open), Arg::Sql(&area.on("c"))],
    )
    .load(conn)
}

/// Cases opened in the period by branch and employer, and of those with workload a factor:
/// whole months from `case_monthly`, the days either side from the cases.
pub(crate) fn opened_by_group(
    conn: &mut DbConn,
    area: &Area,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<GroupCount>, AppError> {
    let split = split_months(from, to);
    let mut rows: Vec<GroupCount> = match &split.months {
        Some((first, last)) => Sql::build(
            "SELECT s.branch_id AS branch, s.employer_id AS employer, '' AS label, \
                    CAST(SUM(s.cases) AS BIGINT) AS n, \
                    CAST(SUM(CASE WHEN s.value = 'yes' THEN s.cases ELSE 0 END) AS BIGINT) AS w \
             FROM case_monthly s \
             WHERE s.dimension = 'workload' AND s.month >= {} AND s.month <= {} AND {} \
             GROUP BY s.branch_id, s.employer_id",
            &[Arg::Str(first), Arg::Str(last), Arg::Sql(&area.on("s"))],
        )
        .load(conn)?,
        None => Vec::new(),
    };
    for (from, to) in split.days {
        rows.extend(
            Sql::build(
                "SELECT c.branch_id AS branch, COALESCE(c.employer_id, 0) AS employer, \
                        '' AS label, COUNT(*) AS n, \
                        CAST(SUM(CASE WHEN c.workload_factor THEN 1 ELSE 0 END) AS BIGINT) AS w \
                 FROM cases c WHERE {} AND {} \
                 GROUP BY c.branch_id, c.employer_id",
                &[
                    Arg::Sql(&between("c.opened_on", from, to)),
                    Arg::Sql(&area.on("c")),
                ],
            )
            .load::<GroupCount>(conn)?,
        );
    }
    Ok(rows)
}

/// Cases opened in the period by month under each of `dimensions`: whole months from
/// `case_monthly`, the days either side from the cases (and their factors).
pub(crate) fn opened(
    conn: &mut DbConn,
    area: &Area,
    from: NaiveDate,
    to: NaiveDate,
    dimensions: &[Dimension],
) -> Result<Vec<Opened>, AppError> {
    let split = split_months(from, to);
    let mut rows: Vec<Opened> = Vec::new();
    if let Some((first, last)) = &split.months {
        let names = dimensions
            .iter()
            .map(|d| Sql::build("{}", &[Arg::Str(d.as_str())]))
            .reduce(|list, next| Sql::build("{}, {}", &[Arg::Sql(&list), Arg::Sql(&next)]))
            .unwrap_or_else(|| Sql::raw("''"));
        rows = Sql::build(
            "SELECT s.month AS month, s.dimension AS dimension, s.value AS value, \
                    CAST(SUM(s.cases) AS BIGINT) AS n, CAST(SUM(s.key_sum) AS BIGINT) AS key_sum \
             FROM case_monthly s \
             WHERE s.dimension IN ({}) AND s.month >= {} AND s.month <= {} AND {} \
             GROUP BY s.dimension, s.month, s.value",
            &[
                Arg::Sql(&names),
                Arg::Str(first),
                Arg::Str(last),
                Arg::Sql(&area.on("s")),
            ],
        )
        .load(conn)?;
    }
    for (from, to) in split.days {
        for dimension in dimensions {
            rows.extend(opened_on_days(conn, area, from, to, *dimension)?);
        }
    }
    Ok(rows)
}

/// Cases opened between two days under one dimension, read from the cases, by month.
fn opened_on_days(
    conn: &mut DbConn,
    area: &Area,
    from: NaiveDate,
    to: NaiveDate,
    dimension: Dimension,
) -> Result<Vec<Opened>, AppError> {
    let (value, group) = dimension.of_case();
    let (join, only) = match dimension {
        Dimension::Factor => (
            "JOIN case_workload_factors f ON f.case_id = c.id",
            "c.workload_factor AND ",
        ),
        _ => ("", ""),
    };
    let mut rows: Vec<Opened> = Sql::build(
        &format!(
            "SELECT CAST(c.opened_on AS TEXT) AS month, {{}} AS dimension, {value} AS value, \
                    COUNT(*) AS n, CAST(SUM(c.record_key) AS BIGINT) AS key_sum \
             FROM cases c {join} WHERE {only}{{}} AND {{}} \
             GROUP BY c.opened_on, {group}"
        ),
        &[
            Arg::Str(dimension.as_str()),
            Arg::Sql(&between("c.opened_on", from, to)),
            Arg::Sql(&area.on("c")),
        ],
    )
    .load(conn)?;
    for row in &mut rows {
        row.month.truncate(7);
    }
    Ok(rows)
}

/// Cases closed in the period by outcome.
pub(crate) fn closed_by_outcome(
    conn: &mut DbConn,
    area: &Area,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<LabelCount>, AppError> {
    Sql::build(
        "SELECT CAST(0 AS BIGINT) AS key, c.outcome AS label, COUNT(*) AS n, \
                CAST(SUM(c.record_key) AS BIGINT) AS key_sum \
         FROM cases c WHERE {} AND c.outcome IS NOT NULL AND {} \
         GROUP BY c.closed_on, c.outcome",
        &[
            Arg::Sql(&between("c.closed_on", from, to)),
            Arg::Sql(&area.on("c")),
        ],
    )
    .load(conn)
}

/// Workload records per month of the period by caseload bucket.
pub(crate) fn monthly_caseload(
    conn: &mut DbConn,
    area: &Area,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<LabelCount>, AppError> {
    let (from, to) = (
        from.format("%Y-%m").to_string(),
        to.format("%Y-%m").to_string(),
    );
    Sql::build(
        "SELECT s.bucket AS key, s.month AS label, CAST(SUM(s.records) AS BIGINT) AS n, \
                CAST(0 AS BIGINT) AS key_sum \
         FROM workload_monthly s \
         WHERE s.month >= {} AND s.month <= {} AND {} \
         GROUP BY s.month, s.bucket",
        &[Arg::Str(&from), Arg::Str(&to), Arg::Sql(&area.on("s"))],
    )
    .load(conn)
}

/// An equality-monitoring column of members.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Equality {
    AgeBand,
    EthnicGroup,
}

impl Equality {
    fn column(self) -> &'static str {
        match self {
            Equality::AgeBand => "m.age_band",
            Equality::EthnicGroup => "m.ethnic_group",
        }
    }
}

/// Members who consented to equality monitoring and were in membership at some time in the
/// period, by the column's value (`label`) and whether they had a disciplinary or ill-health
/// case opened in it (`key` 1 or 0): the outcome of the risks, over the same membership dates.
pub(crate) fn members_by(
    conn: &mut DbConn,
    area: &Area,
    equality: Equality,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<LabelCount>, AppError> {
    let column = equality.column();
    Sql::build(
        &format!(
            "SELECT CAST(CASE WHEN EXISTS (SELECT 1 FROM cases c WHERE c.member_id = m.id \
                    AND c.case_type IN ('disciplinary', 'ill_health') AND {{}}) \
                    THEN 1 ELSE 0 END AS BIGINT) AS key, {column} AS label, COUNT(*) AS n, \
                    CAST(SUM(m.record_key) AS BIGINT) AS key_sum \
             FROM members m WHERE m.equality_consent AND {column} IS NOT NULL AND {{}} \
               AND (m.start_date IS NULL OR m.start_date <= {{}}) \
               AND (m.left_on IS NULL OR m.left_on >= {{}}) \
             GROUP BY 1, 2"
        ),
        &[
            Arg::Sql(&between("c.opened_on", from, to)),
            Arg::Sql(&area.on("m")),
            Arg::Day(to),
            Arg::Day(from),
        ],
    )
    .load(conn)
}

/// Members in membership at a period's start with the same exposure record (employer, open
/// cases, FTE) and the same disciplinary and ill-health cases: open at the start, new in the
/// period.
#[derive(Debug, Clone)]
pub struct RiskGroup {
    /// The employer of the exposure record (the member's own when there is none).
    pub employer: i64,
    pub open_cases: Option<i64>,
    pub fte: Option<f64>,
    pub disciplinary_open: bool,
    pub ill_health_open: bool,
    pub disciplinary_new: bool,
    pub ill_health_new: bool,
    /// Their latest reflective supervision that took place on or before the start, when it
    /// is within the longest regular gap of any employer.
    pub last_reflective: Option<NaiveDate>,
    /// Whether any supervision record falls in the look-back window before the start.
    pub supervision_recorded: bool,
    /// Their start date, when it is within the longest regular gap before the start.
    pub joined: Option<NaiveDate>,
    pub n: i64,
    pub key_sum: i64,
}

/// A [`RiskGroup`] as the database gives it, its four case facts as bits of one number.
#[derive(QueryableByName)]
struct RiskRow {
    #[diesel(sql_type = BigInt)]
    employer: i64,
    #[diesel(sql_type = diesel::sql_types::Nullable<BigInt>)]
    open_cases: Option<i64>,
    #[diesel(sql_type = diesel::sql_types::Nullable<Double>)]
    fte: Option<f64>,
    #[diesel(sql_type = BigInt)]
    cases: i64,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Date>)]
    last_reflective: Option<NaiveDate>,
    #[diesel(sql_type = BigInt)]
    supervision_recorded: i64,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Date>)]
    joined: Option<NaiveDate>,
    #[diesel(sql_type = BigInt)]
    n: i64,
    #[diesel(sql_type = BigInt)]
    key_sum: i64,
}

/// The bits of `RiskRow::cases`.
const DISCIPLINARY_OPEN: i64 = 1;
const ILL_HEALTH_OPEN: i64 = 2;
const DISCIPLINARY_NEW: i64 = 4;
const ILL_HEALTH_NEW: i64 = 8;

impl From<RiskRow> for RiskGroup {
    fn from(row: RiskRow) -> Self {
        let has = |bit: i64| row.cases & bit != 0;
        RiskGroup {
            employer: row.employer,
            open_cases: row.open_cases,
            fte: row.fte,
            disciplinary_open: has(DISCIPLINARY_OPEN),
            ill_health_open: has(ILL_HEALTH_OPEN),
            disciplinary_new: has(DISCIPLINARY_NEW),
            ill_health_new: has(ILL_HEALTH_NEW),
            last_reflective: row.last_reflective,
            supervision_recorded: row.supervision_recorded != 0,
            joined: row.joined,
            n: row.n,
            key_sum: row.key_sum,
        }
    }
}

/// Members of the area in membership at `start`, grouped by their exposure record (the latest
/// on or before `start`, not before `window_from`), their disciplinary and ill-health cases and
/// their supervision: the latest reflective session held on or before `start` and their start
/// date, each only when on or after `regular_from` (the start less the longest regular gap), and
/// whether any supervision is recorded from `window_from`. Each member's cases are read once,
/// by one index probe, and summed into bits.
pub(crate) fn at_risk(
    conn: &mut DbConn,
    area: &Area,
    (start, end): (NaiveDate, NaiveDate),
    window_from: NaiveDate,
    regular_from: NaiveDate,
) -> Result<Vec<RiskGroup>, AppError> {
    let open = "c.opened_on < {} AND (c.closed_on IS NULL OR c.closed_on >= {})";
    let rows: Vec<RiskRow> = Sql::build(
        &format!(
            "SELECT COALESCE(w.employer_id, m.employer_id) AS employer, \
                    CAST(w.open_cases AS BIGINT) AS open_cases, w.fte AS fte, \
                    CAST(COALESCE((SELECT \
                        MAX(CASE WHEN c.case_type = 'disciplinary' AND {open} \
                            THEN {DISCIPLINARY_OPEN} ELSE 0 END) \
                      + MAX(CASE WHEN c.case_type = 'ill_health' AND {open} \
                            THEN {ILL_HEALTH_OPEN} ELSE 0 END) \
                      + MAX(CASE WHEN c.case_type = 'disciplinary' AND c.opened_on >= {{}} \
                            THEN {DISCIPLINARY_NEW} ELSE 0 END) \
                      + MAX(CASE WHEN c.case_type = 'ill_health' AND c.opened_on >= {{}} \
                            THEN {ILL_HEALTH_NEW} ELSE 0 END) \
                      FROM cases c WHERE c.member_id = m.id \
                      AND c.case_type IN ('disciplinary', 'ill_health') AND c.opened_on <= {{}}), \
                      0) AS BIGINT) AS cases, \
                    (SELECT MAX(s.held_on) FROM supervision_records s WHERE s.member_id = m.id \
                      AND s.status = 'held' AND s.kind <> 'case_management' \
                      AND s.held_on <= {{}} AND s.held_on >= {{}}) AS last_reflective, \
                    CAST(CASE WHEN EXISTS (SELECT 1 FROM supervision_records s \
                      WHERE s.member_id = m.id AND s.held_on <= {{}} AND s.held_on >= {{}}) \
                      THEN 1 ELSE 0 END AS BIGINT) AS supervision_recorded, \
                    CASE WHEN m.start_date >= {{}} THEN m.start_date ELSE NULL END AS joined, \
                    COUNT(*) AS n, CAST(SUM(m.record_key) AS BIGINT) AS key_sum \
             FROM members m LEFT JOIN workload_records w ON w.id = ( \
                 SELECT w2.id FROM workload_records w2 WHERE w2.member_id = m.id \
                 AND w2.recorded_on <= {{}} AND w2.recorded_on >= {{}} \
                 ORDER BY w2.recorded_on DESC, w2.id DESC LIMIT 1) \
             WHERE {{}} AND (m.start_date IS NULL OR m.start_date <= {{}}) \
               AND (m.left_on IS NULL OR m.left_on >= {{}}) \
             GROUP BY 1, 2, 3, 4, 5, 6, 7"
        ),
        &[
            Arg::Day(start),
            Arg::Day(start),
            Arg::Day(start),
            Arg::Day(start),
            Arg::Day(start),
            Arg::Day(start),
            Arg::Day(end),
            Arg::Day(start),
            Arg::Day(regular_from),
            Arg::Day(start),
            Arg::Day(window_from),
            Arg::Day(regular_from),
            Arg::Day(start),
            Arg::Day(window_from),
            Arg::Sql(&area.on("m")),
            Arg::Day(start),
            Arg::Day(start),
        ],
    )
    .load(conn)?;
    Ok(rows.into_iter().map(RiskGroup::from).collect())
}

/// Members who joined during the period (after its first day: a member starting on it is in
/// the risk), with their new disciplinary and ill-health cases in it as bits of `key`
/// ([`JOINED_DISCIPLINARY`], [`JOINED_ILL_HEALTH`]), so that each table counts its own outcome.
pub(crate) fn joiners(
    conn: &mut DbConn,
    area: &Area,
    start: NaiveDate,
    end: NaiveDate,
) -> Result<Vec<LabelCount>, AppError> {
    Sql::build(
        &format!(
            "SELECT CAST(COALESCE((SELECT \
                    MAX(CASE WHEN c.case_type = 'disciplinary' THEN {JOINED_DISCIPLINARY} ELSE 0 END) \
                  + MAX(CASE WHEN c.case_type = 'ill_health' THEN {JOINED_ILL_HEALTH} ELSE 0 END) \
                  FROM cases c WHERE c.member_id = m.id \
                  AND c.case_type IN ('disciplinary', 'ill_health') AND {{}}), 0) AS BIGINT) AS key, \
                    '' AS label, COUNT(*) AS n, CAST(SUM(m.record_key) AS BIGINT) AS key_sum \
             FROM members m WHERE {{}} AND m.start_date > {{}} AND m.start_date <= {{}} \
             GROUP BY 1"
        ),
        &[
            Arg::Sql(&between("c.opened_on", start, end)),
            Arg::Sql(&area.on("m")),
            Arg::Day(start),
            Arg::Day(end),
        ],
    )
    .load(conn)
}

/// The bits of a joiner's `key`: a new disciplinary case, a new ill-health case.
pub(crate) const JOINED_DISCIPLINARY: i64 = 1;
pub(crate) const JOINED_ILL_HEALTH: i64 = 2;
