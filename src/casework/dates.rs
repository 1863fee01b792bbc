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
