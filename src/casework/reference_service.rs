//! Regions, branches and employers: read by anyone signed in, written by administrators, every
//! write audited here.

use diesel::OptionalExtension;

use crate::access::Actor;
use crate::audit::{self, Event};
use crate::error::AppError;
use crate::models::{Branch, Employer, Reference, Region};
use crate::state::AppState;

/// Reference data is not personal: every role may read it (a delegate picks a region, an
/// officer an employer).
pub(crate) async fn list<R: Reference>(state: &AppState) -> Result<Vec<R>, AppError> {
    state.db.run(|conn| Ok(R::list(conn)?)).await
}

pub(crate) async fn find<R: Reference>(state: &AppState, id: R::Id) -> Result<R, AppError> {
    state
        .db
        .run(move |conn| R::find(conn, id).optional()?.ok_or(AppError::NotFound))
        .await
}

pub(crate) async fn create<R: Reference>(
    state: &AppState,
    actor: Actor,
    new: R::New,
) -> Result<R, AppError> {
    actor.require_admin()?;
    state
        .db
        .write(move |conn| {
            let created = R::create(conn, new)?;
            audit::record(
                conn,
                Event::new(actor.id, crate::audit::Action::Create, entity::<R>()?).id(created.id()),
            )?;
            Ok(created)
        })
        .await
}

pub(crate) async fn update<R: Reference>(
    state: &AppState,
    actor: Actor,
    id: R::Id,
    changes: R::Update,
) -> Result<R, AppError> {
    actor.require_admin()?;
    state
        .db
        .write(move |conn| {
            R::find(conn, id).optional()?.ok_or(AppError::NotFound)?;
            let updated = R::update(conn, id, changes)?;
            audit::record(
                conn,
                Event::new(actor.id, crate::audit::Action::Update, entity::<R>()?).id(updated.id()),
            )?;
            Ok(updated)
        })
        .await
}

/// Every region, branch and employer, for the choices a form offers.
pub async fn all(state: &AppState) -> Result<(Vec<Region>, Vec<Branch>, Vec<Employer>), AppError> {
    state
        .db
        .run(|conn| {
            Ok((
                Region::list(conn)?,
                Branch::list(conn)?,
                Employer::list(conn)?,
            ))
        })
        .await
}

/// The audit trail's name for a kind of reference data.
fn entity<R: Reference>() -> Result<crate::audit::Entity, AppError> {
    crate::audit::Entity::named(R::ENTITY)
        .ok_or_else(|| AppError::Internal(format!("{} is not an audited kind", R::ENTITY)))
}
