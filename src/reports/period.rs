//! Periods of whole calendar months, and the split of any span of days into its whole months
//! and the days either side (for the summaries that keep counts per month). Which periods
//! evidence is published for is `reports::releases::ReleasePeriod`.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// A run of whole calendar months, `from` the first day of the first, `to` the last day of the
/// last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MonthPeriod {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

pub(crate) fn last_of_month(d: NaiveDate) -> NaiveDate {
    first_of_month(d)
        .checked_add_months(Months::new(1))
        .and_then(|next| next.pred_opt())
        .unwrap_or(d)
}

/// Days `from` to `to` split into the whole calendar months inside them and the days before
/// and after those months: summaries keep counts per month, the days at the ends are read from
/// the records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MonthSplit {
    /// The first and the last whole month, as `YYYY-MM`.
    pub months: Option<(String, String)>,
    /// The days outside those months, as ranges with both ends included.
    pub days: Vec<(NaiveDate, NaiveDate)>,
}

pub(crate) fn split_months(from: NaiveDate, to: NaiveDate) -> MonthSplit {
    let month = |d: NaiveDate| d.format("%Y-%m").to_string();
    let start = if from.day() == 1 {
        Some(from)
    } else {
        last_of_month(from).succ_opt()
    };
    let end = if last_of_month(to) == to {
        Some(to)
    } else {
        first_of_month(to).pred_opt()
    };
    match (start, end) {
        (Some(start), Some(end)) if start <= end && from <= to => {
            let mut days = Vec::new();
            if let Some(before) = start.pred_opt().filter(|_| from < start) {
                days.push((from, before));
            }
            if let Some(after) = end.succ_opt().filter(|_| end < to) {
                days.push((after, to));
            }
            MonthSplit {
                months: Some((month(start), month(end))),
                days,
            }
        }
        _ => MonthSplit {
            months: None,
            days: if from <= to {
                vec![(from, to)]
            } else {
                Vec::new()
            },
        },
    }
}

impl MonthPeriod {
    /// How many calendar months the period covers.
    pub(crate) fn months(self) -> u32 {
        let months = |d: NaiveDate| d.year() * 12 + d.month0() as i32;
        (months(self.to) - months(self.from) + 1).max(0) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn a_period_splits_into_its_whole_months_and_the_days_either_side() {
        let split = split_months(day("2025-12-02"), day("2026-12-02"));
        assert_eq!(split.months, Some(("2026-01".into(), "2026-11".into())));
        assert_eq!(
            split.days,
            vec![
                (day("2025-12-02"), day("2025-12-31")),
                (day("2026-12-01"), day("2026-12-02"))
            ]
        );
        let whole = split_months(day("2024-02-01"), day("2024-02-29"));
        assert_eq!(whole.months, Some(("2024-02".into(), "2024-02".into())));
        assert!(whole.days.is_empty());
        let inside = split_months(day("2026-03-02"), day("2026-03-30"));
        assert_eq!(inside.months, None);
        assert_eq!(inside.days, vec![(day("2026-03-02"), day("2026-03-30"))]);
        let across = split_months(day("2026-03-15"), day("2026-04-10"));
        assert_eq!(across.months, None);
        assert_eq!(across.days, vec![(day("2026-03-15"), day("2026-04-10"))]);
        assert_eq!(
            split_months(day("2026-04-10"), day("2026-03-15")).days,
            vec![]
        );
    }
}
