//! The organisers' dashboard: per branch and per employer, members, recent workload records,
//! median and 90th-percentile caseload per FTE, members above the safe caseload, open cases by
//! type, cases opened in the period and the share with workload as a factor; and by month.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Days, NaiveDate};
use serde::Serialize;

use super::queries;
use super::queries::{Dimension, Flag};
use super::scope::Narrowing;
use super::sql::Area;
use super::stats;
use crate::access::ReportScope;
use crate::db::{DbConn, side_by_side};
use crate::error::AppError;
use crate::models::{Branch, Employer, Settings};

/// "Recent" workload: a record within this many days before the end of the period.
pub const RECENT_DAYS: u64 = 90;

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct GroupRow {
    pub id: i64,
    pub name: String,
    pub members: i64,
    pub members_recent_workload: i64,
    pub median_caseload_per_fte: Option<f64>,
    pub p90_caseload_per_fte: Option<f64>,
    pub above_safe_caseload: i64,
    pub above_safe_caseload_share: Option<f64>,
    pub open_cases_by_type: BTreeMap<String, i64>,
    pub open_cases: i64,
    pub cases_opened: i64,
    pub cases_opened_workload_share: Option<f64>,
    /// Cases opened with workload as a factor (for totals across rows).
    #[serde(skip)]
    pub cases_opened_workload: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MonthRow {
    pub month: String,
    pub opened_by_type: BTreeMap<String, i64>,
    pub opened: i64,
    pub median_caseload_per_fte: Option<f64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Dashboard {
    pub scope: ReportScope,
    pub scope_name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub safe_caseload: f64,
    pub total: GroupRow,
    pub branches: Vec<GroupRow>,
    pub employers: Vec<GroupRow>,
    pub months: Vec<MonthRow>,
    /// Members by caseload per FTE in whole-number bands, lowest band first.
    pub distribution: Vec<Band>,
    pub supervision: super::supervision_board::SupervisionBoard,
}

/// One band of the caseload distribution: members whose latest open cases per FTE are at least
/// `from` and under `from + 1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Band {
    pub from: i64,
    pub members: i64,
}

fn share(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 / whole as f64 * 1000.0).round() / 10.0)
}

/// Each row's caseload histogram: (bucket in tenths, members).
type Histograms = HashMap<i64, Vec<(i64, i64)>>;

/// The counts the database returns, each for one branch and employer.
struct Counts {
    members: Vec<queries::GroupCount>,
    latest: Vec<queries::LatestGroup>,
    open: Vec<queries::GroupCount>,
    opened: Vec<queries::GroupCount>,
    /// Cases opened by month and type.
    opened_by_type: Vec<queries::Opened>,
    monthly: Vec<queries::LabelCount>,
}

/// Folds the counts into rows keyed by `key(branch, employer)`: per branch, per employer or
/// one total. `threshold(employer)` is the safe caseload that applies.
fn rows(
    counts: &Counts,
    key: impl Fn(i64, i64) -> i64,
    threshold: &impl Fn(i64) -> f64,
) -> (BTreeMap<i64, GroupRow>, Histograms) {
    let mut rows: BTreeMap<i64, GroupRow> = BTreeMap::new();
    for count in &counts.members {
        rows.entry(key(count.branch, count.employer))
            .or_default()
            .members += count.n;
    }
    let mut buckets: HashMap<i64, BTreeMap<i64, i64>> = HashMap::new();
    for group in &counts.latest {
        let k = key(group.branch, group.employer);
        let row = rows.entry(k).or_default();
        row.members_recent_workload += group.recent;
        if group.per_fte() > threshold(group.employer) {
            row.above_safe_caseload += group.members;
        }
        *buckets
            .entry(k)
            .or_default()
            .entry(group.bucket())
            .or_default() += group.members;
    }
    let histograms: Histograms = buckets
        .into_iter()
        .map(|(k, histogram)| (k, histogram.into_iter().collect()))
        .collect();
    for (k, histogram) in &histograms {
        let row = rows.entry(*k).or_default();
        let measured: i64 = histogram.iter().map(|(_, n)| n).sum();
        row.median_caseload_per_fte = stats::median(histogram);
        row.p90_caseload_per_fte = stats::p90(histogram);
        row.above_safe_caseload_share = share(row.above_safe_caseload, measured);
    }
    for count in &counts.open {
        let row = rows.entry(key(count.branch, count.employer)).or_default();
        row.open_cases += count.n;
        *row.open_cases_by_type
            .entry(count.label.clone())
            .or_default() += count.n;
    }
    for count in &counts.opened {
        let row = rows.entry(key(count.branch, count.employer)).or_default();
        row.cases_opened += count.n;
        row.cases_opened_workload += count.w;
    }
    for row in rows.values_mut() {
        row.cases_opened_workload_share = share(row.cases_opened_workload, row.cases_opened);
    }
    (rows, histograms)
}

/// The dashboard, its queries split over `conn` and `spare` (when there is one).
pub fn build(
    conn: &mut DbConn,
    spare: Option<&mut DbConn>,
    scope: ReportScope,
    narrowing: Narrowing,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Dashboard, AppError> {
    let safe = Settings::load(conn)?.safe_caseload;
    let branch_names: HashMap<i64, String> = Branch::list(conn)?
        .into_iter()
        .map(|b| (b.id.0, b.name))
        .collect();
    let employers = Employer::list(conn)?;
    let overrides: HashMap<i64, f64> = employers
        .iter()
        .filter_map(|e| e.safe_caseload_override.map(|t| (e.id.0, t)))
        .collect();
    let employer_names: HashMap<i64, String> =
        employers.into_iter().map(|e| (e.id.0, e.name)).collect();
    let threshold = |employer: i64| overrides.get(&employer).copied().unwrap_or(safe);
    let counts = load(conn, spare, scope, narrowing, from, to)?;
    let (branch_rows, _) = rows(&counts, |branch, _| branch, &threshold);
    let (employer_rows, _) = rows(&counts, |_, employer| employer, &threshold);
    let (mut totals, mut histograms) = rows(&counts, |_, _| 0, &threshold);
    let mut total = totals.remove(&0).unwrap_or_default();
    total.name = "All".into();
    let merged = histograms.remove(&0).unwrap_or_default();
    let supervision = super::supervision_board::build(
        conn,
        &Area { scope, narrowing },
        from,
        to,
        (&branch_names, &employer_names),
    )?;
    Ok(Dashboard {
        scope,
        scope_name: scope.name(conn)?,
        from,
        to,
        safe_caseload: safe,
        total,
        branches: named(branch_rows, &branch_names),
        employers: named(employer_rows, &employer_names),
        months: by_month(&counts, from, to),
        distribution: distribution(merged),
        supervision,
    })
}

/// The counts a dashboard reads, split over `conn` and `spare` (when there is one).
fn load(
    conn: &mut DbConn,
    spare: Option<&mut DbConn>,
    scope: ReportScope,
    narrowing: Narrowing,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Counts, AppError> {
    let area = Area { scope, narrowing };
    let recent_from = to.checked_sub_days(Days::new(RECENT_DAYS)).unwrap_or(to);
    let ((members, open, opened), (latest, opened_by_type, monthly)) = side_by_side(
        conn,
        spare,
        |conn| {
            Ok((
                queries::members(conn, &area)?,
                queries::open_cases(conn, &area, to)?,
                queries::opened_by_group(conn, &area, from, to)?,
            ))
        },
        |conn| {
            Ok((
                queries::latest(conn, &area, to, recent_from, Flag::None, false)?,
                queries::opened(conn, &area, from, to, &[Dimension::Type])?,
                queries::monthly_caseload(conn, &area, from, to)?,
            ))
        },
    )?;
    Ok(Counts {
        members,
        latest,
        open,
        opened,
        opened_by_type,
        monthly,
    })
}

/// Rows by id, named and in name order; the id 0 (no such group) left out.
fn named(rows: BTreeMap<i64, GroupRow>, names: &HashMap<i64, String>) -> Vec<GroupRow> {
    let mut rows: Vec<GroupRow> = rows
        .into_iter()
        .filter(|(id, _)| *id != 0)
        .map(|(id, mut row)| {
            row.id = id;
            row.name = names.get(&id).cloned().unwrap_or_else(|| format!("#{id}"));
            row
        })
        .collect();
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    rows
}

/// By month: cases opened by type, and the median of that month's workload records.
fn by_month(counts: &Counts, from: NaiveDate, to: NaiveDate) -> Vec<MonthRow> {
    let mut months: BTreeMap<String, MonthRow> = BTreeMap::new();
    let mut month = NaiveDate::from_ymd_opt(from.year(), from.month(), 1);
    while let Some(m) = month.filter(|m| *m <= to) {
        let label = m.format("%Y-%m").to_string();
        months.insert(
            label.clone(),
            MonthRow {
                month: label,
                opened_by_type: BTreeMap::new(),
                opened: 0,
                median_caseload_per_fte: None,
            },
        );
        month = m.checked_add_months(chrono::Months::new(1));
    }
    for count in &counts.opened_by_type {
        if let Some(row) = months.get_mut(count.month.as_str()) {
            row.opened += count.n;
            *row.opened_by_type.entry(count.value.clone()).or_default() += count.n;
        }
    }
    let mut monthly: HashMap<&str, Vec<(i64, i64)>> = HashMap::new();
    for count in &counts.monthly {
        monthly
            .entry(&count.label)
            .or_default()
            .push((count.key, count.n));
    }
    for (month, histogram) in monthly {
        if let Some(row) = months.get_mut(month) {
            row.median_caseload_per_fte = stats::median(&histogram);
        }
    }
    months.into_values().collect()
}

/// Everyone's latest caseload per FTE in whole-number bands, from tenths-of-a-case buckets.
fn distribution(buckets: impl IntoIterator<Item = (i64, i64)>) -> Vec<Band> {
    let mut bands: BTreeMap<i64, i64> = BTreeMap::new();
    for (bucket, members) in buckets {
        *bands.entry(bucket.div_euclid(10)).or_default() += members;
    }
    bands
        .into_iter()
        .map(|(from, members)| Band { from, members })
        .collect()
}
