//! Dashboards and evidence releases for a caller: the area checked against who is asking, and
//! every evidence request audited (refused ones too).

use chrono::{NaiveDate, Utc};

use super::dashboard::{self, Dashboard};
use super::releases::publish::{self, Publication, ReleaseListing};
use super::releases::{self, ReleasePeriod, Stored};
use super::scope::Narrowing;
use crate::access::{Actor, ReportScope};
use crate::audit::{self, Event};
use crate::db::write_transaction;
use crate::error::AppError;
use crate::models::Settings;
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

/// The release of a scope for a period (by default the latest year-long one published) for a
/// caller who may see the scope: as stored, or published now. A withdrawn release answers 410
/// with its reason. Audited with scope, period and format (nothing identifiable), refused
/// requests too, so that one user asking for many releases of a small scope shows.
pub(crate) async fn evidence(
    state: &AppState,
    actor: Actor,
    scope: ReportScope,
    period: Option<ReleasePeriod>,
    format: &'static str,
) -> Result<Stored, AppError> {
    let caller = actor.scope;
    let db = state.db.clone();
    let today = state.clock.today();
    state
        .read_audited(move |conn, audit| {
            let mut asked = period;
            let answer = (|| {
                scope.check_allowed(conn, caller)?;
                let period = match period {
                    Some(period) => period,
                    None => ReleasePeriod::latest_year(
                        today,
                        Settings::load(conn)?.evidence_settling_days,
                    ),
                };
                asked = Some(period);
                let mut spare = db.try_get();
                let publication = Publication {
                    scope,
                    today,
                    actor: Some(actor.id),
                };
                let stored = publication.obtain(conn, spare.as_deref_mut(), period)?;
                match &stored.withdrawn {
                    Some(w) => Err(AppError::Gone(format!(
                        "the release {} was withdrawn on {}: {}",
                        releases::reference(scope, period),
                        w.at.date(),
                        w.reason
                    ))),
                    None => Ok(stored),
                }
            })();
            let detail = format!(
                "scope={scope} period={} format={format}",
                asked.map_or_else(|| "?".into(), |p| p.to_string())
            );
            let event = Event::new(
                actor.id,
                crate::audit::Action::Read,
                crate::audit::Entity::Evidence,
            );
            audit.read(match &answer {
                Ok(_) => event.detail(detail),
                Err(error) => event.detail(format!("{detail} refused={}", error.code())),
            });
            answer
        })
        .await
        .inspect(|_| state.metrics.release_served(format))
}

/// The releases of a scope the caller may see: published, available, scheduled and withdrawn.
pub(crate) async fn releases(
    state: &AppState,
    actor: Actor,
    scope: ReportScope,
) -> Result<Vec<ReleaseListing>, AppError> {
    let caller = actor.scope;
    let today = state.clock.today();
    state
        .db
        .run(move |conn| {
            scope.check_allowed(conn, caller)?;
            publish::listing(conn, scope, today)
        })
        .await
}

/// Withdraws a published release (administrators only), with a reason shown in its place.
pub(crate) async fn withdraw(
    state: &AppState,
    actor: Actor,
    id: String,
    reason: String,
) -> Result<(), AppError> {
    actor.require_admin()?;
    let (scope, period) = releases::parse_reference(&id)?;
    let reason = reason.trim().to_owned();
    if reason.is_empty() || crate::validate::paragraph_problem(&reason, 500).is_some() {
        return Err(AppError::invalid(
            "reason",
            "give the reason readers will see, in 1 to 500 characters of visible text",
        ));
    }
    state
        .db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                releases::withdraw(
                    conn,
                    scope,
                    period,
                    actor.id,
                    &reason,
                    Utc::now().naive_utc(),
                )?;
                audit::record(
                    conn,
                    Event::new(
                        actor.id,
                        crate::audit::Action::Withdraw,
                        crate::audit::Entity::EvidenceRelease,
                    )
                    .detail(format!("release={id}")),
                )
            })
        })
        .await
}
