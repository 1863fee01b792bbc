//! Anonymised evidence summaries for delegates: counts, trends and risk ratios under cell-key
//! perturbation (see [`super::disclosure`] and docs/EVIDENCE.md). Nothing here names a member,
//! shows a membership number or contact detail, or carries free text: only enumeration labels,
//! perturbed counts and figures computed from them.

mod risks;
mod sections;

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::Serialize;

use super::disclosure::{Cell, Disclosure};
use super::period::MonthPeriod;
use super::queries::{self, LabelCount, Opened};
use super::stats::PublishedRisk;
use crate::access::ReportScope;
use crate::db::DbConn;
use crate::error::AppError;
use crate::models::{Employer, Settings};

/// A table as published: every cell already perturbed and formatted.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Table {
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Row>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Row {
    pub label: String,
    pub cells: Vec<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Evidence {
    pub scope: ReportScope,
    pub scope_name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub months: u32,
    pub previous_from: NaiveDate,
    pub previous_to: NaiveDate,
    /// k: published counts from 1 to k−1 are shown as `<k`.
    pub threshold: i64,
    /// D: the largest noise added to a count.
    pub max_noise: i64,
    pub safe_caseload: f64,
    pub findings: Vec<String>,
    pub tables: Vec<Table>,
    /// The crude risk of a new disciplinary or ill-health case, as in `risks`.
    pub relative_risk: Option<PublishedRisk>,
    /// Each outcome's crude and employer-stratified relative risk, from published counts, to
    /// two decimal places; each only when its counts are at least k.
    pub risks: Vec<RiskSummary>,
    /// How to read the figures; every format carries these lines.
    pub method: Vec<String>,
}

/// One outcome's relative risks.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RiskSummary {
    /// `disciplinary`, `ill_health` or `disciplinary_or_ill_health`.
    pub outcome: &'static str,
    pub crude: Option<PublishedRisk>,
    /// Mantel–Haenszel across employers.
    pub stratified: Option<PublishedRisk>,
    /// How many employers' strata had all four counts of at least k.
    pub strata_used: usize,
    /// Whether the association holds within employers, in a sentence.
    pub within_employers: Option<String>,
}

/// Checks that a summary may be made for this scope and period (whole months, long enough; a
/// scope with enough members) and returns the settings it is made with.
pub fn admit(
    conn: &mut DbConn,
    scope: ReportScope,
    period: MonthPeriod,
) -> Result<Settings, AppError> {
    let settings = Settings::load(conn)?;
    period.check_length(settings.evidence_min_months)?;
    let members: i64 = queries::members(conn, &super::sql::Area::of(scope))?
        .iter()
        .map(|g| g.n)
        .sum();
    if members < settings.evidence_min_scope_members {
        let minimum = settings.evidence_min_scope_members;
        return Err(AppError::invalid(
            "scope",
            match scope {
                ReportScope::National => format!(
                    "evidence needs at least {minimum} members in scope, and fewer are recorded"
                ),
                _ => format!(
                    "{} has fewer than {minimum} members, too few for evidence of its own; its \
                     members are counted in its region's and the national figures",
                    scope.name(conn)?
                ),
            },
        ));
    }
    Ok(settings)
}

/// Cells by label, each the sum of the rows that carry the label.
fn cells_by<'a, T: 'a>(
    rows: impl IntoIterator<Item = &'a T>,
    label: impl Fn(&T) -> &str,
    cell: impl Fn(&T) -> Cell,
) -> BTreeMap<String, Cell> {
    let mut map: BTreeMap<String, Cell> = BTreeMap::new();
    for row in rows {
        *map.entry(label(row).to_owned()).or_default() += cell(row);
    }
    map
}

fn opened_cell(d: &Opened) -> Cell {
    Cell::new(d.n, d.key_sum)
}

fn label_cell(c: &LabelCount) -> Cell {
    Cell::new(c.n, c.key_sum)
}

fn cell_of(cells: &BTreeMap<String, Cell>, label: &str) -> Cell {
    cells.get(label).copied().unwrap_or_default()
}

/// The labels of an enumeration, as `(value, label)`.
fn labels<T: Copy>(
    all: &[T],
    value: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<(&'static str, &'static str)> {
    all.iter().map(|t| (value(*t), label(*t))).collect()
}

/// A one-column table of counts by label, with its total (its own cell) when asked.
fn count_table(
    rules: Disclosure,
    title: &str,
    labels: &[(&str, &str)],
    cells: &BTreeMap<String, Cell>,
    total: Option<Cell>,
    note: Option<String>,
) -> Table {
    let mut rows: Vec<Row> = labels
        .iter()
        .map(|(value, label)| Row {
            label: (*label).into(),
            cells: vec![rules.show(cell_of(cells, value))],
        })
        .collect();
    if let Some(total) = total {
        rows.push(Row {
            label: "Total".into(),
            cells: vec![rules.show(total)],
        });
    }
    Table {
        title: title.into(),
        columns: vec!["Cases".into()],
        rows,
        note,
    }
}

fn change_text(change: Option<i64>) -> String {
    change.map_or_else(|| "—".into(), |v| format!("{v:+}%"))
}

fn whole(value: Option<i64>) -> String {
    value.map_or_else(|| "—".into(), |v| v.to_string())
}

/// The evidence summary for a request [`admit`] accepted, its queries split over `conn` and
/// `spare` (when there is one).
pub fn build(
    conn: &mut DbConn,
    spare: Option<&mut DbConn>,
    scope: ReportScope,
    period: MonthPeriod,
    settings: &Settings,
) -> Result<Evidence, AppError> {
    let facts = Facts::new(conn, scope, period, settings)?;
    let counts = sections::load(conn, spare, &facts)?;
    let mut out = sections::Sections::default();
    let phrase = scope.phrase(conn)?;
    sections::cases_by_type(&facts, &counts, &phrase, &mut out);
    sections::stage_and_outcome(&facts, &counts, &mut out);
    sections::workload_factor(&facts, &counts, &mut out);
    sections::caseloads(&facts, &counts, &mut out);
    let risks = sections::risks(&facts, &counts, &mut out);
    sections::equality(conn, &facts, &mut out)?;
    let scope_name = scope.name(conn)?;
    let previous = period.previous();
    Ok(Evidence {
        method: method(facts.rules, period, &scope_name, facts.safe),
        scope,
        scope_name,
        from: period.from,
        to: period.to,
        months: period.months(),
        previous_from: previous.from,
        previous_to: previous.to,
        threshold: facts.rules.k,
        max_noise: facts.rules.max_noise,
        safe_caseload: facts.safe,
        findings: out.findings,
        tables: out.tables,
        relative_risk: risks
            .iter()
            .find(|r| r.outcome == "disciplinary_or_ill_health")
            .and_then(|r| r.crude),
        risks,
    })
}

/// What every section of a summary is made with.
pub(crate) struct Facts {
    rules: Disclosure,
    scope: ReportScope,
    period: MonthPeriod,
    safe: f64,
    /// Employers' own safe caseloads, by employer id.
    overrides: HashMap<i64, f64>,
    lookback_days: i64,
}

impl Facts {
    fn new(
        conn: &mut DbConn,
        scope: ReportScope,
        period: MonthPeriod,
        settings: &Settings,
    ) -> Result<Self, AppError> {
        let overrides = Employer::list(conn)?
            .into_iter()
            .filter_map(|e| e.safe_caseload_override.map(|t| (e.id.0, t)))
            .collect();
        Ok(Self {
            rules: Disclosure {
                k: settings.disclosure_threshold,
                max_noise: settings.evidence_max_noise,
            },
            scope,
            period,
            safe: settings.safe_caseload,
            overrides,
            lookback_days: settings.evidence_lookback_days,
        })
    }

    /// The safe caseload of an employer's staff: its own, or the setting.
    fn threshold_of(&self, employer: i64) -> f64 {
        self.overrides.get(&employer).copied().unwrap_or(self.safe)
    }
}

/// How to read the figures: the same lines in every format.
fn method(rules: Disclosure, period: MonthPeriod, scope_name: &str, safe: f64) -> Vec<String> {
    let (k, d) = (rules.k, rules.max_noise);
    let previous = period.previous();
    vec![
        format!(
            "Period: the {} whole calendar months {} to {}, compared with the {} months {} to {} before them. Scope: {scope_name}.",
            period.months(),
            period.from,
            period.to,
            period.months(),
            previous.from,
            previous.to
        ),
        format!(
            "Every count is perturbed: a small amount of noise, at most {d} either way, is added to it, the same every time for the same people or cases, so that figures from different requests cannot be subtracted to reveal anyone. Totals are perturbed on their own, so tables may not add up exactly."
        ),
        format!(
            "<{k} means a count of 1 to {} after perturbation; 0 means none. Shares, changes and risks are worked out from the counts as shown, and only when those are at least {k}.",
            k - 1
        ),
        format!(
            "Caseload per FTE: open cases on a member's latest workload record divided by their full-time equivalent. Above the safe caseload means more than {safe} open cases per FTE (the indicative maximum in Social Work Scotland's Setting the Bar, 2022), or the employer's own threshold where one is set."
        ),
        format!(
            "Relative risk: members grouped by their latest workload record on or before {}; the risk is the share with a disciplinary or ill-health case opened in the period; 95% confidence interval by the log method.",
            period.from
        ),
        "No member is named or can be identified from these figures.".into(),
    ]
}
