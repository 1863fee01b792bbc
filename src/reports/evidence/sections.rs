//! The sections of an evidence summary, one function each: the counts they read, the tables
//! they publish and the findings they state.

use chrono::Days;

use super::{
    Evidence, Facts, Previous, RiskSummary, Row, Table, cell_of, cells_by, change_text,
    count_table, label_cell, labels, opened_cell, whole,
};
use crate::db::{DbConn, side_by_side};
use crate::error::AppError;
use crate::models::{AgeBand, CaseType, EthnicGroup, Outcome, Stage, WorkloadFactor};
use crate::reports::disclosure::{Cell, Published, percent_text};
use crate::reports::queries::{
    self, Dimension, Equality, Flag, LabelCount, LatestGroup, Opened, RiskGroup,
};
use crate::reports::releases::ReleasePeriod;
use crate::reports::sql::Area;
use crate::reports::stats;

/// What the summary has published so far.
#[derive(Default)]
pub(super) struct Sections {
    pub tables: Vec<Table>,
    pub findings: Vec<String>,
}

/// Every count the sections read, each with the sum of its records' keys.
pub(super) struct Counts {
    /// Cases opened in the period, under every dimension.
    opened: Vec<Opened>,
    outcomes: Vec<LabelCount>,
    at_end: Vec<LatestGroup>,
    at_risk: Vec<RiskGroup>,
    joiners: Vec<LabelCount>,
}

impl Counts {
    /// The period's counts of cases opened under one dimension.
    fn opened(&self, dimension: Dimension) -> impl Iterator<Item = &Opened> {
        self.opened.iter().filter(move |d| d.is(dimension))
    }

    /// Every case opened in the period, once (the sum over its types).
    fn total_opened(&self) -> Cell {
        self.opened(Dimension::Type).map(opened_cell).sum()
    }
}

/// The supervision tables, from the members at risk at the start.
pub(super) fn supervision(
    facts: &Facts,
    counts: &Counts,
    out: &mut Sections,
) -> super::supervision::SupervisionFigures {
    super::supervision::supervision(facts, &counts.at_risk, out)
}

/// Case counts and members at risk at the start of the period on one connection; members'
/// caseloads at its end (all, and those with a case in it) and joiners on the other.
pub(super) fn load(
    conn: &mut DbConn,
    spare: Option<&mut DbConn>,
    facts: &Facts,
) -> Result<Counts, AppError> {
    let (from, to) = (facts.period.from, facts.period.to);
    let area = Area::of(facts.scope);
    let recent_from = to.checked_sub_days(Days::new(90)).unwrap_or(to);
    let represented = Flag::CaseOpened(from, to);
    let window_from = from
        .checked_sub_days(Days::new(facts.lookback_days.max(0) as u64))
        .unwrap_or(from);
    let regular_from = from
        .checked_sub_days(Days::new(facts.longest_regular().max(0) as u64))
        .unwrap_or(from);
    // The two lookups of each member's record on a date (the end of the period; its start, for
    // the risks) take most of the time: one on each connection.
    let ((opened, outcomes, at_risk), (at_end, joiners)) = side_by_side(
        conn,
        spare,
        |conn| {
            Ok((
                queries::opened(conn, &area, from, to, Dimension::ALL)?,
                queries::closed_by_outcome(conn, &area, from, to)?,
                queries::at_risk(conn, &area, (from, to), window_from, regular_from)?,
            ))
        },
        |conn| {
            Ok((
                queries::latest(conn, &area, to, recent_from, represented, true)?,
                queries::joiners(conn, &area, from, to)?,
            ))
        },
    )?;
    Ok(Counts {
        opened,
        outcomes,
        at_end,
        at_risk,
        joiners,
    })
}

/// The first column of a row of a table the previous release published, as it showed it.
fn published_cell<'e>(e: &'e Evidence, title: &str, label: &str) -> Option<&'e str> {
    let table = e.tables.iter().find(|t| t.title == title)?;
    let row = table.rows.iter().find(|r| r.label == label)?;
    row.cells.first().map(String::as_str)
}

const BY_TYPE: &str = "Cases opened, by type";

/// Cases by type, this period against the previous release as it was published (never counted
/// again: that would publish the earlier period's counts a second time, with fresh noise if
/// anything in it had changed), and the sentence that says so.
pub(super) fn cases_by_type(
    facts: &Facts,
    counts: &Counts,
    previous: &Previous,
    before: ReleasePeriod,
    phrase: &str,
    out: &mut Sections,
) {
    let rules = facts.rules;
    let (from, to) = (facts.period.from, facts.period.to);
    let types = labels(CaseType::ALL, CaseType::as_str, CaseType::label);
    let now = cells_by(counts.opened(Dimension::Type), |d| &d.value, opened_cell);
    let before_text = |label: &str| -> String {
        match previous {
            Previous::Empty => "0".into(),
            Previous::Withdrawn => "—".into(),
            Previous::Release(e) => published_cell(e, BY_TYPE, label).unwrap_or("—").into(),
        }
    };
    let comparison = |label: &str, now: Cell| {
        let now = rules.publish(now);
        let before = before_text(label);
        vec![
            rules.text(now),
            before.clone(),
            change_text(rules.change(now, rules.reread(&before))),
        ]
    };
    let mut rows: Vec<Row> = types
        .iter()
        .map(|(value, label)| Row {
            label: (*label).into(),
            cells: comparison(label, cell_of(&now, value)),
        })
        .collect();
    let total_now = counts.total_opened();
    rows.push(Row {
        label: "Total".into(),
        cells: comparison("Total", total_now),
    });
    out.tables.push(Table {
        title: BY_TYPE.into(),
        columns: vec![
            format!("{from} to {to}"),
            format!("{} (release before)", before.label()),
            "Change".into(),
        ],
        rows,
        note: matches!(previous, Previous::Withdrawn)
            .then(|| format!("The release for {} was withdrawn.", before.label())),
    });
    let shown_now = rules.publish(total_now);
    let mut sentence = format!(
        "{} representation cases were opened {phrase} between {from} and {to}",
        rules.text(shown_now),
    );
    if let Some(change) = rules.change(shown_now, rules.reread(&before_text("Total"))) {
        let direction = if change >= 0 { "up" } else { "down" };
        sentence.push_str(&format!(
            ", {direction} {}% on {}",
            change.abs(),
            before.label()
        ));
    }
    out.findings.push(format!("{sentence}."));
}

/// Stage now reached by the cases opened, and outcomes of cases closed in the period.
pub(super) fn stage_and_outcome(facts: &Facts, counts: &Counts, out: &mut Sections) {
    let rules = facts.rules;
    out.tables.push(count_table(
        rules,
        "Cases opened in the period, by stage reached",
        &labels(Stage::ALL, Stage::as_str, Stage::label),
        &cells_by(counts.opened(Dimension::Stage), |d| &d.value, opened_cell),
        Some(counts.total_opened()),
        None,
    ));
    out.tables.push(count_table(
        rules,
        "Cases closed in the period, by outcome",
        &labels(Outcome::ALL, Outcome::as_str, Outcome::label),
        &cells_by(&counts.outcomes, |o| &o.label, label_cell),
        Some(counts.outcomes.iter().map(label_cell).sum()),
        None,
    ));
}

/// Workload as a factor in the cases opened, and the factors named.
pub(super) fn workload_factor(facts: &Facts, counts: &Counts, out: &mut Sections) {
    let rules = facts.rules;
    let cases = |factor: bool| -> Cell {
        let value = if factor { "yes" } else { "no" };
        counts
            .opened(Dimension::Workload)
            .filter(|d| d.value == value)
            .map(opened_cell)
            .sum()
    };
    let shown_now = rules.publish(counts.total_opened());
    let (with_p, without_p) = (rules.publish(cases(true)), rules.publish(cases(false)));
    let share = rules.share(with_p, shown_now);
    out.tables.push(Table {
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
        out.findings.push(format!(
            "Workload pressure was recorded as a factor in {share}% of them."
        ));
    }
    out.tables.push(count_table(
        rules,
        "Workload factors named",
        &labels(
            WorkloadFactor::ALL,
            WorkloadFactor::as_str,
            WorkloadFactor::label,
        ),
        &cells_by(counts.opened(Dimension::Factor), |f| &f.value, opened_cell),
        None,
        Some("A case may name several factors, so these do not add up to the cases.".into()),
    ));
}

/// One group of members' caseloads at the end of the period, as published.
struct Caseloads {
    measured: Published,
    median: Option<i64>,
    p90: Option<i64>,
    above: Published,
}

/// Caseload per FTE of represented members against all members, at the end of the period.
pub(super) fn caseloads(facts: &Facts, counts: &Counts, out: &mut Sections) {
    let (rules, k, safe, to) = (facts.rules, facts.rules.k, facts.safe, facts.period.to);
    let above = |g: &LatestGroup| g.per_fte() > facts.threshold_of(g.employer);
    let caseloads = |members: fn(&LatestGroup) -> Cell| {
        let at_end = &counts.at_end;
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
    out.tables.push(Table {
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
        out.findings.push(format!(
            "Members represented in the period carried a median of {rep} open cases per full-time equivalent, against {all} for all members."
        ));
    }
}

/// New disciplinary, ill-health and either cases by caseload at the start of the period:
/// members in membership then, exposure from a record in the look-back window, only those
/// without such a case already open; crude and stratified by employer.
pub(super) fn risks(facts: &Facts, counts: &Counts, out: &mut Sections) -> Vec<RiskSummary> {
    let threshold_of = |employer: i64| facts.threshold_of(employer);
    let tables = super::risks::Risks {
        rules: facts.rules,
        groups: &counts.at_risk,
        joiners: &counts.joiners,
        threshold_of: &threshold_of,
        safe: facts.safe,
        overrides: !facts.overrides.is_empty(),
        lookback_days: facts.lookback_days,
        min_group: facts.min_group,
    }
    .tables();
    let mut summaries = Vec::new();
    for (table, summary) in tables {
        out.tables.push(table);
        summaries.push(summary);
    }
    let either = summaries
        .iter()
        .find(|r| r.outcome == "disciplinary_or_ill_health");
    if let Some(r) = either.and_then(|r| r.crude) {
        let strength = if r.lower.value() > 1.0 {
            ""
        } else {
            " (the interval includes no difference)"
        };
        out.findings.push(format!(
            "Members above the safe caseload were {} times as likely to face a new disciplinary or ill-health case as those at or below it (95% CI {} to {}){strength}.",
            r.ratio, r.lower, r.upper
        ));
        if let Some(sentence) = either.and_then(|r| r.within_employers.clone()) {
            out.findings.push(sentence);
        }
    }
    summaries
}

/// Members with a new disciplinary or ill-health case in the period against the members in
/// membership in it, by age band and ethnic group, where consent was given. A group smaller
/// than the minimum is merged with the other small ones, and the merged row is shown only when
/// it reaches the minimum itself.
pub(super) fn equality(
    conn: &mut DbConn,
    facts: &Facts,
    out: &mut Sections,
) -> Result<(), AppError> {
    let rules = facts.rules;
    let area = Area::of(facts.scope);
    let (from, to) = (facts.period.from, facts.period.to);
    for (title, equality, labels) in [
        (
            "Members with a new disciplinary or ill-health case, by age band",
            Equality::AgeBand,
            labels(AgeBand::ALL, AgeBand::as_str, AgeBand::label),
        ),
        (
            "Members with a new disciplinary or ill-health case, by ethnic group",
            Equality::EthnicGroup,
            labels(EthnicGroup::ALL, EthnicGroup::as_str, EthnicGroup::label),
        ),
    ] {
        let rows = queries::members_by(conn, &area, equality, from, to)?;
        if rows.iter().all(|r| r.n == 0) {
            continue;
        }
        let group = |values: &[&str], with_case: bool| -> Cell {
            rows.iter()
                .filter(|r| values.contains(&r.label.as_str()) && (!with_case || r.key == 1))
                .map(label_cell)
                .sum()
        };
        let row = |label: &str, values: &[&str]| {
            let members = rules.publish(group(values, false));
            let with_case = rules.publish(group(values, true));
            Row {
                label: label.into(),
                cells: vec![
                    rules.text(members),
                    rules.text(with_case),
                    percent_text(rules.share(with_case, members)),
                ],
            }
        };
        let big_enough = |values: &[&str]| {
            rules
                .usable(rules.publish(group(values, false)))
                .is_some_and(|n| n >= facts.min_group)
        };
        let (shown, small): (Vec<_>, Vec<_>) =
            labels.iter().partition(|(value, _)| big_enough(&[value]));
        let mut published: Vec<Row> = shown
            .iter()
            .map(|(value, label)| row(label, &[value]))
            .collect();
        let small_values: Vec<&str> = small.iter().map(|(value, _)| *value).collect();
        let merged_shown = !small_values.is_empty() && big_enough(&small_values);
        if merged_shown {
            published.push(row("Smaller groups together", &small_values));
        }
        let min = facts.min_group;
        out.tables.push(Table {
            title: title.into(),
            columns: vec![
                "Members (with consent)".into(),
                "With a new case".into(),
                "Share".into(),
            ],
            rows: published,
            note: Some(format!(
                "Only members who consented to equality monitoring and were members at some time \
                 in the period. Groups of fewer than {min} members are merged{}.",
                if small_values.is_empty() || merged_shown {
                    ""
                } else {
                    ", and not shown while the merged group is below that too"
                }
            )),
        });
    }
    Ok(())
}
