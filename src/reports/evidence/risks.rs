//! The relative risks of a new disciplinary or ill-health case for members above the safe
//! caseload against those at or below it: one table per outcome, crude and stratified by
//! employer, from published counts only.

use super::{RiskSummary, Row, Table, label_cell};
use crate::reports::disclosure::{Cell, Disclosure, Published, percent_text};
use crate::reports::queries::{LabelCount, RiskGroup};
use crate::reports::stats::{self, PublishedRisk, TwoByTwo};

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
        open: |g| g.disciplinary_open,
        new: |g| g.disciplinary_new,
    },
    RiskOutcome {
        key: "ill_health",
        label: "ill-health",
        open: |g| g.ill_health_open,
        new: |g| g.ill_health_new,
    },
    RiskOutcome {
        key: "disciplinary_or_ill_health",
        label: "disciplinary or ill-health",
        open: |g| g.disciplinary_open || g.ill_health_open,
        new: |g| g.disciplinary_new || g.ill_health_new,
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

/// What the risk tables are made from.
pub(super) struct Risks<'a> {
    pub rules: Disclosure,
    pub groups: &'a [RiskGroup],
    pub joiners: &'a [LabelCount],
    pub threshold_of: &'a dyn Fn(i64) -> f64,
    pub safe: f64,
    /// Whether any employer sets its own safe caseload.
    pub overrides: bool,
    pub lookback_days: i64,
}

impl Risks<'_> {
    /// One table per outcome, and its risks.
    pub(crate) fn tables(&self) -> Vec<(Table, RiskSummary)> {
        let mut employers: Vec<i64> = self.groups.iter().map(|g| g.employer).collect();
        employers.sort_unstable();
        employers.dedup();
        OUTCOMES
            .iter()
            .map(|outcome| self.outcome(outcome, &employers))
            .collect()
    }

    fn exposure(&self, g: &RiskGroup) -> Exposure {
        match (g.open_cases, g.fte) {
            (Some(open), Some(fte)) if fte > 0.0 => {
                if open as f64 / fte > (self.threshold_of)(g.employer) {
                    Exposure::Above
                } else {
                    Exposure::AtOrBelow
                }
            }
            _ => Exposure::Unknown,
        }
    }

    /// Members at risk of `outcome` (none already open) in an exposure class, of one employer
    /// or all, and only those with a new case when `cases`.
    fn count(
        &self,
        outcome: &RiskOutcome,
        class: Exposure,
        employer: Option<i64>,
        cases: bool,
    ) -> Published {
        self.rules.publish(
            self.groups
                .iter()
                .filter(|g| !(outcome.open)(g))
                .filter(|g| self.exposure(g) == class)
                .filter(|g| employer.is_none_or(|e| g.employer == e))
                .filter(|g| !cases || (outcome.new)(g))
                .map(|g| Cell::new(g.n, g.key_sum))
                .sum(),
        )
    }

    /// Cases and members above, then at or below, the safe caseload.
    fn cells(&self, outcome: &RiskOutcome, employer: Option<i64>) -> [Published; 4] {
        [
            self.count(outcome, Exposure::Above, employer, true),
            self.count(outcome, Exposure::Above, employer, false),
            self.count(outcome, Exposure::AtOrBelow, employer, true),
            self.count(outcome, Exposure::AtOrBelow, employer, false),
        ]
    }

    fn outcome(&self, outcome: &RiskOutcome, employers: &[i64]) -> (Table, RiskSummary) {
        let rules = self.rules;
        let crude_cells = self.cells(outcome, None);
        let crude = usable_table(rules, crude_cells)
            .and_then(stats::relative_risk)
            .map(PublishedRisk::from);
        let strata: Vec<TwoByTwo> = employers
            .iter()
            .filter_map(|e| usable_table(rules, self.cells(outcome, Some(*e))))
            .collect();
        let stratified = (strata.len() >= 2)
            .then(|| stats::mantel_haenszel(&strata))
            .flatten()
            .map(PublishedRisk::from);
        let row = |label: String, members: Published, cases: Published| Row {
            label,
            cells: vec![
                rules.text(members),
                rules.text(cases),
                percent_text(rules.share(cases, members)),
            ],
        };
        let joined: Cell = self.joiners.iter().map(label_cell).sum();
        let joined_with_case: Cell = self
            .joiners
            .iter()
            .filter(|j| j.key == 1)
            .map(label_cell)
            .sum();
        let threshold = if self.overrides {
            format!("{} per FTE, or the employer's own", self.safe)
        } else {
            format!("{} per FTE", self.safe)
        };
        let lookback_days = self.lookback_days;
        let table = Table {
            title: format!(
                "New {} cases by caseload at the start of the period",
                outcome.label
            ),
            columns: vec!["Members".into(), "With a new case".into(), "Risk".into()],
            rows: vec![
                row(
                    format!("Above the safe caseload ({threshold})"),
                    crude_cells[1],
                    crude_cells[0],
                ),
                row(
                    "At or below the safe caseload".into(),
                    crude_cells[3],
                    crude_cells[2],
                ),
                row(
                    format!(
                        "Exposure unknown (no workload record in the {lookback_days} days before)"
                    ),
                    self.count(outcome, Exposure::Unknown, None, false),
                    self.count(outcome, Exposure::Unknown, None, true),
                ),
                row(
                    "Joined during the period (not in the risk)".into(),
                    rules.publish(joined),
                    rules.publish(joined_with_case),
                ),
            ],
            note: Some(self.note(outcome, crude, stratified, strata.len())),
        };
        let summary = RiskSummary {
            outcome: outcome.key,
            crude,
            stratified,
            strata_used: strata.len(),
            within_employers: within_employers(crude, stratified),
        };
        (table, summary)
    }

    /// How the table's risks were made, or why they are not shown.
    fn note(
        &self,
        outcome: &RiskOutcome,
        crude: Option<PublishedRisk>,
        stratified: Option<PublishedRisk>,
        strata: usize,
    ) -> String {
        let k = self.rules.k;
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
                " Stratified by employer (Mantel–Haenszel, {strata} employers with every count at least {k}): {} (95% CI {} to {}).",
                s.ratio, s.lower, s.upper
            )),
            None => note.push_str(&format!(
                " Not stratified by employer: that needs at least two employers with every count at least {k}."
            )),
        }
        note.push_str(&format!(
            " Members in membership at the start without a {} case already open; exposure from their latest workload record in the {} days before it, with the FTE and employer of that record.",
            outcome.label, self.lookback_days
        ));
        note
    }
}

/// Whether the association holds within employers, in a sentence.
fn within_employers(
    crude: Option<PublishedRisk>,
    stratified: Option<PublishedRisk>,
) -> Option<String> {
    let (c, s) = (crude?, stratified?);
    Some(if s.lower.value() > 1.0 {
        format!(
            "Within employers the association holds: the risk stratified by employer is {} (95% CI {} to {}) against {} overall.",
            s.ratio, s.lower, s.upper, c.ratio
        )
    } else {
        format!(
            "Within employers the association is not clear: stratified by employer the risk is {} (95% CI {} to {}) against {} overall, so differences between employers may explain some of it.",
            s.ratio, s.lower, s.upper, c.ratio
        )
    })
}
