//! The fixed menu of evidence periods: calendar quarters, calendar years and UK financial years
//! (April to March). Free windows let bounded noise be averaged away and sliding windows date
//! events by their zeros (docs/EVIDENCE.md); a fixed menu leaves only these periods, each
//! published once. A branch's quarters are mostly below k, so a branch has years only.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::reports::period::{MonthPeriod, last_of_month};

/// One period of the menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ReleasePeriod {
    /// A calendar quarter, 1 to 4.
    Quarter { year: i32, quarter: u32 },
    /// A calendar year.
    Year(i32),
    /// The financial year from April of this year to March of the next.
    FinancialYear(i32),
}

/// What the menu offers, for messages that list the choices.
pub const CHOICES: &str = "a calendar quarter (2026-Q1), a calendar year (2026) or a financial \
                           year from April to March (2025-26)";

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
}

impl ReleasePeriod {
    /// The whole months the period covers.
    pub fn months(self) -> MonthPeriod {
        let (from, last_month_start) = match self {
            Self::Quarter { year, quarter } => {
                let first = (quarter - 1) * 3 + 1;
                (date(year, first, 1), date(year, first + 2, 1))
            }
            Self::Year(year) => (date(year, 1, 1), date(year, 12, 1)),
            Self::FinancialYear(year) => (date(year, 4, 1), date(year + 1, 3, 1)),
        };
        MonthPeriod {
            from,
            to: last_of_month(last_month_start),
        }
    }

    /// The period of the same kind just before: the frozen release a release compares with.
    pub fn previous(self) -> Self {
        match self {
            Self::Quarter { year, quarter: 1 } => Self::Quarter {
                year: year - 1,
                quarter: 4,
            },
            Self::Quarter { year, quarter } => Self::Quarter {
                year,
                quarter: quarter - 1,
            },
            Self::Year(year) => Self::Year(year - 1),
            Self::FinancialYear(year) => Self::FinancialYear(year - 1),
        }
    }

    /// Whether a branch may have this period (years only).
    pub fn open_to_branches(self) -> bool {
        !matches!(self, Self::Quarter { .. })
    }

    /// The day the release may be published: the period has ended and `settling_days` have
    /// passed for late entries.
    pub fn available_on(self, settling_days: i64) -> NaiveDate {
        self.months()
            .to
            .checked_add_days(Days::new(1 + settling_days.max(0) as u64))
            .unwrap_or(NaiveDate::MAX)
    }

    /// How people read it: "2026 Q1", "2026", "2025/26".
    pub fn label(self) -> String {
        match self {
            Self::Quarter { year, quarter } => format!("{year} Q{quarter}"),
            Self::Year(year) => year.to_string(),
            Self::FinancialYear(year) => format!("{year}/{:02}", (year + 1).rem_euclid(100)),
        }
    }

    /// What kind of period it is, in words.
    pub fn kind(self) -> &'static str {
        match self {
            Self::Quarter { .. } => "calendar quarter",
            Self::Year(_) => "calendar year",
            Self::FinancialYear(_) => "financial year",
        }
    }

    /// Every period of the menu (years only when `branch`) that has begun by `today` and ends
    /// on or after `first`, the latest first.
    pub fn menu(branch: bool, first: NaiveDate, today: NaiveDate) -> Vec<ReleasePeriod> {
        let mut periods = Vec::new();
        for year in (first.year() - 1)..=today.year() {
            if !branch {
                for quarter in 1..=4 {
                    periods.push(Self::Quarter { year, quarter });
                }
            }
            periods.push(Self::Year(year));
            periods.push(Self::FinancialYear(year));
        }
        periods.retain(|p| {
            let months = p.months();
            months.from <= today && months.to >= first
        });
        periods.sort_by_key(|p| std::cmp::Reverse((p.months().to, p.months().from)));
        periods
    }

    /// The year-long period that ended last among those available on `today`: what a request
    /// that names no period gets.
    pub fn latest_year(today: NaiveDate, settling_days: i64) -> Self {
        let mut year = today.year();
        loop {
            let candidates = [Self::FinancialYear(year - 1), Self::Year(year - 1)];
            if let Some(p) = candidates
                .into_iter()
                .find(|p| p.available_on(settling_days) <= today)
            {
                return p;
            }
            year -= 1;
        }
    }
}

impl fmt::Display for ReleasePeriod {
    /// The identifier: `2026-Q1`, `2026`, `2025-26`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Quarter { year, quarter } => write!(f, "{year}-Q{quarter}"),
            Self::Year(year) => write!(f, "{year}"),
            Self::FinancialYear(year) => write!(f, "{year}-{:02}", (year + 1).rem_euclid(100)),
        }
    }
}

impl FromStr for ReleasePeriod {
    type Err = String;
    /// `2026-Q1`, `2026` or `2025-26` (`2025/26` too), and nothing else.
    fn from_str(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let refuse = || format!("{text:?} is not on the menu: expected {CHOICES}");
        let year = |t: &str| -> Result<i32, String> {
            match t.parse::<i32>() {
                Ok(y) if t.len() == 4 && (1900..=9998).contains(&y) => Ok(y),
                _ => Err(refuse()),
            }
        };
        if let Some((y, q)) = text.split_once(['-', '/']) {
            let first = year(y)?;
            return match q {
                "Q1" | "q1" | "Q2" | "q2" | "Q3" | "q3" | "Q4" | "q4" => Ok(Self::Quarter {
                    year: first,
                    quarter: q[1..].parse().map_err(|_| refuse())?,
                }),
                _ if q.len() == 2 && q.parse::<i32>() == Ok((first + 1).rem_euclid(100)) => {
                    Ok(Self::FinancialYear(first))
                }
                _ => Err(refuse()),
            };
        }
        Ok(Self::Year(year(text)?))
    }
}

impl Serialize for ReleasePeriod {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ReleasePeriod {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl utoipa::PartialSchema for ReleasePeriod {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(r"^[0-9]{4}(-Q[1-4]|-[0-9]{2})?$"))
            .description(Some(
                "A period of the menu: a calendar quarter (2026-Q1), a calendar year (2026) or a \
                 financial year from April to March (2025-26)",
            ))
            .into()
    }
}

impl utoipa::ToSchema for ReleasePeriod {}

/// Refuses a period a scope may not have, or one not yet published, with a 422 naming `period`.
pub(crate) fn check(
    period: ReleasePeriod,
    branch: bool,
    today: NaiveDate,
    settling_days: i64,
) -> Result<(), AppError> {
    if branch && !period.open_to_branches() {
        return Err(AppError::invalid(
            "period",
            format!(
                "a branch's evidence is published for calendar and financial years only (its \
                 quarters are mostly too small to show): ask for {} or a region's {period}",
                period.months().from.year()
            ),
        ));
    }
    let available = period.available_on(settling_days);
    if available > today {
        return Err(AppError::invalid(
            "period",
            format!(
                "{} ends on {} and its evidence is published on {available}, {settling_days} days \
                 later for late entries; periods that have not ended are never published",
                period.label(),
                period.months().to
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn periods_read_and_print_as_their_identifiers_and_nothing_else() {
        for (text, period, from, to) in [
            (
                "2026-Q1",
                ReleasePeriod::Quarter {
                    year: 2026,
                    quarter: 1,
                },
                "2026-01-01",
                "2026-03-31",
            ),
            (
                "2024",
                ReleasePeriod::Year(2024),
                "2024-01-01",
                "2024-12-31",
            ),
            (
                "2025-26",
                ReleasePeriod::FinancialYear(2025),
                "2025-04-01",
                "2026-03-31",
            ),
            (
                "1999-00",
                ReleasePeriod::FinancialYear(1999),
                "1999-04-01",
                "2000-03-31",
            ),
        ] {
            let read: ReleasePeriod = text.parse().unwrap();
            assert_eq!(read, period);
            assert_eq!(read.to_string(), text);
            assert_eq!(read.months().from, day(from));
            assert_eq!(read.months().to, day(to));
        }
        assert_eq!(
            "2025/26".parse::<ReleasePeriod>(),
            Ok(ReleasePeriod::FinancialYear(2025))
        );
        assert_eq!(ReleasePeriod::FinancialYear(2025).label(), "2025/26");
        for refused in [
            "2026-03",
            "2026-12",
            "2025-27",
            "2026-Q5",
            "2026-Q0",
            "26",
            "2026-01-01",
            "",
            "Q1",
            "20261",
        ] {
            let why = refused.parse::<ReleasePeriod>().unwrap_err();
            assert!(why.contains("2026-Q1") && why.contains("2025-26"), "{why}");
        }
    }

    #[test]
    fn a_period_is_available_only_after_it_ends_and_settles() {
        let q = ReleasePeriod::Quarter {
            year: 2026,
            quarter: 2,
        };
        assert_eq!(q.available_on(30), day("2026-07-31"));
        assert!(check(q, false, day("2026-07-30"), 30).is_err());
        assert!(check(q, false, day("2026-07-31"), 30).is_ok());
        assert!(check(q, true, day("2027-07-31"), 30).is_err());
        assert!(check(ReleasePeriod::Year(2026), false, day("2026-12-31"), 0).is_err());
        assert!(check(ReleasePeriod::Year(2026), true, day("2027-01-01"), 0).is_ok());
    }

    #[test]
    fn the_menu_runs_from_the_first_data_to_today_and_a_branch_has_years_only() {
        let menu = ReleasePeriod::menu(false, day("2025-05-10"), day("2026-02-01"));
        assert_eq!(
            menu.iter().map(ToString::to_string).collect::<Vec<_>>(),
            [
                "2026", "2026-Q1", "2025-26", "2025-Q4", "2025", "2025-Q3", "2025-Q2"
            ]
        );
        let branch = ReleasePeriod::menu(true, day("2025-05-10"), day("2026-02-01"));
        assert!(branch.iter().all(|p| p.open_to_branches()));
        assert_eq!(branch.len(), 3);
    }

    #[test]
    fn the_default_is_the_latest_year_long_period_published() {
        assert_eq!(
            ReleasePeriod::latest_year(day("2026-12-03"), 30),
            ReleasePeriod::FinancialYear(2025)
        );
        assert_eq!(
            ReleasePeriod::latest_year(day("2026-04-29"), 30),
            ReleasePeriod::Year(2025)
        );
        assert_eq!(
            ReleasePeriod::latest_year(day("2026-01-15"), 30),
            ReleasePeriod::FinancialYear(2024)
        );
        assert_eq!(
            ReleasePeriod::previous(ReleasePeriod::Quarter {
                year: 2026,
                quarter: 1
            }),
            ReleasePeriod::Quarter {
                year: 2025,
                quarter: 4
            }
        );
    }
}
