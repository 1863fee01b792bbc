//! Dashboards and evidence for a caller: the area checked against who is asking, the evidence
//! allowance claimed, and every evidence request audited (refused ones too).

use chrono::{NaiveDate, Utc};

use super::allowance;
use super::dashboard::{self, Dashboard};
use super::evidence::{self, Evidence};
use super::period::MonthPeriod;
use super::scope::Narrowing;
use crate::access::{Actor, ReportScope};
use crate::audit::Event;
use crate::error::AppError;
use crate::state::AppState;

/// Builds a dashboard for a caller, checking the scope is theirs.
pub(crate) async fn dashboard(
    state: &AppState,
    actor: Actor,
    scope: ReportScope,
    narrowing: Narrowing,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Dashboard, AppError> {
    let caller = actor.scope;
    let db = state.db.clone();
    actor.records()?;
    state
        .db
        .run(move |conn| {
            scope.check_allowed(conn, caller)?;
            let mut spare = db.try_get();
            dashboard::build(conn, spare.as_deref_mut(), scope, narrowing, from, to)
        })
        .await
}

/// Builds evidence for a caller: the scope must be theirs to see and big enough, the period
/// whole months and long enough, and the summary within their daily allowance. Audited with
/// scope, period and format (no ids: nothing identifiable), refused requests too.
pub(crate) async fn evidence(
    state: &AppState,
    actor: Actor,
    scope: ReportScope,
    period: MonthPeriod,
    format: &'static str,
) -> Result<Evidence, AppError> {
    let caller = actor.scope;
    let db = state.db.clone();
    state
        .read_audited(move |conn, audit| {
            let detail = format!(
                "scope={scope} from={} to={} format={format}",
                period.from, period.to
            );
            let answer = (|| {
                scope.check_allowed(conn, caller)?;
                let settings = evidence::admit(conn, scope, period)?;
                allowance::claim(
                    conn,
                    actor.id,
                    scope,
                    period,
                    Utc::now().naive_utc(),
                    settings.evidence_daily_allowance,
                )?;
                let mut spare = db.try_get();
                evidence::build(conn, spare.as_deref_mut(), scope, period, &settings)
            })();
            let event = Event::new(Some(actor.id), "read", "evidence");
            audit.read(match &answer {
                Ok(_) => event.detail(detail),
                Err(error) => event.detail(format!("{detail} refused={}", error.code())),
            });
            answer
        })
        .await
}
