//! Evidence releases: one per scope and period of the menu ([`menu`]), computed once, stored
//! with the settings it was made with, and answered from the store ever after. A record added,
//! corrected or deleted later, a change of D or k, a restart: none changes a stored release,
//! so no number of requests, accounts or dummy records draws fresh noise over a published
//! period. docs/EVIDENCE.md says what this defends against and what it does not.

pub mod menu;
pub mod publish;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use serde::{Deserialize, Serialize};

pub use menu::ReleasePeriod;

use crate::access::ReportScope;
use crate::db::DbConn;
use crate::db::schema::evidence_releases as releases;
use crate::error::AppError;
use crate::models::UserId;

/// The version of the method a release was made with; a release keeps the version it was made
/// with, and a later method only ever reaches later releases.
pub const METHOD_VERSION: u32 = 4;

/// What identifies a release and what it was made with, stored inside it.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReleaseInfo {
    /// The identifier to cite and to ask for it by: `national-2025-26`, `region-3-2026-Q1`.
    pub id: String,
    /// "caseload evidence, national, 2025/26, published 2026-05-01".
    pub citation: String,
    pub period: ReleasePeriod,
    /// "2025/26", "2026 Q1", "2026".
    pub period_label: String,
    /// `calendar quarter`, `calendar year` or `financial year`.
    pub period_kind: String,
    pub published_on: NaiveDate,
    pub method_version: u32,
    /// The fewest members a row of an equality table, or a line beside a risk, needed to be
    /// shown on its own.
    pub min_group: i64,
    /// Days before a period's start within which a workload record gave a member's exposure.
    pub lookback_days: i64,
    /// Days after the period's end before the release could be published.
    pub settling_days: i64,
    /// The longest gap in days between reflective supervisions that counted as regular
    /// (none in releases made before supervision was recorded).
    #[serde(default)]
    pub regular_supervision_days: Option<i64>,
}

/// The identifier of the release of a scope and period.
pub fn reference(scope: ReportScope, period: ReleasePeriod) -> String {
    format!("{}-{period}", scope.to_string().replace(':', "-"))
}

/// The scope and period an identifier names, or a 404 (no such release can exist).
pub fn parse_reference(text: &str) -> Result<(ReportScope, ReleasePeriod), AppError> {
    let (scope, rest) = if let Some(rest) = text.strip_prefix("national-") {
        (ReportScope::National, rest)
    } else {
        let (kind, rest) = text.split_once('-').ok_or(AppError::NotFound)?;
        let (id, rest) = rest.split_once('-').ok_or(AppError::NotFound)?;
        let scope = format!("{kind}:{id}")
            .parse::<ReportScope>()
            .map_err(|_| AppError::NotFound)?;
        (scope, rest)
    };
    let period = rest.parse().map_err(|_| AppError::NotFound)?;
    Ok((scope, period))
}

/// Why and when a release was withdrawn.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Withdrawal {
    #[serde(serialize_with = "crate::timestamps::utc")]
    pub at: NaiveDateTime,
    pub reason: String,
}

/// A release as stored: its body is the JSON every request is answered with.
#[derive(Debug, Clone)]
pub struct Stored {
    pub scope: ReportScope,
    pub period: ReleasePeriod,
    pub published_at: NaiveDateTime,
    pub body: String,
    pub withdrawn: Option<Withdrawal>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = releases)]
struct Row {
    scope: String,
    period: String,
    published_at: NaiveDateTime,
    body: String,
    withdrawn_at: Option<NaiveDateTime>,
    withdrawn_reason: Option<String>,
}

impl TryFrom<Row> for Stored {
    type Error = AppError;
    fn try_from(row: Row) -> Result<Self, AppError> {
        let broken = |what: String| AppError::Internal(format!("a stored release's {what}"));
        Ok(Self {
            scope: row.scope.parse().map_err(broken)?,
            period: row.period.parse().map_err(broken)?,
            published_at: row.published_at,
            body: row.body,
            withdrawn: row.withdrawn_at.map(|at| Withdrawal {
                at,
                reason: row.withdrawn_reason.unwrap_or_default(),
            }),
        })
    }
}

/// The stored release of a scope and period, if it has been published.
pub(crate) fn find(
    conn: &mut DbConn,
    scope: ReportScope,
    period: ReleasePeriod,
) -> Result<Option<Stored>, AppError> {
    releases::table
        .filter(releases::scope.eq(scope.to_string()))
        .filter(releases::period.eq(period.to_string()))
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .map(Stored::try_from)
        .transpose()
}

/// Every stored release of a scope.
pub(crate) fn of_scope(conn: &mut DbConn, scope: ReportScope) -> Result<Vec<Stored>, AppError> {
    releases::table
        .filter(releases::scope.eq(scope.to_string()))
        .select(Row::as_select())
        .load(conn)?
        .into_iter()
        .map(Stored::try_from)
        .collect()
}

/// Stores a release just computed, unless another request or process stored the same one
/// first: then that one is kept and returned (with `false`), so that both answer with it. The
/// insert runs in a savepoint of its own, so a refused one leaves the caller's transaction
/// usable (PostgreSQL aborts a transaction on any error otherwise).
pub(crate) fn store(
    conn: &mut DbConn,
    scope: ReportScope,
    period: ReleasePeriod,
    body: String,
    at: NaiveDateTime,
) -> Result<(Stored, bool), AppError> {
    let inserted = conn.transaction(|conn| {
        diesel::insert_into(releases::table)
            .values((
                releases::scope.eq(scope.to_string()),
                releases::period.eq(period.to_string()),
                releases::published_at.eq(at),
                releases::body.eq(&body),
            ))
            .execute(conn)
    });
    match inserted {
        Ok(_) => Ok((
            Stored {
                scope,
                period,
                published_at: at,
                body,
                withdrawn: None,
            },
            true,
        )),
        Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
            let kept = find(conn, scope, period)?.ok_or_else(|| {
                AppError::Internal("a release both exists and does not exist".into())
            })?;
            Ok((kept, false))
        }
        Err(other) => Err(other.into()),
    }
}

/// Marks a published release withdrawn, with the reason shown in its place. Its figures stay
/// stored (the record of what was published) and it is never computed again.
pub(crate) fn withdraw(
    conn: &mut DbConn,
    scope: ReportScope,
    period: ReleasePeriod,
    by: UserId,
    reason: &str,
    at: NaiveDateTime,
) -> Result<(), AppError> {
    let stored = find(conn, scope, period)?.ok_or(AppError::NotFound)?;
    if stored.withdrawn.is_some() {
        return Err(AppError::Conflict(
            "this release is already withdrawn".into(),
        ));
    }
    diesel::update(
        releases::table
            .filter(releases::scope.eq(scope.to_string()))
            .filter(releases::period.eq(period.to_string()))
            .filter(releases::withdrawn_at.is_null()),
    )
    .set((
        releases::withdrawn_at.eq(at),
        releases::withdrawn_by.eq(by.0),
        releases::withdrawn_reason.eq(reason),
    ))
    .execute(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::{BranchId, RegionId};

    #[test]
    fn a_reference_names_one_scope_and_period_and_reads_back() {
        for (scope, period, text) in [
            (
                ReportScope::National,
                ReleasePeriod::FinancialYear(2025),
                "national-2025-26",
            ),
            (
                ReportScope::Region(RegionId(3)),
                ReleasePeriod::Quarter {
                    year: 2026,
                    quarter: 1,
                },
                "region-3-2026-Q1",
            ),
            (
                ReportScope::Branch(BranchId(12)),
                ReleasePeriod::Year(2025),
                "branch-12-2025",
            ),
        ] {
            assert_eq!(reference(scope, period), text);
            assert_eq!(parse_reference(text).unwrap(), (scope, period));
        }
        for refused in [
            "national",
            "region-x-2025",
            "branch-1-2025-13",
            "planet-1-2025",
        ] {
            assert!(parse_reference(refused).is_err(), "{refused}");
        }
    }
}
