//! The statistics behind the evidence, against hand-worked examples.

use caseload::reports::stats::{self, TwoByTwo, TwoPlaces};

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
    let published = stats::PublishedRisk::from(r);
    assert_eq!(
        (
            published.ratio.to_string(),
            published.lower.to_string(),
            published.upper.to_string()
        ),
        ("3.00".to_owned(), "1.80".to_owned(), "5.01".to_owned())
    );
    assert_eq!(
        serde_json::to_string(&published).unwrap(),
        r#"{"ratio":3.0,"lower":1.8,"upper":5.01}"#,
        "no more precision in JSON than on the page"
    );
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
fn two_places_print_and_serialise_as_two_places() {
    for value in [2.7348118562118984, 0.005, 1.0, 12.345, 0.1 + 0.2] {
        let fixed = TwoPlaces::round(value);
        let text = serde_json::to_string(&fixed).unwrap();
        let decimals = text.split('.').nth(1).map_or(0, str::len);
        assert!(decimals <= 2, "{value} serialised as {text}");
        assert_eq!(format!("{fixed}").split('.').nth(1).unwrap().len(), 2);
    }
}

#[test]
fn percentiles_come_from_the_histogram_by_nearest_rank() {
    let histogram = [(100, 1), (150, 1), (200, 1)];
    assert_eq!(stats::median(&histogram), Some(15.0));
    assert_eq!(stats::p90(&histogram), Some(20.0));
    assert_eq!(stats::median(&[(120, 4), (180, 1)]), Some(12.0));
    assert_eq!(stats::median(&[]), None);
}

#[test]
fn a_percentile_is_published_only_with_k_above_and_k_at_or_below() {
    // Nine members: the median has 5 at or below and 4 above, so with k = 5 it is not shown.
    let nine: Vec<(i64, i64)> = (0..9).map(|i| (100 + i * 10, 1)).collect();
    assert_eq!(stats::disclosed_quantile(&nine, 0.5, 5), None);
    let ten: Vec<(i64, i64)> = (0..10).map(|i| (100 + i * 10, 1)).collect();
    assert_eq!(stats::disclosed_quantile(&ten, 0.5, 5), Some(14));
    // A 90th percentile needs 10k members: 49 are not enough, 50 are.
    let members = |n: i64| -> Vec<(i64, i64)> { (0..n).map(|i| (100 + i, 1)).collect() };
    assert_eq!(stats::disclosed_quantile(&members(49), 0.9, 5), None);
    assert!(stats::disclosed_quantile(&members(50), 0.9, 5).is_some());
    // Ties at the value count at or below it: nobody above means nothing shown.
    assert_eq!(stats::disclosed_quantile(&[(150, 40)], 0.9, 5), None);
}
