//! The relative risks of a new disciplinary or ill-health case for members above the safe
//! caseload against those at or below it: one table per outcome, crude and stratified by
//! employer, from published counts only.

use super::{RiskSummary, Row, Table, label_cell};
use crate::reports::disclosure::{Cell, Disclosure, Published, percent_text};
use crate::reports::queries::{JOINED_DISCIPLINARY, JOINED_ILL_HEALTH, LabelCount, RiskGroup};
use crate::reports::stats::{self, PublishedRisk, TwoByTwo};

struct RiskOutcome {
    key: &'static str,
    label: &'static str,
    open: fn(&RiskGroup) -> bool,
    new: fn(&RiskGroup) -> bool,
    /// The bits of a joiner's cases that are this outcome.
    joined: i64,
}

const OUTCOMES: [RiskOutcome; 3] = [
    RiskOutcome {
        key: "disciplinary",
        label: "disciplinary",
        open: |g| g.disciplinary_open,
        new: |g| g.disciplinary_new,
        joined: JOINED_DISCIPLINARY,
    },
    RiskOutcome {
        key: "ill_health",
        label: "ill-health",
        open: |g| g.ill_health_open,
        new: |g| g.ill_health_new,
        joined: JOINED_ILL_HEALTH,
    },
    RiskOutcome {
        key: "disciplinary_or_ill_health",
        label: "disciplinary or ill-health",
        open: |g| g.disciplinary_open || g.ill_health_open,
        new: |g| g.disciplinary_new || g.ill_health_new,
        joined: JOINED_DISCIPLINARY | JOINED_ILL_HEALTH,
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
pub(super) fn usable_table(rules: Disclosure, cells: [Published; 4]) -> Option<TwoByTwo> {
    let [a, n1, c, n0] = cells.map(|p| rules.usable(p));
    Some(TwoByTwo {
        exposed_cases: a?,
        exposed_total: n1?,
        unexposed_cases: c?,
        unexposed_total: n0?,
    })
}

/// A stratum's 2×2 table from its perturbed counts, whatever their size, for pooling only.
fn pooled_table(rules: Disclosure, cells: [Published; 4]) -> TwoByTwo {
    let [a, n1, c, n0] = cells.map(|p| rules.pooled(p));
    TwoByTwo {
        exposed_cases: a,
        exposed_total: n1,
        unexposed_cases: c,
        unexposed_total: n0,
    }
}

/// Whether a group's exposure record is above `threshold` open cases per FTE; `None` without
/// one.
pub(super) fn above_safe(g: &RiskGroup, threshold: f64) -> Option<bool> {
    match (g.open_cases, g.fte) {
        (Some(open), Some(fte)) if fte > 0.0 => Some(open as f64 / fte > threshold),
        _ => None,
    }
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
    /// The fewest members a line beside the risk needs to be shown.
    pub min_group: i64,
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
        match above_safe(g, (self.threshold_of)(g.employer)) {
            Some(true) => Exposure::Above,
            Some(false) => Exposure::AtOrBelow,
            None => Exposure::Unknown,
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
        // Mantel–Haenszel copes with sparse strata, so every employer's stratum is pooled, from
        // its perturbed counts (small ones too: only the pooled estimate is published, and only
        // beside a crude table whose counts are all shown). Crude and stratified then cover the
        // same members, and the sentence comparing them compares like with like.
        let strata: Vec<TwoByTwo> = employers
            .iter()
            .map(|e| pooled_table(rules, self.cells(outcome, Some(*e))))
            .filter(|t| t.exposed_total > 0 && t.unexposed_total > 0)
            .collect();
        let stratified = (crude.is_some() && strata.len() >= 2)
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
            .filter(|j| j.key & outcome.joined != 0)
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
            rows: [
                Some(row(
                    format!("Above the safe caseload ({threshold})"),
                    crude_cells[1],
                    crude_cells[0],
                )),
                Some(row(
                    "At or below the safe caseload".into(),
                    crude_cells[3],
                    crude_cells[2],
                )),
                self.line(
                    format!(
                        "Exposure unknown (no workload record in the {lookback_days} days before)"
                    ),
                    self.count(outcome, Exposure::Unknown, None, false),
                    self.count(outcome, Exposure::Unknown, None, true),
                    &row,
                ),
                self.line(
                    "Joined during the period (not in the risk)".into(),
                    rules.publish(joined),
                    rules.publish(joined_with_case),
                    &row,
                ),
            ]
            .into_iter()
            .flatten()
            .collect(),
            note: Some(self.note(outcome, crude, stratified, strata.len())),
        };
        let summary = RiskSummary {
            outcome: outcome.key.into(),
            crude,
            stratified,
            strata_used: strata.len(),
            within_employers: within_employers(crude, stratified),
        };
        (table, summary)
    }

    /// A line of members beside the risk, shown only when it has at least the minimum group
    /// of members (published).
    fn line(
        &self,
        label: String,
        members: Published,
        cases: Published,
        row: &dyn Fn(String, Published, Published) -> Row,
    ) -> Option<Row> {
        self.rules
            .usable(members)
            .is_some_and(|n| n >= self.min_group)
            .then(|| row(label, members, cases))
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
                " Stratified by employer (Mantel–Haenszel over all {strata} employers with members in both groups): {} (95% CI {} to {}).",
                s.ratio, s.lower, s.upper
            )),
            None => note.push_str(
                " Not stratified by employer: that needs the crude risk and at least two employers with members in both groups.",
            ),
        }
        note.push_str(&format!(
            " Members in membership at the start without a {} case already open; exposure from their latest workload record in the {} days before it, with the FTE and employer of that record.",
            outcome.label, self.lookback_days
        ));
        note.push_str(&format!(
            " A line of fewer than {} members beside the risk is not shown.",
            self.min_group
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
