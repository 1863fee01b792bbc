//! Disclosure control and the statistics, as properties and against hand-worked examples.

use caseload::reports::disclosure::{self, Shown};
use caseload::reports::stats::{self, TwoByTwo};
use proptest::prelude::*;

fn matrix() -> impl Strategy<Value = (Vec<Vec<i64>>, i64)> {
    (1usize..6, 1usize..5, 2i64..11).prop_flat_map(|(rows, columns, k)| {
        (
            proptest::collection::vec(proptest::collection::vec(0i64..25, columns), rows),
            Just(k),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn no_count_from_1_to_k_minus_1_is_ever_shown((counts, k) in matrix()) {
        let p = disclosure::protect(&counts, k);
        let shown = p.cells.iter().flatten().chain(&p.row_totals).chain(&p.column_totals).chain(std::iter::once(&p.grand_total));
        for cell in shown {
            if let Shown::Count(n) = cell {
                prop_assert!(*n == 0 || *n >= k, "{n} shown with k = {k}");
            }
        }
    }

    #[test]
    fn shown_counts_are_the_true_counts((counts, k) in matrix()) {
        let p = disclosure::protect(&counts, k);
        for (r, row) in counts.iter().enumerate() {
            for (c, n) in row.iter().enumerate() {
                if let Shown::Count(shown) = p.cells[r][c] {
                    prop_assert_eq!(shown, *n);
                }
            }
        }
    }

    /// A hidden cell cannot be worked out from a shown total: no row or column with a shown
    /// total has exactly one hidden cell, and the totals themselves obey the same rule.
    #[test]
    fn no_suppressed_cell_can_be_recovered_from_totals((counts, k) in matrix()) {
        let p = disclosure::protect(&counts, k);
        for (r, row) in p.cells.iter().enumerate() {
            let hidden = row.iter().filter(|c| c.is_suppressed()).count();
            prop_assert!(p.row_totals[r].is_suppressed() || hidden != 1, "row {r} of {counts:?} → {p:?}");
        }
        for c in 0..p.column_totals.len() {
            let hidden = p.cells.iter().filter(|row| row[c].is_suppressed()).count();
            prop_assert!(p.column_totals[c].is_suppressed() || hidden != 1, "column {c} of {counts:?} → {p:?}");
        }
        if !p.grand_total.is_suppressed() {
            prop_assert!(p.row_totals.iter().filter(|t| t.is_suppressed()).count() != 1);
            prop_assert!(p.column_totals.iter().filter(|t| t.is_suppressed()).count() != 1);
        }
    }

    #[test]
    fn no_percentage_rests_on_a_number_under_k(numerator in 0i64..40, extra in 0i64..40, k in 2i64..11) {
        let denominator = numerator + extra;
        match disclosure::percent(numerator, denominator, k) {
            Some(_) => prop_assert!(numerator >= k && denominator >= k),
            None => prop_assert!(numerator < k || denominator < k),
        }
    }
}

#[test]
fn small_counts_read_as_under_k() {
    assert_eq!(disclosure::count(3, 5).text(5), "<5");
    assert_eq!(disclosure::count(0, 5).text(5), "0");
    assert_eq!(disclosure::count(5, 5).text(5), "5");
    // Row [3, 10] with its total shown: 3 is hidden, so 10 must be hidden too.
    let p = disclosure::protect(&[vec![3, 10]], 5);
    assert_eq!(p.cells[0], vec![Shown::Suppressed, Shown::Suppressed]);
    assert_eq!(p.row_totals[0], Shown::Count(13));
}

#[test]
fn the_relative_risk_matches_a_hand_calculation() {
    // 30 of 100 above the threshold had a case; 20 of 200 at or below.
    // RR = 0.30 / 0.10 = 3.0; SE(ln RR) = √(1/30 − 1/100 + 1/20 − 1/200) = 0.26141;
    // 95% CI = exp(ln 3 ± 1.96 × 0.26141) = 1.797 to 5.008.
    let r = stats::relative_risk(TwoByTwo {
        exposed_cases: 30,
        exposed_total: 100,
        unexposed_cases: 20,
        unexposed_total: 200,
    })
    .unwrap();
    assert!((r.ratio - 3.0).abs() < 1e-9);
    assert!((r.lower - 1.797).abs() < 0.001, "{}", r.lower);
    assert!((r.upper - 5.008).abs() < 0.001, "{}", r.upper);
    assert!(
        stats::relative_risk(TwoByTwo {
            exposed_cases: 0,
            exposed_total: 10,
            unexposed_cases: 2,
            unexposed_total: 10
        })
        .is_none()
    );
}

#[test]
fn percentiles_come_from_the_histogram_by_nearest_rank() {
    let histogram = [(100, 1), (150, 1), (200, 1)];
    assert_eq!(stats::median(&histogram), Some(15.0));
    assert_eq!(stats::p90(&histogram), Some(20.0));
    assert_eq!(stats::median(&[(120, 4), (180, 1)]), Some(12.0));
    assert_eq!(stats::median(&[]), None);
}
