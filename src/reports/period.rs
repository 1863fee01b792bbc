//! Evidence periods: whole calendar months. A period that could start or end on any day lets
//! two requests a day apart be differenced down to one case; whole months, at least a few of
//! them, leave only month-sized differences, and those are perturbed.

use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;

use crate::error::AppError;

/// The longest period asked for.
pub const MAX_MONTHS: u32 = 120;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct MonthPeriod {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

fn last_of_month(d: NaiveDate) -> NaiveDate {
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

fn given(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

/// A date, or with `months` a month (`2026-03`), standing for its first or last day.
fn read(field: &str, text: &str, months: bool, last: bool) -> Result<NaiveDate, AppError> {
    let text = text.trim();
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(date);
    }
    if months && let Ok(date) = NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d") {
        return Ok(if last { last_of_month(date) } else { date });
    }
    let expected = if months {
        "a month (YYYY-MM) or a date (YYYY-MM-DD)"
    } else {
        "a date (YYYY-MM-DD)"
    };
    Err(AppError::bad_field(
        field,
        format!("{text:?} is not {expected}"),
    ))
}

impl MonthPeriod {
    /// The twelve whole months before the month of `today`.
    pub fn last_twelve_months(today: NaiveDate) -> Self {
        let to = first_of_month(today).pred_opt().unwrap_or(today);
        let from = first_of_month(to)
            .checked_sub_months(Months::new(11))
            .unwrap_or(to);
        Self { from, to }
    }

    /// The period asked for: `from` the first day of a month, `to` the last day of one (or,
    /// with `months`, a `YYYY-MM` for either), by default the last twelve whole months.
    pub fn parse(
        from: Option<&str>,
        to: Option<&str>,
        months: bool,
        today: NaiveDate,
    ) -> Result<Self, AppError> {
        let from = given(from)
            .map(|text| read("from", text, months, false))
            .transpose()?;
        let to = match given(to) {
            Some(text) => read("to", text, months, true)?,
            None => Self::last_twelve_months(today).to,
        };
        let from = from.unwrap_or_else(|| {
            first_of_month(to)
                .checked_sub_months(Months::new(11))
                .unwrap_or(to)
        });
        if from.day() != 1 {
            return Err(AppError::invalid(
                "from",
                format!(
                    "must be the first day of a month (evidence covers whole months), not {from}"
                ),
            ));
        }
        if to != last_of_month(to) {
            return Err(AppError::invalid(
                "to",
                format!("must be the last day of a month (evidence covers whole months), not {to}"),
            ));
        }
        if from > to {
            return Err(AppError::invalid("from", "must not be after to"));
        }
        let period = Self { from, to };
        if period.months() > MAX_MONTHS {
            return Err(AppError::invalid(
                "from",
                format!("the period can be at most {MAX_MONTHS} months"),
            ));
        }
        Ok(period)
    }

    /// How many calendar months the period covers.
    pub(crate) fn months(self) -> u32 {
        let months = |d: NaiveDate| d.year() * 12 + d.month0() as i32;
        (months(self.to) - months(self.from) + 1).max(0) as u32
    }

    /// The same number of whole months immediately before.
    pub(crate) fn previous(self) -> Self {
        let to = self.from.pred_opt().unwrap_or(self.from);
        let from = self
            .from
            .checked_sub_months(Months::new(self.months()))
            .unwrap_or(self.from);
        Self { from, to }
    }

    /// Refused with a 422 naming `from` when shorter than `minimum` months.
    pub(crate) fn check_length(self, minimum: i64) -> Result<(), AppError> {
        if i64::from(self.months()) < minimum {
            return Err(AppError::invalid(
                "from",
                format!(
                    "the period must cover at least {minimum} whole months (it covers {})",
                    self.months()
                ),
            ));
        }
        Ok(())
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
