//! Whether a member's reflective supervision is regular on a date: the arithmetic the member
//! page, the dashboard and the evidence share. "Regular" means a reflective supervision (or one
//! that was both reflective and case management) that took place within the setting's number of
//! days on or before the date; the gap is counted in calendar days, so month ends and leap
//! days need no special case.

use chrono::NaiveDate;
use serde::Serialize;

/// A member's supervision on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// A reflective supervision took place within the regular gap.
    Regular,
    /// Supervision is recorded for them, but no reflective supervision within the gap.
    Overdue,
    /// They joined within the gap and have had none yet: not counted either way.
    NotYetDue,
    /// No supervision record in the look-back window: not counted either way.
    NotRecorded,
}

impl Standing {
    /// Whether the member counts in the share supervised (regular or overdue).
    pub fn counted(self) -> bool {
        matches!(self, Standing::Regular | Standing::Overdue)
    }

    pub fn label(self) -> &'static str {
        match self {
            Standing::Regular => "Regular reflective supervision",
            Standing::Overdue => "Without regular reflective supervision",
            Standing::NotYetDue => "Joined recently, none due yet",
            Standing::NotRecorded => "No supervision recorded",
        }
    }
}

/// What a member's standing on a date is worked out from.
#[derive(Debug, Clone, Copy)]
pub struct Facts {
    /// The longest gap in days that counts as regular (the employer's, or the setting).
    pub regular_days: i64,
    /// The member's start date, when known.
    pub joined: Option<NaiveDate>,
    /// Their latest reflective supervision that took place, on or before the date.
    pub last_reflective: Option<NaiveDate>,
    /// Whether any supervision record (held, cancelled or postponed) falls in the look-back
    /// window before the date.
    pub recorded: bool,
}

/// Days from `earlier` to `later`.
pub fn days_between(earlier: NaiveDate, later: NaiveDate) -> i64 {
    (later - earlier).num_days()
}

/// The member's standing on `on`.
pub fn standing(on: NaiveDate, facts: Facts) -> Standing {
    let within = |date: NaiveDate| date <= on && days_between(date, on) <= facts.regular_days;
    if facts.last_reflective.is_some_and(within) {
        Standing::Regular
    } else if facts.joined.is_some_and(within) {
        Standing::NotYetDue
    } else if facts.recorded {
        Standing::Overdue
    } else {
        Standing::NotRecorded
    }
}

/// The gaps in days between consecutive dates (sorted or not), each paired with the later date.
pub fn gaps(dates: &[NaiveDate]) -> Vec<(NaiveDate, i64)> {
    let mut sorted = dates.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    sorted
        .windows(2)
        .map(|pair| (pair[1], days_between(pair[0], pair[1])))
        .collect()
}

/// The median of gaps in days, by the nearest-rank method the dashboard's other medians use.
pub fn median_days(gaps: &[i64]) -> Option<f64> {
    let histogram: Vec<(i64, i64)> = gaps
        .iter()
        .map(|days| (days * super::stats::BUCKETS_PER_UNIT as i64, 1))
        .collect();
    super::stats::median(&histogram)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn last(on: NaiveDate) -> Facts {
        Facts {
            regular_days: 28,
            joined: None,
            last_reflective: Some(on),
            recorded: true,
        }
    }

    #[test]
    fn a_gap_of_exactly_the_setting_is_regular_and_one_day_more_is_not() {
        // 31 January to 28 February is 28 days in a common year...
        assert_eq!(
            standing(day(2027, 2, 28), last(day(2027, 1, 31))),
            Standing::Regular
        );
        assert_eq!(
            standing(day(2027, 3, 1), last(day(2027, 1, 31))),
            Standing::Overdue
        );
        // ...and 29 February comes between them in a leap year.
        assert_eq!(
            standing(day(2028, 2, 28), last(day(2028, 1, 31))),
            Standing::Regular
        );
        assert_eq!(
            standing(day(2028, 2, 29), last(day(2028, 1, 31))),
            Standing::Overdue
        );
        // Across a year end.
        assert_eq!(
            standing(day(2027, 1, 28), last(day(2026, 12, 31))),
            Standing::Regular
        );
    }

    #[test]
    fn a_session_after_the_date_does_not_count_for_it() {
        assert_eq!(
            standing(day(2027, 3, 1), last(day(2027, 3, 2))),
            Standing::Overdue
        );
    }

    #[test]
    fn a_recent_joiner_is_not_due_until_the_gap_has_passed() {
        let facts = Facts {
            regular_days: 28,
            joined: Some(day(2027, 2, 1)),
            last_reflective: None,
            recorded: false,
        };
        assert_eq!(standing(day(2027, 2, 20), facts), Standing::NotYetDue);
        assert_eq!(standing(day(2027, 3, 1), facts), Standing::NotYetDue);
        assert_eq!(standing(day(2027, 3, 2), facts), Standing::NotRecorded);
        let recorded = Facts {
            recorded: true,
            ..facts
        };
        assert_eq!(standing(day(2027, 3, 2), recorded), Standing::Overdue);
        // A joiner who has had reflective supervision is simply regular.
        let supervised = Facts {
            last_reflective: Some(day(2027, 2, 10)),
            ..recorded
        };
        assert_eq!(standing(day(2027, 2, 20), supervised), Standing::Regular);
    }

    #[test]
    fn an_employer_setting_changes_what_is_regular() {
        let facts = Facts {
            regular_days: 42,
            ..last(day(2027, 1, 1))
        };
        assert_eq!(standing(day(2027, 2, 12), facts), Standing::Regular);
        assert_eq!(standing(day(2027, 2, 13), facts), Standing::Overdue);
    }

    #[test]
    fn gaps_and_their_median() {
        let dates = [day(2027, 3, 1), day(2027, 1, 31), day(2027, 2, 28)];
        let gaps = gaps(&dates);
        assert_eq!(gaps, vec![(day(2027, 2, 28), 28), (day(2027, 3, 1), 1)]);
        let days: Vec<i64> = gaps.iter().map(|(_, d)| *d).collect();
        assert_eq!(
            median_days(&days),
            Some(1.0),
            "nearest rank: the lower middle"
        );
        assert_eq!(median_days(&[30, 10, 20]), Some(20.0));
        assert_eq!(median_days(&[]), None);
    }
}
