//! Deadline arithmetic against hand-worked examples.

use caseload::casework::dates::{
    Urgency, appeal_deadline, bank_holiday_years, is_bank_holiday, tribunal_limitation, urgency,
};
use chrono::NaiveDate;

fn d(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

#[test]
fn the_tribunal_limitation_date_is_three_months_less_a_day() {
    for (act, limit) in [
        ("2026-03-10", "2026-06-09"),
        ("2026-05-31", "2026-08-30"),
        ("2026-08-31", "2026-11-30"),
        ("2027-11-30", "2028-02-29"),
        ("2026-11-29", "2027-02-28"),
        ("2027-11-29", "2028-02-28"),
        ("2026-12-31", "2027-03-30"),
        ("2026-01-01", "2026-03-31"),
        ("2024-02-29", "2024-05-28"),
    ] {
        assert_eq!(tribunal_limitation(d(act)), Some(d(limit)), "act on {act}");
    }
}

#[test]
fn appeal_windows_skip_weekends_and_bank_holidays() {
    // Friday 18 December 2026: Mon 21, Tue 22, Wed 23, Thu 24; Christmas (Fri 25) and the
    // Boxing Day substitute (Mon 28) are skipped; Tue 29 is the fifth working day.
    assert_eq!(appeal_deadline(d("2026-12-18"), 5), Some(d("2026-12-29")));
    // Thursday 2 April 2026: Good Friday 3 and Easter Monday 6 April are skipped.
    assert_eq!(appeal_deadline(d("2026-04-02"), 1), Some(d("2026-04-07")));
    // A plain week: Monday + 5 working days is the next Monday.
    assert_eq!(appeal_deadline(d("2026-06-08"), 5), Some(d("2026-06-15")));
    // From a Saturday, Monday is the first working day.
    assert_eq!(appeal_deadline(d("2026-06-13"), 1), Some(d("2026-06-15")));
    // Beyond the shipped list the window cannot be computed.
    let (_, last) = bank_holiday_years();
    assert_eq!(
        appeal_deadline(NaiveDate::from_ymd_opt(last, 12, 30).unwrap(), 5),
        None
    );
}

#[test]
fn the_shipped_bank_holidays_match_gov_uk() {
    let (first, last) = bank_holiday_years();
    assert!(first <= 2015 && last >= 2030);
    for holiday in [
        "2026-01-01",
        "2026-04-03",
        "2026-04-06",
        "2026-05-04",
        "2026-05-25",
        "2026-08-31",
        "2026-12-25",
        "2026-12-28",
        "2020-05-08",
        "2022-06-02",
        "2022-06-03",
        "2022-09-19",
        "2023-05-08",
        "2021-12-27",
        "2021-12-28",
    ] {
        assert!(is_bank_holiday(d(holiday)), "{holiday}");
    }
    for ordinary in ["2020-05-04", "2022-05-30", "2026-12-26", "2026-12-24"] {
        assert!(!is_bank_holiday(d(ordinary)), "{ordinary}");
    }
}

#[test]
fn warnings_come_at_28_14_and_7_days() {
    let today = d("2026-06-01");
    assert_eq!(urgency(d("2026-05-31"), today), Urgency::Overdue);
    assert_eq!(urgency(d("2026-06-01"), today), Urgency::Within7);
    assert_eq!(urgency(d("2026-06-08"), today), Urgency::Within7);
    assert_eq!(urgency(d("2026-06-09"), today), Urgency::Within14);
    assert_eq!(urgency(d("2026-06-15"), today), Urgency::Within14);
    assert_eq!(urgency(d("2026-06-29"), today), Urgency::Within28);
    assert_eq!(urgency(d("2026-06-30"), today), Urgency::Later);
}

/// A tribunal deadline under ACAS early conciliation, through the API: computed from the act
/// with Day A and Day B (both branches of s.207B), Day A and Day B added later to a deadline
/// held (counted again from the limit without them, however often), conciliation begun after
/// the limit (kept, and extends nothing), and the refusals, each naming its field.
#[actix_rt::test]
async fn early_conciliation_extends_a_tribunal_deadline_as_the_statute_says() {
    use actix_web::http::Method;
    use serde_json::json;
    let app = crate::common::TestApp::new().await;
    let world = crate::fixtures::World::build(&app);
    let officer = app.token("wgn.officer").await;
    let path = format!("/api/v1/cases/{}/deadlines", world.wigan_case);
    let add = |body: serde_json::Value| {
        let (app, officer, path) = (&app, officer.clone(), path.clone());
        async move {
            app.send_json(Method::POST, &path, Some(&officer), &body)
                .await
        }
    };
    // Dismissed 15 January 2026: limit 14 April. Conciliation 1–15 March stops the clock for
    // 14 days: 28 April, later than a month after Day B (15 April).
    let stopped = add(json!({"kind": "tribunal", "from": "2026-01-15",
        "acas_day_a": "2026-03-01", "acas_day_b": "2026-03-15"}))
    .await;
    assert_eq!(stopped.status, 201, "{}", stopped.text());
    let stopped = stopped.json();
    assert_eq!(stopped["due_on"], "2026-04-28");
    assert_eq!(stopped["unextended_on"], "2026-04-14");
    assert_eq!(stopped["counted_from"], "2026-01-15");
    // Act on 10 January 2026: limit 9 April. Conciliation 2–6 April: 13 April would fall
    // within a month of Day B, so the limit is 6 May.
    let month = add(json!({"kind": "tribunal", "from": "2026-01-10",
        "acas_day_a": "2026-04-02", "acas_day_b": "2026-04-06"}))
    .await
    .json();
    assert_eq!(month["due_on"], "2026-05-06", "{month}");
    // Begun after the limit: kept, extends nothing.
    let late = add(json!({"kind": "tribunal", "from": "2026-01-10",
        "acas_day_a": "2026-04-10", "acas_day_b": "2026-04-20"}))
    .await
    .json();
    assert_eq!(late["due_on"], "2026-04-09", "{late}");
    assert_eq!(late["acas_day_a"], "2026-04-10");
    // Added later, twice: counted from the limit without conciliation each time.
    let held = add(json!({"kind": "tribunal", "from": "2026-01-15"}))
        .await
        .json();
    assert_eq!(held["due_on"], "2026-04-14");
    let id = held["id"].as_i64().unwrap();
    for _ in 0..2 {
        let changed = app
            .send_json(
                Method::PATCH,
                &format!("/api/v1/deadlines/{id}"),
                Some(&officer),
                &json!({"acas_day_a": "2026-03-01", "acas_day_b": "2026-03-15"}),
            )
            .await;
        assert_eq!(changed.status, 200, "{}", changed.text());
        assert_eq!(changed.json()["due_on"], "2026-04-28");
    }
    for (body, field) in [
        (
            json!({"kind": "tribunal", "from": "2026-01-15", "acas_day_a": "2026-03-01"}),
            "acas_day_b",
        ),
        (
            json!({"kind": "tribunal", "from": "2026-01-15", "acas_day_b": "2026-03-01"}),
            "acas_day_a",
        ),
        (
            json!({"kind": "appeal", "from": "2026-01-15",
            "acas_day_a": "2026-03-01", "acas_day_b": "2026-03-15"}),
            "acas_day_a",
        ),
        (
            json!({"kind": "tribunal", "from": "2026-01-15",
            "acas_day_a": "2026-03-15", "acas_day_b": "2026-03-01"}),
            "acas_day_b",
        ),
    ] {
        let refused = add(body.clone()).await;
        assert_eq!(refused.status, 422, "{body}: {}", refused.text());
        assert!(
            refused.json()["error"]["fields"][field].is_string(),
            "{body} names {field}: {}",
            refused.text()
        );
    }
    // The case page says what the date was counted from and how conciliation moved it.
    let session = crate::common::browser_sign_in(&app, "wgn.officer").await;
    let html = crate::common::page(&app, &format!("/cases/{}", world.wigan_case), &session)
        .await
        .text();
    assert!(html.contains("Counted from 2026-01-15."), "{html}");
    assert!(html.contains(
        "Extended by early conciliation (Day A 2026-03-01, Day B 2026-03-15) from 2026-04-14."
    ));
    assert!(html.contains("after the limitation date 2026-04-09: it extends nothing."));
}
