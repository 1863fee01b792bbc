//! Signing in and out: sessions, password changes, the first administrator, the calendar
//! feed's secret address. Every outcome is audited.

use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Utc};
use diesel::OptionalExtension;

use crate::access::{Actor, Scope};
use crate::audit::{self, Event};
use crate::auth::throttle::LoginThrottle;
use crate::auth::{password, surface};
use crate::db::{DbConn, first_use};
use crate::error::AppError;
use crate::models::{BranchId, NewUser, RegionId, Role, UpdateUser, User, UserId};
use crate::state::AppState;

/// A fresh session.
pub struct Session {
    pub user: User,
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

/// Longest username a sign-in reads (as the document says).
pub const USERNAME_MAX: usize = 200;

/// A username or password no account can have is a 422 naming it (before any throttling or
/// hashing): a missing or over-long field is a malformed request, not a wrong password.
fn credentials_readable(username: &str, password: &str) -> Result<(), AppError> {
    let mut problems = std::collections::BTreeMap::new();
    let username = username.trim();
    if username.is_empty() {
        problems.insert("username".to_owned(), "is required".to_owned());
    } else if username.chars().count() > USERNAME_MAX {
        problems.insert(
            "username".to_owned(),
            format!("must be at most {USERNAME_MAX} characters"),
        );
    }
    if password.is_empty() {
        problems.insert("password".to_owned(), "is required".to_owned());
    } else if password.chars().count() > crate::auth::password::MAX_LENGTH {
        problems.insert(
            "password".to_owned(),
            format!(
                "must be at most {} characters",
                crate::auth::password::MAX_LENGTH
            ),
        );
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(AppError::unprocessable(problems))
    }
}

/// A sign-in's entry names the address it came from (through trusted proxies, the client's).
fn from(event: Event, client: Option<&str>) -> Event {
    match client {
        Some(address) => event.detail(format!("from {address}")),
        None => event,
    }
}

/// Checks a username and password. Throttled per username and per client address; an unknown
/// username costs the same hashing as a known one; every outcome is audited.
pub(crate) async fn sign_in(
    state: &AppState,
    username: &str,
    password: &str,
    client: Option<&str>,
    purpose: surface::Surface,
) -> Result<Session, AppError> {
    credentials_readable(username, password)?;
    let keys = LoginThrottle::keys(username, client);
    throttle_begin(state, &keys).await?;
    let username = username.trim().to_owned();
    let password = password.to_owned();
    let found = state
        .db
        .run(move |conn| {
            let user = User::find_by_username(conn, &username)?;
            let valid = match &user {
                Some(user) => password::verify(&password, &user.password_hash) && user.active,
                None => password::verify_decoy(&password),
            };
            Ok((user, valid))
        })
        .await?;
    match found {
        (Some(user), true) => {
            throttle_succeeded(state, keys).await?;
            state.audit.read(from(
                Event::new(
                    user.id,
                    crate::audit::Action::SignIn,
                    crate::audit::Entity::User,
                )
                .id(user.id.0),
                client,
            ));
            let (token, expires_at) = state.keys.issue(&user, purpose)?;
            Ok(Session {
                user,
                token,
                expires_at,
            })
        }
        (user, _) => {
            let event = Event::new(
                crate::audit::Principal::Anonymous,
                crate::audit::Action::SignInFailed,
                crate::audit::Entity::User,
            );
            state.audit.read(from(
                match user {
                    Some(user) => event.id(user.id.0),
                    None => event,
                },
                client,
            ));
            Err(AppError::Unauthorized)
        }
    }
}

/// Ends every session of the user: tokens issued before now stop working, and so does the
/// calendar feed's secret address (withdrawn: its owner makes a new one), so that signing out,
/// changing a password or being deactivated leaves no way in.
pub(crate) fn revoke_sessions(
    conn: &mut DbConn,
    id: UserId,
    reason: crate::audit::Action,
) -> Result<(), AppError> {
    // The calendar address is a capability of its own, kept: a calendar program subscribed to
    // it goes on working after a sign-out or a new password. Its owner or an administrator
    // revokes it, and deactivating the user does (`users::update_user`).
    User::bump_token_version(conn, id)?;
    audit::record(
        conn,
        Event::new(id, reason, crate::audit::Entity::User).id(id.0),
    )
}

/// Changes the caller's own password: throttled like signing in (a stolen session cannot try
/// passwords without limit), and refused when the new one is the current one.
pub(crate) async fn change_own_password(
    state: &AppState,
    account: User,
    current: String,
    new: String,
) -> Result<(), AppError> {
    let keys = LoginThrottle::keys(&account.username, None);
    throttle_begin(state, &keys).await?;
    state
        .db
        .write(move |conn| change_password(conn, &account, &current, &new))
        .await?;
    throttle_succeeded(state, keys).await
}

/// Counts an attempt against the throttle (shared by every process on the database).
async fn throttle_begin(state: &AppState, keys: &[String]) -> Result<(), AppError> {
    let (throttle, keys) = (state.throttle.clone(), keys.to_vec());
    state
        .db
        .write(move |conn| throttle.begin(conn, &keys))
        .await
}

/// Forgives the attempt that succeeded.
async fn throttle_succeeded(state: &AppState, keys: Vec<String>) -> Result<(), AppError> {
    let throttle = state.throttle.clone();
    state
        .db
        .write(move |conn| throttle.succeeded(conn, &keys))
        .await
}

/// Changes the caller's own password after checking the current one; other sessions end.
pub(crate) fn change_password(
    conn: &mut DbConn,
    user: &User,
    current: &str,
    new: &str,
) -> Result<(), AppError> {
    if !password::verify(current, &user.password_hash) {
        return Err(AppError::invalid(
            "current_password",
            "is not your current password",
        ));
    }
    if new == current {
        return Err(AppError::invalid(
            "new_password",
            "must differ from your current password",
        ));
    }
    password::check_strength("new_password", new)?;
    let changes = UpdateUser {
        password_hash: Some(password::hash(new)?),
        ..Default::default()
    };
    User::update(conn, user.id, changes)?;
    revoke_sessions(conn, user.id, crate::audit::Action::PasswordChanged)
}

/// On a database with no user at all, creates `admin` with the given password or a random
/// one; returns the password to show once.
pub fn bootstrap_admin(
    conn: &mut DbConn,
    password: Option<&str>,
) -> Result<Option<String>, AppError> {
    if User::count(conn)? > 0 {
        return Ok(None);
    }
    let password = match password {
        Some(p) => {
            password::check_strength("CASELOAD_ADMIN_PASSWORD", p)?;
            p.to_owned()
        }
        None => password::random_password(),
    };
    let user = User::create(
        conn,
        NewUser {
            username: "admin".into(),
            password_hash: password::hash(&password)?,
            display_name: "Administrator".into(),
            role: Role::Admin,
            branch_id: None,
            region_id: None,
            active: true,
            email: None,
        },
    )?;
    audit::record(
        conn,
        Event::new(
            crate::audit::Principal::System(crate::audit::Job::CommandLine),
            crate::audit::Action::Create,
            crate::audit::Entity::User,
        )
        .id(user.id.0)
        .detail("first administrator"),
    )?;
    Ok(Some(password))
}

/// Issues a fresh secret calendar token (`on`) or revokes it; audited. Only the token's hash
/// is stored: the address is shown once, in the answer that issues it.
pub(crate) fn set_calendar(
    conn: &mut DbConn,
    id: UserId,
    on: bool,
) -> Result<(User, Option<String>), AppError> {
    let token = on.then(|| {
        use rand::RngCore;
        let mut bytes = [0u8; 24];
        rand::rng().fill_bytes(&mut bytes);
        crate::text::hex(&bytes)
    });
    let user = User::set_calendar_token(conn, id, token.as_deref().map(calendar_hash))?;
    let action = if on {
        crate::audit::Action::CalendarIssued
    } else {
        crate::audit::Action::CalendarRevoked
    };
    audit::record(
        conn,
        Event::new(id, action, crate::audit::Entity::User).id(id.0),
    )?;
    Ok((user, token))
}

/// What is stored of a calendar token, and looked up by.
pub(crate) fn calendar_hash(token: &str) -> String {
    use sha2::Digest;
    crate::text::hex(&sha2::Sha256::digest(token.as_bytes()))
}

/// What a bearer token or session cookie says the caller may do, and the check that the
/// database still agrees, to run first on the request's first connection (`db::first_use`):
/// the user exists and is active, the token's version is theirs (signing out, a new password,
/// deactivation or a change of role or scope bumps it: see `revoke_sessions`), and the role
/// and scope are theirs. The check puts the user's row in `account` when it passes.
pub(crate) fn claimed(
    state: &AppState,
    token: Option<String>,
    surface: surface::Surface,
    account: Arc<OnceLock<User>>,
) -> Result<(Actor, first_use::Check), AppError> {
    let token = token.ok_or(AppError::Unauthorized)?;
    let claims = state.keys.decode(&token)?;
    // An API token is not a page session, nor the other way round.
    if claims.purpose != Some(surface) {
        return Err(AppError::Unauthorized);
    }
    let id = claims.user_id()?;
    let (role, ver) = (claims.role, claims.ver);
    let (branch, region) = (claims.branch.map(BranchId), claims.region.map(RegionId));
    let scope = Scope::from_parts(role, branch, region).ok_or(AppError::Unauthorized)?;
    let check: first_use::Check = Box::new(move |conn| {
        let user = User::find(conn, id)
            .optional()?
            .ok_or(AppError::Unauthorized)?;
        let current = user.active
            && user.token_version == ver
            && user.role == role
            && user.branch_id == branch
            && user.region_id == region;
        if !current {
            return Err(AppError::Unauthorized);
        }
        let _ = account.set(user);
        Ok(())
    });
    Ok((Actor { id, role, scope }, check))
}

/// Audits a signed-in request that ended in 404 (see `http::refusals`): `detail` holds the
/// method, the route pattern and the numeric ids asked for.
pub(crate) fn audit_not_found(state: &AppState, user: UserId, detail: String) {
    state.audit.read(
        Event::new(
            user,
            crate::audit::Action::NotFound,
            crate::audit::Entity::Request,
        )
        .detail(detail),
    );
}

/// Signs the user out everywhere.
pub(crate) async fn sign_out(state: &AppState, user: UserId) -> Result<(), AppError> {
    state
        .db
        .write(move |conn| revoke_sessions(conn, user, crate::audit::Action::SignOut))
        .await
}

/// The user's own choices, audited: whether their calendar feed carries a hearing's place,
/// whether they get the morning digest (only with an email address to send it to). `None`
/// leaves a choice as it is; at least one is given.
pub(crate) async fn own_choices(
    state: &AppState,
    user: UserId,
    calendar_places: Option<bool>,
    email_digest: Option<bool>,
) -> Result<User, AppError> {
    state
        .db
        .write(move |conn| {
            if email_digest == Some(true) && User::find(conn, user)?.email.is_none() {
                return Err(AppError::invalid(
                    "email_digest",
                    "you have no email address for it to go to: ask an administrator to add one",
                ));
            }
            let updated = User::set_choices(conn, user, calendar_places, email_digest)?;
            let detail: Vec<String> = [
                calendar_places.map(|p| format!("calendar_places={p}")),
                email_digest.map(|d| format!("email_digest={d}")),
            ]
            .into_iter()
            .flatten()
            .collect();
            audit::record(
                conn,
                Event::new(
                    user,
                    crate::audit::Action::Update,
                    crate::audit::Entity::User,
                )
                .id(user.0)
                .detail(detail.join(",")),
            )?;
            Ok(updated)
        })
        .await
}

/// Issues a new secret calendar address (`on`, revoking any earlier one) or revokes it.
/// The user after the change, and the new address's secret when one was issued (shown once).
pub(crate) async fn calendar(
    state: &AppState,
    user: UserId,
    on: bool,
) -> Result<(User, Option<String>), AppError> {
    state
        .db
        .write(move |conn| set_calendar(conn, user, on))
        .await
}
