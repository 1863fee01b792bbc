//! Supervision in a release: the share of members without regular reflective supervision at
//! the period's start, and the relative risk of a new disciplinary or ill-health case for them
//! against those with it, alone and together with a caseload above the safe one. The same
//! members, look-back, perturbation and table rules as the caseload risk; from published
//! counts only.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::risks::{above_safe, usable_table};
use super::sections::Sections;
use super::{Facts, Row, Table};
use crate::reports::disclosure::{Cell, Published, percent_text};
use crate::reports::queries::RiskGroup;
use crate::reports::stats::{self, PublishedRisk};
use crate::reports::supervision_standing::{self, Standing};

/// The supervision figures of a release, as its tables show them.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SupervisionFigures {
    /// Of members with supervision recorded, the share in whole percent without regular
    /// reflective supervision at the start of the period.
    pub share_without_regular: Option<i64>,
    /// New disciplinary or ill-health cases: without regular reflective supervision against
    /// with it.
    pub without_regular: Option<PublishedRisk>,
    /// Above the safe caseload and without regular reflective supervision, against at or
    /// below it and with regular reflective supervision.
    pub above_safe_and_without_regular: Option<PublishedRisk>,
}

/// Where a group stands at `start`, by its employer's regular gap.
fn standing(facts: &Facts, start: NaiveDate, g: &RiskGroup) -> Standing {
    supervision_standing::standing(
        start,
        supervision_standing::Facts {
            regular_days: facts.regular_of(g.employer),
            joined: g.joined,
            last_reflective: g.last_reflective,
            recorded: g.supervision_recorded,
        },
    )
}

/// "28 days", or "28 days, or the employer's own" when an employer sets its own.
fn gap_text(facts: &Facts) -> String {
    if facts.regular_overrides.is_empty() {
        format!("{} days", facts.regular_days)
    } else {
        format!("{} days, or the employer's own", facts.regular_days)
    }
}

/// The method line the release carries about supervision.
pub(super) fn method_line(facts: &Facts) -> String {
    format!(
        "Regular supervision: a reflective supervision (or one both reflective and case management) that took place within {} on or before the period's start. Members with no supervision record (held, cancelled or postponed) in the {} days before the start, and members who joined within the gap and have had none yet, are counted in neither group; a cancelled or postponed session is a record but not supervision.",
        gap_text(facts),
        facts.lookback_days
    )
}

/// The two supervision tables and their findings.
pub(super) fn supervision(
    facts: &Facts,
    groups: &[RiskGroup],
    out: &mut Sections,
) -> SupervisionFigures {
    let rules = facts.rules;
    let start = facts.period.from;
    let count = |keep: &dyn Fn(&RiskGroup, Standing) -> bool| -> Published {
        rules.publish(
            groups
                .iter()
                .filter(|g| keep(g, standing(facts, start, g)))
                .map(|g| Cell::new(g.n, g.key_sum))
                .sum(),
        )
    };
    let line = |label: String, members: Published, cells: Vec<String>| -> Option<Row> {
        rules
            .usable(members)
            .is_some_and(|n| n >= facts.min_group)
            .then_some(Row { label, cells })
    };
    let gap = gap_text(facts);

    // Who was supervised at the start.
    let regular = count(&|_, s| s == Standing::Regular);
    let without = count(&|_, s| s == Standing::Overdue);
    let counted = count(&|_, s| s.counted());
    let not_yet = count(&|_, s| s == Standing::NotYetDue);
    let not_recorded = count(&|_, s| s == Standing::NotRecorded);
    let share_without = rules.share(without, counted);
    let dash = || "—".to_string();
    out.tables.push(Table {
        title: "Reflective supervision at the start of the period".into(),
        columns: vec!["Members".into(), "Share".into()],
        rows: [
            Some(Row {
                label: format!("With regular reflective supervision (within {gap})"),
                cells: vec![
                    rules.text(regular),
                    percent_text(rules.share(regular, counted)),
                ],
            }),
            Some(Row {
                label: "Without regular reflective supervision".into(),
                cells: vec![rules.text(without), percent_text(share_without)],
            }),
            Some(Row {
                label: "All with supervision recorded".into(),
                cells: vec![rules.text(counted), dash()],
            }),
            line(
                "Joined within the gap, none due yet (not counted)".into(),
                not_yet,
                vec![rules.text(not_yet), dash()],
            ),
            line(
                format!(
                    "No supervision recorded in the {} days before (not counted)",
                    facts.lookback_days
                ),
                not_recorded,
                vec![rules.text(not_recorded), dash()],
            ),
        ]
        .into_iter()
        .flatten()
        .collect(),
        note: Some(format!(
            "Members in membership on {start}. Shares are of the members with supervision recorded, from the counts shown. A line of fewer than {} members is not shown.",
            facts.min_group
        )),
    });
    if let Some(share) = share_without {
        out.findings.push(format!(
            "{share}% of members with supervision recorded had had no reflective supervision within {gap} when the period began."
        ));
    }

    // New disciplinary or ill-health cases among those without one open at the start.
    let at_risk = |g: &RiskGroup| !(g.disciplinary_open || g.ill_health_open);
    let new_case = |g: &RiskGroup| g.disciplinary_new || g.ill_health_new;
    let above = |g: &RiskGroup| above_safe(g, facts.threshold_of(g.employer));
    let pair = |keep: &dyn Fn(&RiskGroup, Standing) -> bool| -> (Published, Published) {
        (
            count(&|g, s| at_risk(g) && keep(g, s)),
            count(&|g, s| at_risk(g) && new_case(g) && keep(g, s)),
        )
    };
    let without_pair = pair(&|_, s| s == Standing::Overdue);
    let with_pair = pair(&|_, s| s == Standing::Regular);
    let both_pair = pair(&|g, s| s == Standing::Overdue && above(g) == Some(true));
    let neither_pair = pair(&|g, s| s == Standing::Regular && above(g) == Some(false));
    let uncounted_pair = pair(&|_, s| !s.counted());
    let risk = |exposed: (Published, Published), unexposed: (Published, Published)| {
        usable_table(rules, [exposed.1, exposed.0, unexposed.1, unexposed.0])
            .and_then(stats::relative_risk)
            .map(PublishedRisk::from)
    };
    let without_regular = risk(without_pair, with_pair);
    let combined = risk(both_pair, neither_pair);
    let cells = |(members, cases): (Published, Published)| {
        vec![
            rules.text(members),
            rules.text(cases),
            percent_text(rules.share(cases, members)),
        ]
    };
    let k = rules.k;
    let ratio_text = |r: Option<PublishedRisk>, what: &str| match r {
        Some(r) => format!(
            "{what}: relative risk {} (95% confidence interval {} to {}, log method), from the counts shown.",
            r.ratio, r.lower, r.upper
        ),
        None => format!(
            "{what}: relative risk not shown; it needs at least {k} members and {k} new cases in each group."
        ),
    };
    out.tables.push(Table {
        title: "New disciplinary or ill-health cases by supervision at the start of the period"
            .into(),
        columns: vec!["Members".into(), "With a new case".into(), "Risk".into()],
        rows: [
            Some(Row {
                label: "Without regular reflective supervision".into(),
                cells: cells(without_pair),
            }),
            Some(Row {
                label: format!("With regular reflective supervision (within {gap})"),
                cells: cells(with_pair),
            }),
            Some(Row {
                label: "Above the safe caseload and without regular reflective supervision"
                    .into(),
                cells: cells(both_pair),
            }),
            Some(Row {
                label: "At or below the safe caseload and with regular reflective supervision"
                    .into(),
                cells: cells(neither_pair),
            }),
            line(
                "Supervision not recorded, or joined within the gap (not counted)".into(),
                uncounted_pair.0,
                cells(uncounted_pair),
            ),
        ]
        .into_iter()
        .flatten()
        .collect(),
        note: Some(format!(
            "{} {} Members in membership at the start without a disciplinary or ill-health case already open; caseload from their latest workload record in the {} days before it. A line of fewer than {} members is not shown.",
            ratio_text(without_regular, "Without against with regular supervision"),
            ratio_text(
                combined,
                "Above the safe caseload and without regular supervision, against at or below it and with regular supervision"
            ),
            facts.lookback_days,
            facts.min_group
        )),
    });
    let strength = |r: &PublishedRisk| {
        if r.lower.value() > 1.0 {
            ""
        } else {
            " (the interval includes no difference)"
        }
    };
    if let Some(r) = without_regular {
        out.findings.push(format!(
            "Members without regular reflective supervision were {} times as likely to face a new disciplinary or ill-health case as those with it (95% CI {} to {}){}.",
            r.ratio, r.lower, r.upper, strength(&r)
        ));
    }
    if let Some(r) = combined {
        out.findings.push(format!(
            "Members both above the safe caseload and without regular reflective supervision were {} times as likely to face one as those at or below it with regular supervision (95% CI {} to {}){}.",
            r.ratio, r.lower, r.upper, strength(&r)
        ));
    }
    SupervisionFigures {
        share_without_regular: share_without,
        without_regular,
        above_safe_and_without_regular: combined,
    }
}
