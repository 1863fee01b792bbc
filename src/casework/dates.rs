//! Deadline arithmetic: the employment-tribunal limitation date and appeal windows in working
//! days, with the shipped list of bank holidays for England and Wales.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};
use serde::Serialize;

/// `data/bank-holidays-england-and-wales.txt`, embedded: one ISO date and a name per line.
const BANK_HOLIDAYS_TEXT: &str = include_str!("../../data/bank-holidays-england-and-wales.txt");

static BANK_HOLIDAYS: LazyLock<BTreeSet<NaiveDate>> = LazyLock::new(|| {
    BANK_HOLIDAYS_TEXT
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .filter_map(|line| line.split_whitespace().next()?.parse().ok())
        .collect()
});

/// The years the shipped list covers; an appeal window beyond them cannot be computed.
pub fn bank_holiday_years() -> (i32, i32) {
    let first = BANK_HOLIDAYS.first().map_or(0, |d| d.year());
    let last = BANK_HOLIDAYS.last().map_or(0, |d| d.year());
    (first, last)
}

pub fn is_bank_holiday(date: NaiveDate) -> bool {
    BANK_HOLIDAYS.contains(&date)
}

pub(crate) fn is_working_day(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !is_bank_holiday(date)
}

/// The last day to present a tribunal claim: three months less one day from the act (or the
/// effective date of termination), i.e. the day before the date with the same number three
/// months on. Where that month has no such date, the period ends on its last day.
///
/// - 2026-03-10 → 2026-06-09
/// - 2026-05-31 → 2026-08-30 (31 August exists)
/// - 2026-08-31 → 2026-11-30 (no 31 November: the last day of November)
/// - 2027-11-30 → 2028-02-29 (no 30 February; 2028 is a leap year)
/// - 2026-11-29 → 2027-02-28 (no 29 February in 2027)
/// - 2027-11-29 → 2028-02-28 (29 February 2028 exists: the day before it)
pub fn tribunal_limitation(act: NaiveDate) -> Option<NaiveDate> {
    let later = act.checked_add_months(Months::new(3))?;
    if later.day() == act.day() {
        later.checked_sub_days(Days::new(1))
    } else {
        // checked_add_months clamped to the month's last day: there is no corresponding date.
        Some(later)
    }
}

/// A tribunal limitation date after ACAS early conciliation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conciliation {
    /// Extended (or not, when the rules leave it where it was) to this date.
    Limit(NaiveDate),
    /// Conciliation began after the limit had passed: it extends nothing.
    TooLate,
}

/// The limitation date `limit` (as it would be without conciliation) once ACAS early
/// conciliation from Day A (the request to ACAS) to Day B (the certificate) is allowed for, as
/// the Employment Rights Act 1996 s.207B says: (3) the days from the day after Day A to Day B
/// are not counted, so the limit moves on by Day B − Day A days; then (4) a limit that would
/// expire between Day A and one month after Day B expires instead one month after Day B
/// (the same day of the next month, or its last day where it has none). Conciliation begun
/// after the limit extends nothing. `None` when Day B is before Day A.
///
/// - limit 2026-04-14, Day A 2026-03-01, Day B 2026-03-15 → 2026-04-28 (14 days on; after
///   15 April, one month after Day B)
/// - limit 2026-04-09, Day A 2026-04-02, Day B 2026-04-06 → 2026-05-06 (13 April would fall
///   within a month of Day B: one month after it)
/// - limit 2027-02-10, Day A 2027-01-20, Day B 2027-01-31 → 2027-02-28 (no 31 February)
/// - limit 2026-04-09, Day A 2026-04-10 → too late
pub fn with_conciliation(
    limit: NaiveDate,
    day_a: NaiveDate,
    day_b: NaiveDate,
) -> Option<Conciliation> {
    if day_b < day_a {
        return None;
    }
    if day_a > limit {
        return Some(Conciliation::TooLate);
    }
    let stopped = limit.checked_add_signed(day_b - day_a)?;
    let month_after_b = day_b.checked_add_months(Months::new(1))?;
    Some(Conciliation::Limit(if stopped <= month_after_b {
        month_after_b
    } else {
        stopped
    }))
}

/// The end of an appeal window: `working_days` working days after `from` (the outcome date),
/// skipping weekends and bank holidays. `None` beyond the shipped bank-holiday list.
pub fn appeal_deadline(from: NaiveDate, working_days: u32) -> Option<NaiveDate> {
    let (_, last_year) = bank_holiday_years();
    let mut date = from;
    let mut counted = 0;
    while counted < working_days {
        date = date.succ_opt()?;
        if date.year() > last_year {
            return None;
        }
        if is_working_day(date) {
            counted += 1;
        }
    }
    Some(date)
}

/// How urgent an open deadline is on `today`: warnings at 28, 14 and 7 days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    Overdue,
    Within7,
    Within14,
    Within28,
    Later,
}

pub fn urgency(due: NaiveDate, today: NaiveDate) -> Urgency {
    match (due - today).num_days() {
        d if d < 0 => Urgency::Overdue,
        0..=7 => Urgency::Within7,
        8..=14 => Urgency::Within14,
        15..=28 => Urgency::Within28,
        _ => Urgency::Later,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn early_conciliation_stops_the_clock_then_gives_a_month_after_the_certificate() {
        let d = |t: &str| t.parse::<NaiveDate>().unwrap();
        let limit = |l: &str, a: &str, b: &str| with_conciliation(d(l), d(a), d(b));
        // (3) alone: the stopped clock ends after the month following Day B.
        assert_eq!(
            limit("2026-04-14", "2026-03-01", "2026-03-15"),
            Some(Conciliation::Limit(d("2026-04-28")))
        );
        // (4): the stopped clock would end within a month of Day B: a month after Day B.
        assert_eq!(
            limit("2026-04-09", "2026-04-02", "2026-04-06"),
            Some(Conciliation::Limit(d("2026-05-06")))
        );
        // Month ends: no 31 February, no 29 February in 2027; 29 February 2028 exists.
        assert_eq!(
            limit("2027-02-10", "2027-01-20", "2027-01-31"),
            Some(Conciliation::Limit(d("2027-02-28")))
        );
        assert_eq!(
            limit("2028-02-10", "2028-01-20", "2028-01-29"),
            Some(Conciliation::Limit(d("2028-02-29")))
        );
        // Begun on the last day of the limit: it counts; the day after: too late.
        assert_eq!(
            limit("2026-04-09", "2026-04-09", "2026-04-09"),
            Some(Conciliation::Limit(d("2026-05-09")))
        );
        assert_eq!(
            limit("2026-04-09", "2026-04-10", "2026-04-20"),
            Some(Conciliation::TooLate)
        );
        // Conciliation early in a long limit: the 44 stopped days alone move it.
        assert_eq!(
            limit("2026-09-30", "2026-06-01", "2026-07-15"),
            Some(Conciliation::Limit(d("2026-11-13")))
        );
        // A long conciliation near the limit: a month after the certificate.
        assert_eq!(
            limit("2026-06-30", "2026-06-01", "2026-07-15"),
            Some(Conciliation::Limit(d("2026-08-15")))
        );
        assert_eq!(limit("2026-06-30", "2026-06-10", "2026-06-01"), None);
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn weekends_and_bank_holidays_are_not_working_days() {
        assert!(!is_working_day(day(2026, 12, 5)), "a Saturday");
        assert!(!is_working_day(day(2026, 12, 25)), "Christmas Day");
        assert!(is_working_day(day(2026, 12, 2)), "a Wednesday");
    }

    #[test]
    fn the_tribunal_limit_is_three_months_less_a_day() {
        assert_eq!(tribunal_limitation(day(2026, 3, 10)), Some(day(2026, 6, 9)));
        // No 31 November: the last day of November.
        assert_eq!(
            tribunal_limitation(day(2026, 8, 31)),
            Some(day(2026, 11, 30))
        );
    }
}
