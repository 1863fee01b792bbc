//! Anonymised evidence summaries for delegates: counts, trends and risk ratios with small
//! numbers suppressed. Nothing here names a member, shows a membership number or contact detail,
//! or carries free text: only enumeration labels, counts and rates.

use std::collections::{BTreeMap, HashMap};

use chrono::{Days, NaiveDate};
use serde::Serialize;

use super::disclosure::{self, Shown};
use super::queries::{self, LabelCount, LatestGroup, OpenedDay};
use super::scope::ReportScope;
use super::stats::{self, RelativeRisk, TwoByTwo};
use crate::db::{DbConn, side_by_side};
use crate::error::AppError;
use crate::models::{
    AgeBand, CaseType, Employer, EthnicGroup, Outcome, Settings, Stage, WorkloadFactor,
};

/// A table as published: every cell already suppressed and formatted.
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
    pub previous_from: NaiveDate,
    pub previous_to: NaiveDate,
    /// k: counts from 1 to k−1 are shown as `<k`.
    pub threshold: i64,
    pub safe_caseload: f64,
    pub findings: Vec<String>,
    pub tables: Vec<Table>,
    /// Shown only when every count behind it is at least k.
    pub relative_risk: Option<RelativeRisk>,
}

fn counts_by_label(rows: &[LabelCount]) -> BTreeMap<String, i64> {
    let mut map = BTreeMap::new();
    for row in rows {
        *map.entry(row.label.clone()).or_default() += row.n;
    }
    map
}

fn pct(value: Option<f64>) -> String {
    value.map_or_else(|| "—".into(), |v| format!("{v}%"))
}

fn num(value: Option<f64>) -> String {
    value.map_or_else(|| "—".into(), |v| format!("{v:.1}"))
}

/// A one-column table of counts by label with its total, suppressed.
fn count_table(
    title: &str,
    labels: &[(&str, &str)],
    counts: &BTreeMap<String, i64>,
    k: i64,
    with_total: bool,
    note: Option<String>,
) -> Table {
    let matrix: Vec<Vec<i64>> = labels
        .iter()
        .map(|(value, _)| vec![*counts.get(*value).unwrap_or(&0)])
        .collect();
    let protected = disclosure::protect_with(&matrix, k, false);
    let mut rows: Vec<Row> = labels
        .iter()
        .zip(&protected.cells)
        .map(|((_, label), cells)| Row {
            label: (*label).into(),
            cells: vec![cells[0].text(k)],
        })
        .collect();
    let total = if with_total {
        protected
            .column_totals
            .first()
            .copied()
            .unwrap_or(Shown::Count(0))
    } else {
        Shown::Count(0)
    };
    if with_total {
        rows.push(Row {
            label: "Total".into(),
            cells: vec![total.text(k)],
        });
    }
    Table {
        title: title.into(),
        columns: vec!["Cases".into()],
        rows,
        note,
    }
}

/// The evidence summary, its queries split over `conn` and `spare` (when there is one).
pub fn build(
    conn: &mut DbConn,
    spare: Option<&mut DbConn>,
    scope: ReportScope,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Evidence, AppError> {
    let settings = Settings::load(conn)?;
    let k = settings.disclosure_threshold;
    let safe = settings.safe_caseload;
    let length = (to - from).num_days().max(0) as u64;
    let previous_to = from.checked_sub_days(Days::new(1)).unwrap_or(from);
    let previous_from = previous_to
        .checked_sub_days(Days::new(length))
        .unwrap_or(previous_to);
    let member_scope = scope.condition("m");
    let case_scope = scope.condition("c");
    let latest_scope = scope.condition("l");
    let overrides: HashMap<i64, f64> = Employer::list(conn)?
        .into_iter()
        .filter_map(|e| e.safe_caseload_override.map(|t| (e.id.0, t)))
        .collect();
    let above = |group: &LatestGroup| {
        group.per_fte() > overrides.get(&group.employer).copied().unwrap_or(safe)
    };
    let period = |a: NaiveDate, b: NaiveDate, column: &str| queries::between(column, a, b);
    let opened_now = format!("{} AND {case_scope}", period(from, to, "c.opened_on"));
    let recent_from = to.checked_sub_days(Days::new(90)).unwrap_or(to);
    let with_case = |types: &str| {
        format!(
            "EXISTS (SELECT 1 FROM cases c WHERE c.member_id = l.member_id AND {}{types})",
            period(from, to, "c.opened_on")
        )
    };
    let disciplinary_or_ill_health = format!(
        " AND c.case_type IN ('{}', '{}')",
        CaseType::Disciplinary,
        CaseType::IllHealth
    );
    // Case counts on one connection; members' caseloads at the end of the period (all, and
    // those with a case in it) and at its start (all, and those with a disciplinary or
    // ill-health case) on the other.
    let ((days, days_before, outcomes, factors), (at_end, at_start)) = side_by_side(
        conn,
        spare,
        |conn| {
            Ok((
                queries::opened_by_day(conn, &case_scope, from, to)?,
                queries::opened_by_day(conn, &case_scope, previous_from, previous_to)?,
                queries::closed_by_outcome(conn, &case_scope, from, to)?,
                queries::factors(conn, &opened_now)?,
            ))
        },
        |conn| {
            Ok((
                queries::latest(conn, &latest_scope, to, recent_from, &with_case(""))?,
                queries::latest(
                    conn,
                    &latest_scope,
                    from,
                    from,
                    &with_case(&disciplinary_or_ill_health),
                )?,
            ))
        },
    )?;
    let mut tables = Vec::new();
    let mut findings = Vec::new();

    // Cases by type, this period against the previous one; stage now reached; workload.
    let fold = |days: &[OpenedDay], label: fn(&OpenedDay) -> &str| {
        let mut map: BTreeMap<String, i64> = BTreeMap::new();
        for day in days {
            *map.entry(label(day).to_owned()).or_default() += day.n;
        }
        map
    };
    let now = fold(&days, |d| &d.case_type);
    let before = fold(&days_before, |d| &d.case_type);
    let types: Vec<(&str, &str)> = CaseType::ALL
        .iter()
        .map(|t| (t.as_str(), t.label()))
        .collect();
    let matrix: Vec<Vec<i64>> = types
        .iter()
        .map(|(t, _)| vec![*now.get(*t).unwrap_or(&0), *before.get(*t).unwrap_or(&0)])
        .collect();
    let protected = disclosure::protect_with(&matrix, k, false);
    let change = |a: i64, b: i64| -> String {
        if a >= k && b >= k {
            let pct = (a - b) as f64 / b as f64 * 100.0;
            format!("{:+.0}%", pct)
        } else {
            "—".into()
        }
    };
    let mut rows: Vec<Row> = types
        .iter()
        .zip(matrix.iter().zip(&protected.cells))
        .map(|((_, label), (raw, shown))| Row {
            label: (*label).into(),
            cells: vec![
                shown[0].text(k),
                shown[1].text(k),
                if shown.iter().any(|s| s.is_suppressed()) {
                    "—".into()
                } else {
                    change(raw[0], raw[1])
                },
            ],
        })
        .collect();
    let total_now: i64 = now.values().sum();
    let total_before: i64 = before.values().sum();
    rows.push(Row {
        label: "Total".into(),
        cells: vec![
            protected.column_totals[0].text(k),
            protected.column_totals[1].text(k),
            change(total_now, total_before),
        ],
    });
    tables.push(Table {
        title: "Cases opened, by type".into(),
        columns: vec![
            format!("{from} to {to}"),
            format!("{previous_from} to {previous_to}"),
            "Change".into(),
        ],
        rows,
        note: None,
    });
    let shown_now = disclosure::count(total_now, k).text(k);
    let mut sentence = format!(
        "{shown_now} representation cases were opened {} between {from} and {to}",
        scope.phrase(conn)?
    );
    if total_now >= k && total_before >= k {
        let pct = (total_now - total_before) as f64 / total_before as f64 * 100.0;
        let direction = if pct >= 0.0 { "up" } else { "down" };
        sentence.push_str(&format!(
            ", {direction} {:.0}% on the previous period of the same length",
            pct.abs()
        ));
    }
    findings.push(format!("{sentence}."));

    // Stage now reached, and outcomes of cases closed in the period.
    let stages = fold(&days, |d| &d.stage);
    let stage_labels: Vec<(&str, &str)> =
        Stage::ALL.iter().map(|s| (s.as_str(), s.label())).collect();
    tables.push(count_table(
        "Cases opened in the period, by stage reached",
        &stage_labels,
        &stages,
        k,
        true,
        None,
    ));
    let outcomes = counts_by_label(&outcomes);
    let outcome_labels: Vec<(&str, &str)> = Outcome::ALL
        .iter()
        .map(|o| (o.as_str(), o.label()))
        .collect();
    tables.push(count_table(
        "Cases closed in the period, by outcome",
        &outcome_labels,
        &outcomes,
        k,
        true,
        None,
    ));

    // Workload as a factor, and the factors named.
    let cases: i64 = days.iter().map(|d| d.n).sum();
    let with_workload: i64 = days
        .iter()
        .filter(|d| d.workload_factor == 1)
        .map(|d| d.n)
        .sum();
    let protected = disclosure::protect_with(
        &[vec![with_workload], vec![cases - with_workload]],
        k,
        false,
    );
    let share = disclosure::percent(with_workload, cases, k);
    tables.push(Table {
        title: "Workload as a factor in cases opened".into(),
        columns: vec!["Cases".into(), "Share".into()],
        rows: vec![
            Row {
                label: "Workload a factor".into(),
                cells: vec![protected.cells[0][0].text(k), pct(share)],
            },
            Row {
                label: "Workload not a factor".into(),
                cells: vec![
                    protected.cells[1][0].text(k),
                    pct(disclosure::percent(cases - with_workload, cases, k)),
                ],
            },
            Row {
                label: "Total".into(),
                cells: vec![protected.column_totals[0].text(k), String::new()],
            },
        ],
        note: None,
    });
    if let Some(share) = share {
        findings.push(format!(
            "Workload pressure was recorded as a factor in {share}% of them."
        ));
    }
    let factors = counts_by_label(&factors);
    let factor_labels: Vec<(&str, &str)> = WorkloadFactor::ALL
        .iter()
        .map(|f| (f.as_str(), f.label()))
        .collect();
    tables.push(count_table(
        "Workload factors named",
        &factor_labels,
        &factors,
        k,
        false,
        Some("A case may name several factors, so these do not add up to the cases.".into()),
    ));

    // Caseload per FTE of represented members against all members, at the end of the period.
    // All members, and (flagged) those with a case in the period.
    let summary = |count: fn(&LatestGroup) -> i64| {
        let histogram: Vec<(i64, i64)> = at_end.iter().map(|r| (r.bucket(), count(r))).collect();
        let measured: i64 = histogram.iter().map(|(_, n)| n).sum();
        let above: i64 = at_end.iter().filter(|r| above(r)).map(count).sum();
        (
            measured,
            stats::median(&histogram),
            stats::p90(&histogram),
            above,
        )
    };
    let (all_n, all_median, all_p90, all_above) = summary(|g| g.members);
    let (rep_n, rep_median, rep_p90, rep_above) = summary(|g| g.flagged);
    let quantiles = |n: i64, median: Option<f64>, p90: Option<f64>| {
        if n >= k {
            (num(median), num(p90))
        } else {
            ("—".into(), "—".into())
        }
    };
    let (rep_med_text, rep_p90_text) = quantiles(rep_n, rep_median, rep_p90);
    let (all_med_text, all_p90_text) = quantiles(all_n, all_median, all_p90);
    tables.push(Table {
        title: "Caseload per FTE at the end of the period".into(),
        columns: vec!["Members measured".into(), "Median".into(), "90th percentile".into(), "Above the safe caseload".into()],
        rows: vec![
            Row {
                label: "Members represented in the period".into(),
                cells: vec![disclosure::count(rep_n, k).text(k), rep_med_text, rep_p90_text, pct(disclosure::percent(rep_above, rep_n, k))],
            },
            Row {
                label: "All members".into(),
                cells: vec![disclosure::count(all_n, k).text(k), all_med_text, all_p90_text, pct(disclosure::percent(all_above, all_n, k))],
            },
        ],
        note: Some(format!("Each member's latest workload record on or before {to}; safe caseload {safe} open cases per FTE unless the employer sets its own.")),
    });
    if rep_n >= k
        && all_n >= k
        && let (Some(rep), Some(all)) = (rep_median, all_median)
    {
        findings.push(format!(
            "Members represented in the period carried a median of {rep:.1} open cases per full-time equivalent, against {all:.1} for all members."
        ));
    }

    // Relative risk of a disciplinary or ill-health case, above against at or below the safe
    // caseload at the start of the period.
    let split = |count: fn(&LatestGroup) -> i64| {
        at_start.iter().fold((0, 0), |(over, under), g| {
            if above(g) {
                (over + count(g), under)
            } else {
                (over, under + count(g))
            }
        })
    };
    let (exposed_total, unexposed_total) = split(|g| g.members);
    let (exposed_cases, unexposed_cases) = split(|g| g.flagged);
    let table = TwoByTwo {
        exposed_cases,
        exposed_total,
        unexposed_cases,
        unexposed_total,
    };
    let matrix = vec![
        vec![
            table.exposed_cases,
            table.exposed_total - table.exposed_cases,
        ],
        vec![
            table.unexposed_cases,
            table.unexposed_total - table.unexposed_cases,
        ],
    ];
    let protected = disclosure::protect(&matrix, k);
    let all_at_least_k = [
        table.exposed_cases,
        table.exposed_total,
        table.unexposed_cases,
        table.unexposed_total,
    ]
    .iter()
    .all(|n| *n >= k);
    let risk = if all_at_least_k {
        stats::relative_risk(table)
    } else {
        None
    };
    tables.push(Table {
        title: "Disciplinary or ill-health cases by caseload at the start of the period".into(),
        columns: vec!["Members".into(), "With a case".into(), "Risk".into()],
        rows: vec![
            Row {
                label: format!("Above the safe caseload ({safe} per FTE)"),
                cells: vec![protected.row_totals[0].text(k), protected.cells[0][0].text(k), pct(disclosure::percent(table.exposed_cases, table.exposed_total, k))],
            },
            Row {
                label: "At or below the safe caseload".into(),
                cells: vec![protected.row_totals[1].text(k), protected.cells[1][0].text(k), pct(disclosure::percent(table.unexposed_cases, table.unexposed_total, k))],
            },
        ],
        note: Some(match risk {
            Some(r) => format!("Relative risk {:.2} (95% confidence interval {:.2} to {:.2}, log method).", r.ratio, r.lower, r.upper),
            None => format!("Relative risk not shown: it needs at least {k} members and {k} cases in each group."),
        }),
    });
    if let Some(r) = risk {
        let strength = if r.lower > 1.0 {
            ""
        } else {
            " (the interval includes no difference)"
        };
        findings.push(format!(
            "Members above the safe caseload were {:.1} times as likely to face a disciplinary or ill-health case as those at or below it (95% CI {:.1} to {:.1}){strength}.",
            r.ratio, r.lower, r.upper
        ));
    }

    // Equality: members with a case in the period against membership, where consent was given.
    let any_case = format!(
        "EXISTS (SELECT 1 FROM cases c WHERE c.member_id = m.id AND {})",
        period(from, to, "c.opened_on")
    );
    for (title, column, labels) in [
        (
            "Members with a case, by age band",
            "m.age_band",
            AgeBand::ALL
                .iter()
                .map(|a| (a.as_str(), a.label()))
                .collect::<Vec<_>>(),
        ),
        (
            "Members with a case, by ethnic group",
            "m.ethnic_group",
            EthnicGroup::ALL
                .iter()
                .map(|g| (g.as_str(), g.label()))
                .collect(),
        ),
    ] {
        let rows = queries::members_by(
            conn,
            &format!("CASE WHEN {any_case} THEN 1 ELSE 0 END"),
            column,
            &format!("m.equality_consent AND {column} IS NOT NULL AND {member_scope}"),
        )?;
        let count = |label: &str, key: i64| {
            rows.iter()
                .filter(|r| r.label == label && r.key == key)
                .map(|r| r.n)
                .sum::<i64>()
        };
        let matrix: Vec<Vec<i64>> = labels
            .iter()
            .map(|(v, _)| vec![count(v, 1), count(v, 0)])
            .collect();
        if matrix.iter().flatten().all(|n| *n == 0) {
            continue;
        }
        let protected = disclosure::protect(&matrix, k);
        let published: Vec<Row> = labels
            .iter()
            .enumerate()
            .map(|(i, (_, label))| {
                let members = matrix[i][0] + matrix[i][1];
                Row {
                    label: (*label).into(),
                    cells: vec![
                        protected.row_totals[i].text(k),
                        protected.cells[i][0].text(k),
                        pct(disclosure::percent(matrix[i][0], members, k)),
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

    Ok(Evidence {
        scope,
        scope_name: scope.name(conn)?,
        from,
        to,
        previous_from,
        previous_to,
        threshold: k,
        safe_caseload: safe,
        findings,
        tables,
        relative_risk: risk,
    })
}
