//! The organisers' dashboard: per branch and per employer, members, recent workload records,
//! median and 90th-percentile caseload per FTE, members above the safe caseload, open cases by
//! type, cases opened in the period and the share with workload as a factor; and by month.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Days, NaiveDate};
use serde::Serialize;

use super::queries::{self, KeyBucket};
use super::scope::{Narrowing, ReportScope};
use super::stats;
use crate::db::DbConn;
use crate::error::AppError;
use crate::models::{Branch, Employer, Settings};

/// "Recent" workload: a record within this many days before the end of the period.
pub const RECENT_DAYS: u64 = 90;

#[derive(Debug, Clone, Default, Serialize)]
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

#[derive(Debug, Clone, Serialize)]
pub struct MonthRow {
    pub month: String,
    pub opened_by_type: BTreeMap<String, i64>,
    pub opened: i64,
    pub median_caseload_per_fte: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
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
    /// Members by caseload per FTE in whole-number bands: (band start, members).
    pub distribution: Vec<(i64, i64)>,
}

fn share(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 / whole as f64 * 1000.0).round() / 10.0)
}

/// What every grouping of one dashboard shares: its conditions, period and threshold.
struct Frame {
    member_condition: String,
    case_condition: String,
    from: NaiveDate,
    to: NaiveDate,
    safe: f64,
}

/// Builds the rows for one grouping (`m.branch_id`, `m.employer_id` or a constant).
/// Each row's caseload histogram: (bucket in tenths, members).
type Histograms = HashMap<i64, Vec<(i64, i64)>>;

fn rows(
    conn: &mut DbConn,
    frame: &Frame,
    key: &str,
    case_key: &str,
) -> Result<(BTreeMap<i64, GroupRow>, Histograms), AppError> {
    let Frame {
        member_condition,
        case_condition,
        from,
        to,
        safe,
    } = frame;
    let (from, to, safe) = (*from, *to, *safe);
    let mut rows: BTreeMap<i64, GroupRow> = BTreeMap::new();
    for count in queries::members(conn, key, member_condition)? {
        rows.entry(count.key).or_default().members = count.n;
    }
    let recent_from = to.checked_sub_days(Days::new(RECENT_DAYS)).unwrap_or(to);
    let mut histograms: Histograms = HashMap::new();
    for KeyBucket {
        key,
        bucket,
        members,
        recent,
        above,
    } in queries::latest_caseload(conn, key, member_condition, to, recent_from, safe)?
    {
        let row = rows.entry(key).or_default();
        row.members_recent_workload += recent;
        row.above_safe_caseload += above;
        histograms.entry(key).or_default().push((bucket, members));
    }
    for (key, histogram) in &histograms {
        let row = rows.entry(*key).or_default();
        let measured: i64 = histogram.iter().map(|(_, n)| n).sum();
        row.median_caseload_per_fte = stats::median(histogram);
        row.p90_caseload_per_fte = stats::p90(histogram);
        row.above_safe_caseload_share = share(row.above_safe_caseload, measured);
    }
    let open = format!("c.status = 'open' AND {case_condition}");
    for count in queries::cases_by(conn, case_key, "c.case_type", &open)? {
        let row = rows.entry(count.key).or_default();
        row.open_cases += count.n;
        row.open_cases_by_type.insert(count.label, count.n);
    }
    let opened = format!(
        "c.opened_on >= {} AND c.opened_on <= {} AND {case_condition}",
        queries::date(from),
        queries::date(to)
    );
    for count in queries::cases_with_workload(conn, case_key, &opened)? {
        let row = rows.entry(count.key).or_default();
        row.cases_opened = count.n;
        row.cases_opened_workload = count.w;
        row.cases_opened_workload_share = share(count.w, count.n);
    }
    Ok((rows, histograms))
}

/// The total of all rows: counts added, histograms merged (no second pass over the data).
fn total_of(
    rows: &BTreeMap<i64, GroupRow>,
    histograms: &Histograms,
) -> (GroupRow, Vec<(i64, i64)>) {
    let mut total = GroupRow {
        name: "All".into(),
        ..Default::default()
    };
    for row in rows.values() {
        total.members += row.members;
        total.members_recent_workload += row.members_recent_workload;
        total.above_safe_caseload += row.above_safe_caseload;
        total.open_cases += row.open_cases;
        total.cases_opened += row.cases_opened;
        total.cases_opened_workload += row.cases_opened_workload;
        for (case_type, n) in &row.open_cases_by_type {
            *total
                .open_cases_by_type
                .entry(case_type.clone())
                .or_default() += n;
        }
    }
    let mut merged: BTreeMap<i64, i64> = BTreeMap::new();
    for (bucket, n) in histograms.values().flatten() {
        *merged.entry(*bucket).or_default() += n;
    }
    let merged: Vec<(i64, i64)> = merged.into_iter().collect();
    let measured: i64 = merged.iter().map(|(_, n)| n).sum();
    total.median_caseload_per_fte = stats::median(&merged);
    total.p90_caseload_per_fte = stats::p90(&merged);
    total.above_safe_caseload_share = share(total.above_safe_caseload, measured);
    total.cases_opened_workload_share = share(total.cases_opened_workload, total.cases_opened);
    (total, merged)
}

pub fn build(
    conn: &mut DbConn,
    backend: crate::db::Backend,
    scope: ReportScope,
    narrowing: Narrowing,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Dashboard, AppError> {
    let safe = Settings::load(conn)?.safe_caseload;
    let member_condition = format!(
        "{} AND {}",
        scope.condition("m.branch_id"),
        narrowing.condition("m.branch_id")
    );
    let case_condition = format!(
        "{} AND {}",
        scope.condition("c.branch_id"),
        narrowing.condition("c.branch_id")
    );

    let branch_names: HashMap<i64, String> = Branch::list(conn)?
        .into_iter()
        .map(|b| (b.id.0, b.name))
        .collect();
    let employer_names: HashMap<i64, String> = Employer::list(conn)?
        .into_iter()
        .map(|e| (e.id.0, e.name))
        .collect();
    let named = |rows: BTreeMap<i64, GroupRow>, names: &HashMap<i64, String>| -> Vec<GroupRow> {
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
    };
    let frame = Frame {
        member_condition: member_condition.clone(),
        case_condition: case_condition.clone(),
        from,
        to,
        safe,
    };
    let (branch_rows, branch_histograms) = rows(conn, &frame, "m.branch_id", "c.branch_id")?;
    let (total, merged) = total_of(&branch_rows, &branch_histograms);
    let branches = named(branch_rows, &branch_names);
    let employers = named(
        rows(conn, &frame, "m.employer_id", "COALESCE(m.employer_id, 0)")?.0,
        &employer_names,
    );

    // By month: cases opened by type, and the median of that month's workload records.
    let month_opened = queries::month_of(backend, "c.opened_on");
    let opened = format!(
        "c.opened_on >= {} AND c.opened_on <= {} AND {case_condition}",
        queries::date(from),
        queries::date(to)
    );
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
    for count in queries::cases_by(
        conn,
        "0",
        &format!("{month_opened} || ':' || c.case_type"),
        &opened,
    )? {
        if let Some((month, case_type)) = count.label.split_once(':')
            && let Some(row) = months.get_mut(month)
        {
            row.opened += count.n;
            row.opened_by_type.insert(case_type.to_owned(), count.n);
        }
    }
    let mut monthly: HashMap<String, Vec<(i64, i64)>> = HashMap::new();
    for count in queries::monthly_caseload(conn, backend, &member_condition, from, to)? {
        monthly
            .entry(count.label)
            .or_default()
            .push((count.key, count.n));
    }
    for (month, histogram) in monthly {
        if let Some(row) = months.get_mut(&month) {
            row.median_caseload_per_fte = stats::median(&histogram);
        }
    }

    // Distribution of everyone's latest caseload per FTE, in whole-number bands.
    let mut bands: BTreeMap<i64, i64> = BTreeMap::new();
    for (bucket, members) in merged {
        *bands.entry(bucket.div_euclid(10)).or_default() += members;
    }
    Ok(Dashboard {
        scope,
        scope_name: scope.name(conn)?,
        from,
        to,
        safe_caseload: safe,
        total,
        branches,
        employers,
        months: months.into_values().collect(),
        distribution: bands.into_iter().collect(),
    })
}
