//! Anonymised evidence summaries for delegates: counts, trends and risk ratios under cell-key
//! perturbation (see [`super::disclosure`] and docs/EVIDENCE.md). Nothing here names a member,
//! shows a membership number or contact detail, or carries free text: only enumeration labels,
//! perturbed counts and figures computed from them.

mod risks;
mod sections;
mod supervision;

pub use supervision::SupervisionFigures;

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::disclosure::{Cell, Disclosure};
use super::period::MonthPeriod;
use super::queries::{self, LabelCount, Opened};
use super::releases::{self, ReleaseInfo, ReleasePeriod};
use super::stats::PublishedRisk;
use crate::access::ReportScope;
use crate::db::DbConn;
use crate::error::AppError;
use crate::models::{Employer, Settings};

/// A table as published: every cell already perturbed and formatted.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Table {
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Row>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Row {
    pub label: String,
    pub cells: Vec<String>,
}

/// An evidence release as published: the same figures for every request, in every format.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Evidence {
    pub release: ReleaseInfo,
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
    /// Supervision's share and risks (none in releases made before it was recorded).
    #[serde(default)]
    pub supervision: Option<SupervisionFigures>,
    /// How to read the figures; every format carries these lines.
    pub method: Vec<String>,
}

/// One outcome's relative risks.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RiskSummary {
    /// `disciplinary`, `ill_health` or `disciplinary_or_ill_health`.
    pub outcome: String,
    pub crude: Option<PublishedRisk>,
    /// Mantel–Haenszel across employers.
    pub stratified: Option<PublishedRisk>,
    /// How many employers' strata the stratified risk pools (every employer with members in
    /// both groups).
    pub strata_used: usize,
    /// Whether the association holds within employers, in a sentence.
    pub within_employers: Option<String>,
}

/// Checks that a release may be made for this scope (one with enough members) and returns the
/// settings it is made with.
pub fn admit(conn: &mut DbConn, scope: ReportScope) -> Result<Settings, AppError> {
    let settings = Settings::load(conn)?;
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

/// The release before this one, which the comparison column reads.
pub enum Previous {
    /// Its period ends before the scope's first case: every count was zero.
    Empty,
    Release(Box<Evidence>),
    /// Withdrawn: its figures are not shown again.
    Withdrawn,
}

/// What a release is made of: its scope and period, the settings, the release before it and
/// the day it is published.
pub struct Request<'a> {
    pub scope: ReportScope,
    pub period: ReleasePeriod,
    pub settings: &'a Settings,
    pub previous: Previous,
    pub published_on: NaiveDate,
}

/// The evidence of a release [`admit`] accepted, its queries split over `conn` and `spare`
/// (when there is one).
pub fn build(
    conn: &mut DbConn,
    spare: Option<&mut DbConn>,
    request: Request,
) -> Result<Evidence, AppError> {
    let Request {
        scope,
        period: release_period,
        settings,
        previous,
        published_on,
    } = request;
    let period = release_period.months();
    let facts = Facts::new(conn, scope, period, settings)?;
    let counts = sections::load(conn, spare, &facts)?;
    let mut out = sections::Sections::default();
    let phrase = scope.phrase(conn)?;
    let before = release_period.previous();
    sections::cases_by_type(&facts, &counts, &previous, before, &phrase, &mut out);
    sections::stage_and_outcome(&facts, &counts, &mut out);
    sections::workload_factor(&facts, &counts, &mut out);
    sections::caseloads(&facts, &counts, &mut out);
    let risks = sections::risks(&facts, &counts, &mut out);
    let supervision = sections::supervision(&facts, &counts, &mut out);
    sections::equality(conn, &facts, &mut out)?;
    let scope_name = scope.name(conn)?;
    let label = release_period.label();
    Ok(Evidence {
        release: ReleaseInfo {
            id: releases::reference(scope, release_period),
            citation: format!(
                "caseload evidence, {}, {label}, published {published_on}",
                scope_name.to_lowercase()
            ),
            period: release_period,
            period_label: label,
            period_kind: release_period.kind().into(),
            published_on,
            method_version: releases::METHOD_VERSION,
            min_group: facts.min_group,
            lookback_days: facts.lookback_days,
            settling_days: settings.evidence_settling_days,
            regular_supervision_days: Some(facts.regular_days),
        },
        method: {
            let mut lines = method(facts.rules, release_period, &scope_name, facts.safe);
            lines.insert(lines.len() - 1, supervision::method_line(&facts));
            lines
        },
        scope,
        scope_name,
        from: period.from,
        to: period.to,
        months: period.months(),
        previous_from: before.months().from,
        previous_to: before.months().to,
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
        supervision: Some(supervision),
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
    min_group: i64,
    /// The longest gap between reflective supervisions that counts as regular.
    regular_days: i64,
    /// Employers' own regular gaps, by employer id.
    regular_overrides: HashMap<i64, i64>,
}

impl Facts {
    fn new(
        conn: &mut DbConn,
        scope: ReportScope,
        period: MonthPeriod,
        settings: &Settings,
    ) -> Result<Self, AppError> {
        let employers = Employer::list(conn)?;
        let overrides = employers
            .iter()
            .filter_map(|e| e.safe_caseload_override.map(|t| (e.id.0, t)))
            .collect();
        let regular_overrides = employers
            .iter()
            .filter_map(|e| {
                e.supervision_regular_days_override
                    .map(|d| (e.id.0, i64::from(d)))
            })
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
            min_group: settings.evidence_min_group,
            regular_days: settings.supervision_regular_days,
            regular_overrides,
        })
    }

    /// The longest regular gap between reflective supervisions for an employer's staff.
    fn regular_of(&self, employer: i64) -> i64 {
        self.regular_overrides
            .get(&employer)
            .copied()
            .unwrap_or(self.regular_days)
    }

    /// The longest regular gap of any employer.
    fn longest_regular(&self) -> i64 {
        self.regular_overrides
            .values()
            .copied()
            .fold(self.regular_days, i64::max)
    }

    /// The safe caseload of an employer's staff: its own, or the setting.
    fn threshold_of(&self, employer: i64) -> f64 {
        self.overrides.get(&employer).copied().unwrap_or(self.safe)
    }
}

/// How to read the figures: the same lines in every format.
fn method(rules: Disclosure, period: ReleasePeriod, scope_name: &str, safe: f64) -> Vec<String> {
    let (k, d) = (rules.k, rules.max_noise);
    let months = period.months();
    let previous = period.previous();
    vec![
        format!(
            "Period: the {} {} ({} to {}), compared with the release for {} before it. Scope: {scope_name}.",
            period.kind(),
            period.label(),
            months.from,
            months.to,
            previous.label()
        ),
        "This is a release: it was worked out once, when it was first published, and every later request gets exactly these figures. Records added or corrected since appear only in later releases.".into(),
        format!(
            "Every count is perturbed: a small amount of noise, at most {d} either way, is added to it. Totals are perturbed on their own, so tables may not add up exactly."
        ),
        format!(
            "<{k} means a published count of 1 to {}: the true count may be anything from 1 to {} once the noise is allowed for. 0 means none. Shares, changes and risks are worked out from the counts as shown, only when those are at least {k}, and no share is given when it would be within {k} of all of its group.",
            k - 1,
            k - 1 + d
        ),
        format!(
            "Caseload per FTE: open cases on a member's latest workload record divided by their full-time equivalent. Above the safe caseload means more than {safe} open cases per FTE (the indicative maximum in Social Work Scotland's Setting the Bar, 2022), or the employer's own threshold where one is set."
        ),
        format!(
            "Relative risk: members in membership on {} grouped by their latest workload record on or before it; the risk is the share with a new case opened in the period, a risk over people rather than a rate over person-time: a member who left during the period counts for all of it, because days in membership are not counts that perturbation can protect. Leavers without a case make a group's risk look lower by about their share of it. 95% confidence interval by the log method.",
            months.from
        ),
        "No member is named or can be identified from these figures.".into(),
    ]
}
