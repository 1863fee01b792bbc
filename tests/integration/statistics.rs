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

#[test]
fn the_mantel_haenszel_risk_matches_a_hand_calculation() {
    // Stratum 1: 10 of 50 exposed and 5 of 50 unexposed had a case (N = 100).
    // Stratum 2: 20 of 40 exposed and 15 of 60 unexposed (N = 100).
    // R = Σ a·n0/N = 10·50/100 + 20·60/100 = 5 + 12 = 17
    // S = Σ c·n1/N = 5·50/100 + 15·40/100 = 2.5 + 6 = 8.5;  RR_MH = 17 / 8.5 = 2.0
    // Greenland–Robins: Σ (n1·n0·(a+c) − a·c·N)/N² = (50·50·15 − 10·5·100)/100²
    //   + (40·60·35 − 20·15·100)/100² = 3.25 + 5.4 = 8.65
    // Var(ln RR) = 8.65 / (17 · 8.5) = 0.059862; SE = 0.244667
    // 95% CI = exp(ln 2 ± 1.96 · 0.244667) = exp(0.213594) to exp(1.172700) = 1.2381 to 3.2307
    let r = stats::mantel_haenszel(&[
        TwoByTwo {
            exposed_cases: 10,
            exposed_total: 50,
            unexposed_cases: 5,
            unexposed_total: 50,
        },
        TwoByTwo {
            exposed_cases: 20,
            exposed_total: 40,
            unexposed_cases: 15,
            unexposed_total: 60,
        },
    ])
    .unwrap();
    assert!((r.ratio - 2.0).abs() < 1e-9, "{}", r.ratio);
    assert!((r.lower - 1.2381).abs() < 0.0005, "{}", r.lower);
    assert!((r.upper - 3.2307).abs() < 0.0005, "{}", r.upper);
    // One stratum is the crude risk.
    let one = TwoByTwo {
        exposed_cases: 30,
        exposed_total: 100,
        unexposed_cases: 20,
        unexposed_total: 200,
    };
    let crude = stats::relative_risk(one).unwrap();
    let pooled = stats::mantel_haenszel(&[one]).unwrap();
    assert!((crude.ratio - pooled.ratio).abs() < 1e-9);
}
