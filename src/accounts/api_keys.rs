//! Long-lived API keys for integrations. An administrator makes a user account for the
//! integration (its role and scope are the key's: an officer's account reads one branch) and
//! issues it keys. A key is shown once, kept as its SHA-256 hash (it is 32 random bytes, so a
//! slow hash adds nothing), works while it is not revoked and its user is active, and is
//! revoked by an administrator. Issuing and revoking are audited; requests made with a key are
//! audited as its user's, like a token's.

use chrono::{NaiveDateTime, Timelike, Utc};
use diesel::OptionalExtension;
use std::sync::{Arc, OnceLock};

use crate::access::{Actor, Scope};
use crate::audit::{self, Action, Entity, Event};
use crate::db::DbConn;
use crate::error::AppError;
use crate::models::{ApiKey, ApiKeyId, NewApiKey, User, UserId};
use crate::state::AppState;

/// How every key begins, so a key is recognisable (and a secret scanner can find a leaked one).
pub const PREFIX: &str = "ck_";

/// A key as the caller may see it: never its secret.
pub struct IssuedKey {
    pub key: ApiKey,
    /// The key itself, shown once when it is issued.
    pub secret: Option<String>,
}

fn now() -> NaiveDateTime {
    let now = Utc::now().naive_utc();
    now.with_nanosecond(0).unwrap_or(now)
}

fn hash(secret: &str) -> String {
    use sha2::Digest;
    crate::text::hex(&sha2::Sha256::digest(secret.as_bytes()))
}

/// Whether a bearer credential is an API key rather than a signed token.
pub fn is_key(credential: &str) -> bool {
    credential.starts_with(PREFIX)
}

/// Issues a key to `user` (administrators only).
pub(crate) async fn issue(
    state: &AppState,
    actor: Actor,
    user: UserId,
    name: String,
) -> Result<IssuedKey, AppError> {
    actor.require_admin()?;
    let name = crate::validate::text("name", &name, 100)?;
    state
        .db
        .write(move |conn| {
            let owner = User::find(conn, user)
                .optional()?
                .ok_or(AppError::NotFound)?;
            if !owner.active {
                return Err(AppError::invalid(
                    "user",
                    "the account is deactivated; reactivate it before issuing a key",
                ));
            }
            let secret = {
                use rand::RngCore;
                let mut bytes = [0u8; 32];
                rand::rng().fill_bytes(&mut bytes);
                format!("{PREFIX}{}", crate::text::hex(&bytes))
            };
            let key = ApiKey::insert(
                conn,
                &NewApiKey {
                    user_id: user,
                    name,
                    secret_hash: hash(&secret),
                    created_at: now(),
                    created_by: actor.id,
                },
            )?;
            audit::record(
                conn,
                Event::new(actor.id, Action::Create, Entity::ApiKey)
                    .id(key.id.0)
                    .detail(format!("for user {}", user.0)),
            )?;
            Ok(IssuedKey {
                key,
                secret: Some(secret),
            })
        })
        .await
}

/// A user's keys, revoked ones too (administrators only).
pub(crate) async fn list(
    state: &AppState,
    actor: Actor,
    user: UserId,
) -> Result<Vec<ApiKey>, AppError> {
    actor.require_admin()?;
    state
        .db
        .run(move |conn| {
            User::find(conn, user)
                .optional()?
                .ok_or(AppError::NotFound)?;
            Ok(ApiKey::of_user(conn, user)?)
        })
        .await
}

/// Revokes one of a user's keys (administrators only); it stops working at once.
pub(crate) async fn revoke(
    state: &AppState,
    actor: Actor,
    user: UserId,
    key: ApiKeyId,
) -> Result<(), AppError> {
    actor.require_admin()?;
    state
        .db
        .write(move |conn| {
            let held = ApiKey::of_user(conn, user)?;
            if !held.iter().any(|k| k.id == key) {
                return Err(AppError::NotFound);
            }
            if ApiKey::revoke(conn, key, now())? > 0 {
                audit::record(
                    conn,
                    Event::new(actor.id, Action::Revoke, Entity::ApiKey)
                        .id(key.0)
                        .detail(format!("for user {}", user.0)),
                )?;
            }
            Ok(())
        })
        .await
}

/// The caller an API key speaks for: its user, as the database holds them now (role, scope,
/// active). 401 for an unknown or revoked key and for a deactivated user.
pub(crate) async fn caller(
    state: &AppState,
    secret: String,
    account: Arc<OnceLock<User>>,
) -> Result<Actor, AppError> {
    let hashed = hash(&secret);
    state
        .db
        .run(move |conn| {
            let user = user_of(conn, &hashed)?.ok_or(AppError::Unauthorized)?;
            let scope = Scope::from_parts(user.role, user.branch_id, user.region_id)
                .ok_or(AppError::Unauthorized)?;
            let actor = Actor {
                id: user.id,
                role: user.role,
                scope,
            };
            let _ = account.set(user);
            Ok(actor)
        })
        .await
}

fn user_of(conn: &mut DbConn, hashed: &str) -> Result<Option<User>, AppError> {
    let Some(key) = ApiKey::by_hash(conn, hashed)? else {
        return Ok(None);
    };
    if key.revoked_at.is_some() {
        return Ok(None);
    }
    let user = User::find(conn, key.user_id)?;
    Ok(user.active.then_some(user))
}
