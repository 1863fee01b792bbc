//! Publishing a release: the stored one when there is one, else computed now (with the release
//! before it, which its comparison column reads), stored and audited; and the list of what a
//! scope has, will have and had withdrawn.

use chrono::{NaiveDate, Utc};
use serde::Serialize;

use super::menu::{self, ReleasePeriod};
use super::{Stored, Withdrawal, find, of_scope, reference, store};
use crate::access::ReportScope;
use crate::audit::{self, Event};
use crate::db::{DbConn, write_transaction};
use crate::error::AppError;
use crate::models::{Settings, UserId};
use crate::reports::evidence::{self, Evidence, Previous, Request};
use crate::reports::queries;
use crate::reports::sql::Area;

/// Who publishes, for which scope, on which day: `actor` is who asked (none from the command
/// line).
#[derive(Debug, Clone, Copy)]
pub struct Publication {
    pub scope: ReportScope,
    pub today: NaiveDate,
    pub actor: Option<UserId>,
}

impl Publication {
    /// The release of the scope for `period`: as stored, or published now when it may be (the
    /// period on the scope's menu, ended and settled, not before its first case; the scope big
    /// enough). Publishing a release first publishes the one before it, if that has not been,
    /// so that each period's figures are only ever drawn once.
    pub fn obtain(
        self,
        conn: &mut DbConn,
        mut spare: Option<&mut DbConn>,
        period: ReleasePeriod,
    ) -> Result<Stored, AppError> {
        let scope = self.scope;
        if let Some(stored) = find(conn, scope, period)? {
            return Ok(stored);
        }
        let settings = evidence::admit(conn, scope)?;
        let branch = matches!(scope, ReportScope::Branch(_));
        menu::check(period, branch, self.today, settings.evidence_settling_days)?;
        let first = queries::first_case(conn, &Area::of(scope))?;
        if first.is_none_or(|first| period.months().to < first) {
            return Err(AppError::invalid(
                "period",
                match first {
                    Some(first) => format!(
                        "{} ends before the first case recorded in this scope ({first}): its \
                         releases begin with the period that holds that case",
                        period.label()
                    ),
                    None => "no case is recorded in this scope yet, so it has no releases".into(),
                },
            ));
        }
        let previous = self.previous(conn, spare.as_deref_mut(), period, first)?;
        let body = evidence::build(
            conn,
            spare,
            Request {
                scope,
                period,
                settings: &settings,
                previous,
                published_on: self.today,
            },
        )?;
        let body = serde_json::to_string(&body)
            .map_err(|e| AppError::Internal(format!("a release would not serialise: {e}")))?;
        let at = self.today.and_time(Utc::now().time());
        write_transaction(conn, |conn| {
            let (stored, inserted) = store(conn, scope, period, body, at)?;
            if inserted {
                audit::record(
                    conn,
                    Event::new(
                        crate::audit::Principal::user_or_command_line(self.actor),
                        crate::audit::Action::Publish,
                        crate::audit::Entity::EvidenceRelease,
                    )
                    .detail(format!("release={}", reference(scope, period))),
                )?;
            }
            Ok(stored)
        })
    }

    /// The release before `period`'s, as its comparison column reads it (`first`: the scope's
    /// first case).
    fn previous(
        self,
        conn: &mut DbConn,
        spare: Option<&mut DbConn>,
        period: ReleasePeriod,
        first: Option<NaiveDate>,
    ) -> Result<Previous, AppError> {
        let before = period.previous();
        if first.is_none_or(|first| before.months().to < first) {
            return Ok(Previous::Empty);
        }
        let stored = self.obtain(conn, spare, before)?;
        if stored.withdrawn.is_some() {
            return Ok(Previous::Withdrawn);
        }
        Ok(Previous::Release(Box::new(read(&stored)?)))
    }
}

/// A stored release's figures.
pub fn read(stored: &Stored) -> Result<Evidence, AppError> {
    serde_json::from_str(&stored.body)
        .map_err(|e| AppError::Internal(format!("a stored release does not read back: {e}")))
}

/// Where a release of the menu stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReleaseStatus {
    /// Stored: every request gets its figures.
    Published,
    /// Ended and settled: published at its first request.
    Available,
    /// Not yet ended or settled: published from `available_on`.
    Scheduled,
    /// Withdrawn by an administrator, with the reason.
    Withdrawn,
}

/// One release of a scope's menu.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReleaseListing {
    /// The identifier to cite and ask for it by.
    pub id: String,
    pub period: ReleasePeriod,
    pub period_label: String,
    pub period_kind: &'static str,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub status: ReleaseStatus,
    /// The day it was published, or from which it can be.
    pub available_on: NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<Withdrawal>,
}

/// Every period of a scope's menu from its first case to today, the latest first, with what
/// has been published.
pub fn listing(
    conn: &mut DbConn,
    scope: ReportScope,
    today: NaiveDate,
) -> Result<Vec<ReleaseListing>, AppError> {
    let settling = Settings::load(conn)?.evidence_settling_days;
    let first = queries::first_case(conn, &Area::of(scope))?.unwrap_or(today);
    let stored = of_scope(conn, scope)?;
    let branch = matches!(scope, ReportScope::Branch(_));
    let mut periods = ReleasePeriod::menu(branch, first, today);
    for s in &stored {
        if !periods.contains(&s.period) {
            periods.push(s.period);
        }
    }
    Ok(periods
        .into_iter()
        .map(|period| {
            let published = stored.iter().find(|s| s.period == period);
            let available_on = published
                .map(|s| s.published_at.date())
                .unwrap_or_else(|| period.available_on(settling));
            let status = match published {
                Some(s) if s.withdrawn.is_some() => ReleaseStatus::Withdrawn,
                Some(_) => ReleaseStatus::Published,
                None if available_on <= today => ReleaseStatus::Available,
                None => ReleaseStatus::Scheduled,
            };
            let months = period.months();
            ReleaseListing {
                id: reference(scope, period),
                period,
                period_label: period.label(),
                period_kind: period.kind(),
                from: months.from,
                to: months.to,
                status,
                available_on,
                published_on: published.map(|s| s.published_at.date()),
                withdrawn: published.and_then(|s| s.withdrawn.clone()),
            }
        })
        .collect())
}
