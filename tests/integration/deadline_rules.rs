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
