//! Anonymised evidence summaries for delegates: counts, trends and risk ratios under cell-key
//! perturbation (see [`super::disclosure`] and docs/EVIDENCE.md). Nothing here names a member,
//! shows a membership number or contact detail, or carries free text: only enumeration labels,
//! perturbed counts and figures computed from them.

use std::collections::{BTreeMap, HashMap};

use chrono::{Days, NaiveDate};
use serde::Serialize;

use super::disclosure::{Cell, Disclosure, Published, percent_text};
use super::period::MonthPeriod;
use super::queries::{self, LabelCount, LatestGroup, OpenedDay, RiskGroup};
use super::stats::{self, PublishedRisk, TwoByTwo};
use crate::access::ReportScope;
use crate::db::{DbConn, side_by_side};
use crate::error::AppError;
use crate::models::{
    AgeBand, CaseType, Employer, EthnicGroup, Outcome, Settings, Stage, WorkloadFactor,
};

/// A table as published: every cell already perturbed and formatted.
#[derive(Debug, Clone, Serialize)]
pub struct Table {
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Row>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub label: String,
    pub cells: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
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
#[derive(Debug, Clone, Serialize)]
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

struct RiskOutcome {
    key: &'static str,
    label: &'static str,
    open: fn(&RiskGroup) -> bool,
    new: fn(&RiskGroup) -> bool,
}

const OUTCOMES: [RiskOutcome; 3] = [
    RiskOutcome {
        key: "disciplinary",
        label: "disciplinary",
        open: |g| g.disciplinary_open == 1,
        new: |g| g.disciplinary_new == 1,
    },
    RiskOutcome {
        key: "ill_health",
        label: "ill-health",
        open: |g| g.ill_health_open == 1,
        new: |g| g.ill_health_new == 1,
    },
    RiskOutcome {
        key: "disciplinary_or_ill_health",
        label: "disciplinary or ill-health",
        open: |g| g.disciplinary_open == 1 || g.ill_health_open == 1,
        new: |g| g.disciplinary_new == 1 || g.ill_health_new == 1,
    },
];

/// Where a member at risk stands at the period's start.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Exposure {
    Above,
    AtOrBelow,
    Unknown,
}

/// A published 2×2 table's four counts, when all are at least k.
fn usable_table(rules: Disclosure, cells: [Published; 4]) -> Option<TwoByTwo> {
    let [a, n1, c, n0] = cells.map(|p| rules.usable(p));
    Some(TwoByTwo {
        exposed_cases: a?,
        exposed_total: n1?,
        unexposed_cases: c?,
        unexposed_total: n0?,
    })
}

/// One table per outcome, and its risks.
fn risk_tables(
    rules: Disclosure,
    groups: &[RiskGroup],
    joiners: &[LabelCount],
    threshold_of: &dyn Fn(i64) -> f64,
    safe: f64,
    overrides: bool,
    lookback_days: i64,
) -> Vec<(Table, RiskSummary)> {
    let k = rules.k;
    let exposure = |g: &RiskGroup| match (g.open_cases, g.fte) {
        (Some(open), Some(fte)) if fte > 0.0 => {
            if open as f64 / fte > threshold_of(g.employer) {
                Exposure::Above
            } else {
                Exposure::AtOrBelow
            }
        }
        _ => Exposure::Unknown,
    };
    let cell = |g: &RiskGroup| Cell::new(g.n, g.key_sum);
    let joined: Cell = joiners.iter().map(label_cell).sum();
    let joined_with_case: Cell = joiners.iter().filter(|j| j.key == 1).map(label_cell).sum();
    let threshold = if overrides {
        format!("{safe} per FTE, or the employer's own")
    } else {
        format!("{safe} per FTE")
    };
    let mut employers: Vec<i64> = groups.iter().map(|g| g.employer).collect();
    employers.sort_unstable();
    employers.dedup();
    OUTCOMES
        .iter()
        .map(|outcome| {
            let at_risk: Vec<&RiskGroup> = groups.iter().filter(|g| !(outcome.open)(g)).collect();
            let count = |class: Exposure, employer: Option<i64>, cases: bool| -> Published {
                rules.publish(
                    at_risk
                        .iter()
                        .filter(|g| exposure(g) == class)
                        .filter(|g| employer.is_none_or(|e| g.employer == e))
                        .filter(|g| !cases || (outcome.new)(g))
                        .map(|g| cell(g))
                        .sum(),
                )
            };
            let cells = |employer: Option<i64>| {
                [
                    count(Exposure::Above, employer, true),
                    count(Exposure::Above, employer, false),
                    count(Exposure::AtOrBelow, employer, true),
                    count(Exposure::AtOrBelow, employer, false),
                ]
            };
            let crude_cells = cells(None);
            let crude = usable_table(rules, crude_cells)
                .and_then(stats::relative_risk)
                .map(PublishedRisk::from);
            let strata: Vec<TwoByTwo> = employers
                .iter()
                .filter_map(|e| usable_table(rules, cells(Some(*e))))
                .collect();
            let stratified = (strata.len() >= 2)
                .then(|| stats::mantel_haenszel(&strata))
                .flatten()
                .map(PublishedRisk::from);
            let within_employers = match (crude, stratified) {
                (Some(c), Some(s)) => Some(if s.lower.value() > 1.0 {
                    format!(
                        "Within employers the association holds: the risk stratified by employer is {} (95% CI {} to {}) against {} overall.",
                        s.ratio, s.lower, s.upper, c.ratio
                    )
                } else {
                    format!(
                        "Within employers the association is not clear: stratified by employer the risk is {} (95% CI {} to {}) against {} overall, so differences between employers may explain some of it.",
                        s.ratio, s.lower, s.upper, c.ratio
                    )
                }),
                _ => None,
            };
            let row = |label: String, members: Published, cases: Published| Row {
                label,
                cells: vec![
                    rules.text(members),
                    rules.text(cases),
                    percent_text(rules.share(cases, members)),
                ],
            };
            let unknown = (
                count(Exposure::Unknown, None, false),
                count(Exposure::Unknown, None, true),
            );
            let mut note = match crude {
                Some(r) => format!(
                    "Relative risk {} (95% confidence interval {} to {}, log method), from the counts shown.",
                    r.ratio, r.lower, r.upper
                ),
                None => format!(
                    "Relative risk not shown: it needs at least {k} members and {k} new cases in each group."
                ),
            };
            match stratified {
                Some(s) => note.push_str(&format!(
                    " Stratified by employer (Mantel–Haenszel, {} employers with every count at least {k}): {} (95% CI {} to {}).",
                    strata.len(), s.ratio, s.lower, s.upper
                )),
                None => note.push_str(&format!(
                    " Not stratified by employer: that needs at least two employers with every count at least {k}."
                )),
            }
            note.push_str(&format!(
                " Members in membership at the start without a {} case already open; exposure from their latest workload record in the {lookback_days} days before it, with the FTE and employer of that record."
                , outcome.label
            ));
            let table = Table {
                title: format!("New {} cases by caseload at the start of the period", outcome.label),
                columns: vec!["Members".into(), "With a new case".into(), "Risk".into()],
                rows: vec![
                    row(
                        format!("Above the safe caseload ({threshold})"),
                        crude_cells[1],
                        crude_cells[0],
                    ),
                    row("At or below the safe caseload".into(), crude_cells[3], crude_cells[2]),
                    row(
                        format!("Exposure unknown (no workload record in the {lookback_days} days before)"),
                        unknown.0,
                        unknown.1,
                    ),
                    row(
                        "Joined during the period (not in the risk)".into(),
                        rules.publish(joined),
                        rules.publish(joined_with_case),
                    ),
                ],
                note: Some(note),
            };
            (
                table,
                RiskSummary {
                    outcome: outcome.key,
                    crude,
                    stratified,
                    strata_used: strata.len(),
                    within_employers,
                },
            )
        })
        .collect()
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
    let members: i64 = queries::members(conn, &scope.condition("m"))?
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
fn cells_by<T>(
    rows: &[T],
    label: impl Fn(&T) -> &str,
    cell: impl Fn(&T) -> Cell,
) -> BTreeMap<String, Cell> {
    let mut map: BTreeMap<String, Cell> = BTreeMap::new();
    for row in rows {
        *map.entry(label(row).to_owned()).or_default() += cell(row);
    }
    map
}

fn day_cell(d: &OpenedDay) -> Cell {
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
    let rules = Disclosure {
        k: settings.disclosure_threshold,
        max_noise: settings.evidence_max_noise,
    };
    let k = rules.k;
    let safe = settings.safe_caseload;
    let (from, to) = (period.from, period.to);
    let previous = period.previous();
    let member_scope = scope.condition("m");
    let case_scope = scope.condition("c");
    // Caseloads at the end of the period: members in membership then (the query joins
    // `members m` for their keys).
    let latest_scope = format!(
        "{} AND (m.start_date IS NULL OR m.start_date <= {end}) \
         AND (m.left_on IS NULL OR m.left_on >= {end})",
        scope.condition("l"),
        end = queries::date(to)
    );
    let overrides: HashMap<i64, f64> = Employer::list(conn)?
        .into_iter()
        .filter_map(|e| e.safe_caseload_override.map(|t| (e.id.0, t)))
        .collect();
    let above = |group: &LatestGroup| {
        group.per_fte() > overrides.get(&group.employer).copied().unwrap_or(safe)
    };
    let opened_now = format!(
        "{} AND {case_scope}",
        queries::between("c.opened_on", from, to)
    );
    let recent_from = to.checked_sub_days(Days::new(90)).unwrap_or(to);
    let with_case = |types: &str| {
        format!(
            "EXISTS (SELECT 1 FROM cases c WHERE c.member_id = l.member_id AND {}{types})",
            queries::between("c.opened_on", from, to)
        )
    };
    let window_from = from
        .checked_sub_days(Days::new(settings.evidence_lookback_days.max(0) as u64))
        .unwrap_or(from);
    // Case counts on one connection; members' caseloads at the end of the period (all, and
    // those with a case in it), members at risk at its start and joiners on the other. Every
    // count comes with the sum of its records' keys.
    let ((days, days_before, outcomes, factors), (at_end, at_risk, joiners)) = side_by_side(
        conn,
        spare,
        |conn| {
            Ok((
                queries::opened_by_day(conn, &case_scope, from, to)?,
                queries::opened_by_day(conn, &case_scope, previous.from, previous.to)?,
                queries::closed_by_outcome(conn, &case_scope, from, to)?,
                queries::factors(conn, &opened_now)?,
            ))
        },
        |conn| {
            Ok((
                queries::latest(conn, &latest_scope, to, recent_from, &with_case(""), true)?,
                queries::at_risk(conn, &member_scope, from, to, window_from)?,
                queries::joiners(conn, &member_scope, from, to)?,
            ))
        },
    )?;
    let mut tables = Vec::new();
    let mut findings = Vec::new();

    // Cases by type, this period against the previous one.
    let types = labels(CaseType::ALL, CaseType::as_str, CaseType::label);
    let now = cells_by(&days, |d| &d.case_type, day_cell);
    let before = cells_by(&days_before, |d| &d.case_type, day_cell);
    let total_now: Cell = days.iter().map(day_cell).sum();
    let total_before: Cell = days_before.iter().map(day_cell).sum();
    let comparison = |now: Cell, before: Cell| {
        let (now, before) = (rules.publish(now), rules.publish(before));
        vec![
            rules.text(now),
            rules.text(before),
            change_text(rules.change(now, before)),
        ]
    };
    let mut rows: Vec<Row> = types
        .iter()
        .map(|(value, label)| Row {
            label: (*label).into(),
            cells: comparison(cell_of(&now, value), cell_of(&before, value)),
        })
        .collect();
    rows.push(Row {
        label: "Total".into(),
        cells: comparison(total_now, total_before),
    });
    tables.push(Table {
        title: "Cases opened, by type".into(),
        columns: vec![
            format!("{from} to {to}"),
            format!("{} to {}", previous.from, previous.to),
            "Change".into(),
        ],
        rows,
        note: None,
    });
    let (shown_now, shown_before) = (rules.publish(total_now), rules.publish(total_before));
    let mut sentence = format!(
        "{} representation cases were opened {} between {from} and {to}",
        rules.text(shown_now),
        scope.phrase(conn)?
    );
    if let Some(change) = rules.change(shown_now, shown_before) {
        let direction = if change >= 0 { "up" } else { "down" };
        sentence.push_str(&format!(
            ", {direction} {}% on the previous {} months",
            change.abs(),
            period.months()
        ));
    }
    findings.push(format!("{sentence}."));

    // Stage now reached, and outcomes of cases closed in the period.
    tables.push(count_table(
        rules,
        "Cases opened in the period, by stage reached",
        &labels(Stage::ALL, Stage::as_str, Stage::label),
        &cells_by(&days, |d| &d.stage, day_cell),
        Some(total_now),
        None,
    ));
    tables.push(count_table(
        rules,
        "Cases closed in the period, by outcome",
        &labels(Outcome::ALL, Outcome::as_str, Outcome::label),
        &cells_by(&outcomes, |o| &o.label, label_cell),
        Some(outcomes.iter().map(label_cell).sum()),
        None,
    ));

    // Workload as a factor, and the factors named.
    let with_workload: Cell = days
        .iter()
        .filter(|d| d.workload_factor == 1)
        .map(day_cell)
        .sum();
    let without_workload: Cell = days
        .iter()
        .filter(|d| d.workload_factor != 1)
        .map(day_cell)
        .sum();
    let (with_p, without_p) = (
        rules.publish(with_workload),
        rules.publish(without_workload),
    );
    let share = rules.share(with_p, shown_now);
    tables.push(Table {
        title: "Workload as a factor in cases opened".into(),
        columns: vec!["Cases".into(), "Share".into()],
        rows: vec![
            Row {
                label: "Workload a factor".into(),
                cells: vec![rules.text(with_p), percent_text(share)],
            },
            Row {
                label: "Workload not a factor".into(),
                cells: vec![
                    rules.text(without_p),
                    percent_text(rules.share(without_p, shown_now)),
                ],
            },
            Row {
                label: "Total".into(),
                cells: vec![rules.text(shown_now), String::new()],
            },
        ],
        note: None,
    });
    if let Some(share) = share {
        findings.push(format!(
            "Workload pressure was recorded as a factor in {share}% of them."
        ));
    }
    tables.push(count_table(
        rules,
        "Workload factors named",
        &labels(
            WorkloadFactor::ALL,
            WorkloadFactor::as_str,
            WorkloadFactor::label,
        ),
        &cells_by(&factors, |f| &f.label, label_cell),
        None,
        Some("A case may name several factors, so these do not add up to the cases.".into()),
    ));

    // Caseload per FTE of represented members against all members, at the end of the period.
    struct Caseloads {
        measured: Published,
        median: Option<i64>,
        p90: Option<i64>,
        above: Published,
    }
    let caseloads = |members: fn(&LatestGroup) -> Cell| {
        let histogram: Vec<(i64, i64)> =
            at_end.iter().map(|g| (g.bucket(), members(g).n)).collect();
        Caseloads {
            measured: rules.publish(at_end.iter().map(members).sum()),
            median: stats::disclosed_quantile(&histogram, 0.5, k),
            p90: stats::disclosed_quantile(&histogram, 0.9, k),
            above: rules.publish(at_end.iter().filter(|g| above(g)).map(members).sum()),
        }
    };
    let represented = caseloads(|g| Cell::new(g.flagged, g.flagged_key_sum));
    let everyone = caseloads(|g| Cell::new(g.members, g.key_sum));
    let caseload_row = |label: &str, c: &Caseloads| Row {
        label: label.into(),
        cells: vec![
            rules.text(c.measured),
            whole(c.median),
            whole(c.p90),
            rules.text(c.above),
            percent_text(rules.share(c.above, c.measured)),
        ],
    };
    tables.push(Table {
        title: "Caseload per FTE at the end of the period".into(),
        columns: vec![
            "Members measured".into(),
            "Median".into(),
            "90th percentile".into(),
            "Above the safe caseload".into(),
            "Share above".into(),
        ],
        rows: vec![
            caseload_row("Members represented in the period", &represented),
            caseload_row("All members", &everyone),
        ],
        note: Some(format!(
            "Each member's latest workload record on or before {to}; safe caseload {safe} open \
             cases per FTE unless the employer sets its own. A median or percentile is shown, to \
             a whole case, only when at least {k} members lie above it and {k} at or below it."
        )),
    });
    if let (Some(rep), Some(all)) = (represented.median, everyone.median) {
        findings.push(format!(
            "Members represented in the period carried a median of {rep} open cases per full-time equivalent, against {all} for all members."
        ));
    }

    // New disciplinary, ill-health and either cases by caseload at the start of the period:
    // members in membership then, exposure from a record in the look-back window, only those
    // without such a case already open; crude and stratified by employer.
    let threshold_of = |employer: i64| overrides.get(&employer).copied().unwrap_or(safe);
    let risks = risk_tables(
        rules,
        &at_risk,
        &joiners,
        &threshold_of,
        safe,
        !overrides.is_empty(),
        settings.evidence_lookback_days,
    );
    let mut risk_summaries = Vec::new();
    for (table, summary) in risks {
        tables.push(table);
        risk_summaries.push(summary);
    }
    let either = risk_summaries
        .iter()
        .find(|r| r.outcome == "disciplinary_or_ill_health");
    let risk = either.and_then(|r| r.crude);
    if let Some(r) = either.and_then(|r| r.crude) {
        let strength = if r.lower.value() > 1.0 {
            ""
        } else {
            " (the interval includes no difference)"
        };
        findings.push(format!(
            "Members above the safe caseload were {} times as likely to face a new disciplinary or ill-health case as those at or below it (95% CI {} to {}){strength}.",
            r.ratio, r.lower, r.upper
        ));
        if let Some(sentence) = either.and_then(|r| r.within_employers.clone()) {
            findings.push(sentence);
        }
    }

    // Equality: members with a case in the period against membership, where consent was given.
    let any_case = format!(
        "EXISTS (SELECT 1 FROM cases c WHERE c.member_id = m.id AND {})",
        queries::between("c.opened_on", from, to)
    );
    for (title, column, labels) in [
        (
            "Members with a case, by age band",
            "m.age_band",
            labels(AgeBand::ALL, AgeBand::as_str, AgeBand::label),
        ),
        (
            "Members with a case, by ethnic group",
            "m.ethnic_group",
            labels(EthnicGroup::ALL, EthnicGroup::as_str, EthnicGroup::label),
        ),
    ] {
        let rows = queries::members_by(
            conn,
            &format!("CASE WHEN {any_case} THEN 1 ELSE 0 END"),
            column,
            &format!("m.equality_consent AND {column} IS NOT NULL AND {member_scope}"),
        )?;
        if rows.iter().all(|r| r.n == 0) {
            continue;
        }
        let group = |label: &str, with_case: Option<i64>| -> Cell {
            rows.iter()
                .filter(|r| r.label == label && with_case.is_none_or(|key| r.key == key))
                .map(label_cell)
                .sum()
        };
        let published: Vec<Row> = labels
            .iter()
            .map(|(value, label)| {
                let members = rules.publish(group(value, None));
                let with_case = rules.publish(group(value, Some(1)));
                Row {
                    label: (*label).into(),
                    cells: vec![
                        rules.text(members),
                        rules.text(with_case),
                        percent_text(rules.share(with_case, members)),
                    ],
                }
            })
            .collect();
        tables.push(Table {
            title: title.into(),
            columns: vec![
                "Members (with consent)".into(),
                "With a case".into(),
                "Share".into(),
            ],
            rows: published,
            note: Some("Only members who consented to equality monitoring.".into()),
        });
    }

    let scope_name = scope.name(conn)?;
    Ok(Evidence {
        method: method(rules, period, &scope_name, safe),
        scope,
        scope_name,
        from,
        to,
        months: period.months(),
        previous_from: previous.from,
        previous_to: previous.to,
        threshold: k,
        max_noise: rules.max_noise,
        safe_caseload: safe,
        findings,
        tables,
        relative_risk: risk,
        risks: risk_summaries,
    })
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
