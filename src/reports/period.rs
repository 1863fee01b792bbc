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
