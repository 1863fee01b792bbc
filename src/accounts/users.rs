//! Administering users: creating them, changing role, scope, activity and password. Shared by
//! the API and the admin pages; every change is audited in its own transaction.

use std::collections::BTreeMap;

use diesel::OptionalExtension;
use serde::Deserialize;

use super::revoke_sessions;
use crate::access::Actor;
use crate::audit::{self, Event};
use crate::auth::password;
use crate::db::DbConn;
use crate::error::AppError;
use crate::models::{
    AuditEntry, AuditFilter, Branch, BranchId, NewUser, Region, RegionId, Role, Setting,
    UpdateUser, User, UserId,
};
use crate::paging::{ListPage, Paging};
use crate::state::AppState;
use crate::validate;

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserInput {
    #[schema(pattern = "^[A-Za-z0-9._@-]{3,100}$", example = "wgn.officer")]
    pub username: String,
    #[schema(min_length = 12, max_length = 1024)]
    pub password: String,
    #[schema(max_length = 200)]
    pub display_name: Option<String>,
    pub role: Role,
    pub branch_id: Option<BranchId>,
    pub region_id: Option<RegionId>,
    #[serde(default = "active_by_default")]
    pub active: bool,
    /// Where reminders go: the morning digest (if the person chooses it) and referral notices.
    #[schema(max_length = 254, example = "rep@branch.example.org")]
    pub email: Option<String>,
}

fn active_by_default() -> bool {
    true
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserChanges {
    #[schema(max_length = 200)]
    pub display_name: Option<String>,
    /// A new password set by an administrator (a reset).
    #[schema(min_length = 12, max_length = 1024)]
    pub password: Option<String>,
    pub role: Option<Role>,
    #[serde(default, deserialize_with = "validate::double_option")]
    pub branch_id: Option<Option<BranchId>>,
    #[serde(default, deserialize_with = "validate::double_option")]
    pub region_id: Option<Option<RegionId>>,
    pub active: Option<bool>,
    /// A new address for reminders; `null` or blank removes it.
    #[serde(default, deserialize_with = "validate::double_option")]
    #[schema(max_length = 254)]
    pub email: Option<Option<String>>,
}

/// Checks that the scope fits the role and names existing rows.
fn check_scope(
    conn: &mut DbConn,
    role: Role,
    branch: Option<BranchId>,
    region: Option<RegionId>,
) -> Result<(), AppError> {
    match role {
        Role::Admin if branch.is_some() => {
            return Err(AppError::invalid(
                "branch_id",
                "an administrator has no branch",
            ));
        }
        Role::Admin | Role::Officer if region.is_some() => {
            return Err(AppError::invalid(
                "region_id",
                "only organisers and delegates have a region",
            ));
        }
        Role::Officer if branch.is_none() => {
            return Err(AppError::invalid("branch_id", "is required for an officer"));
        }
        Role::Organiser if region.is_none() => {
            return Err(AppError::invalid(
                "region_id",
                "is required for an organiser",
            ));
        }
        Role::Organiser | Role::Delegate if branch.is_some() => {
            return Err(AppError::invalid(
                "branch_id",
                "only officers have a branch",
            ));
        }
        _ => {}
    }
    if let Some(branch) = branch
        && Branch::find(conn, branch).optional()?.is_none()
    {
        return Err(AppError::invalid("branch_id", "no such branch"));
    }
    if let Some(region) = region
        && Region::find(conn, region).optional()?.is_none()
    {
        return Err(AppError::invalid("region_id", "no such region"));
    }
    Ok(())
}

/// `actor` is `None` when created from the command line.
pub fn create_user(
    conn: &mut DbConn,
    actor: Option<UserId>,
    input: UserInput,
) -> Result<User, AppError> {
    let username = validate::username(&input.username)?;
    password::check_strength("password", &input.password)?;
    let display_name = match input.display_name.as_deref() {
        Some(name) if !name.trim().is_empty() => {
            validate::text("display_name", name, validate::NAME_MAX)?
        }
        _ => username.clone(),
    };
    check_scope(conn, input.role, input.branch_id, input.region_id)?;
    let email = match input.email.as_deref() {
        Some(email) => validate::email("email", email)?,
        None => None,
    };
    if User::find_by_username(conn, &username)?.is_some() {
        return Err(AppError::Conflict(format!(
            "the username {username} is taken"
        )));
    }
    let user = User::create(
        conn,
        NewUser {
            username,
            password_hash: password::hash(&input.password)?,
            display_name,
            role: input.role,
            branch_id: input.branch_id,
            region_id: input.region_id,
            active: input.active,
            email,
        },
    )?;
    audit::record(
        conn,
        Event::new(
            crate::audit::Principal::user_or_command_line(actor),
            crate::audit::Action::Create,
            crate::audit::Entity::User,
        )
        .id(user.id.0)
        .detail(format!("role={}", user.role)),
    )?;
    Ok(user)
}

pub(crate) fn update_user(
    conn: &mut DbConn,
    actor: UserId,
    id: UserId,
    changes: UserChanges,
) -> Result<User, AppError> {
    let current = User::find(conn, id).optional()?.ok_or(AppError::NotFound)?;
    let role = changes.role.unwrap_or(current.role);
    let branch = changes.branch_id.unwrap_or(current.branch_id);
    let region = changes.region_id.unwrap_or(current.region_id);
    // An administrator cannot lock themselves out.
    if id == actor && (changes.active == Some(false) || role != Role::Admin) {
        return Err(AppError::invalid(
            if changes.active == Some(false) {
                "active"
            } else {
                "role"
            },
            "you cannot deactivate or demote your own account",
        ));
    }
    check_scope(conn, role, branch, region)?;
    let password_hash = match &changes.password {
        Some(p) => {
            password::check_strength("password", p)?;
            Some(password::hash(p)?)
        }
        None => None,
    };
    let display_name = changes
        .display_name
        .as_deref()
        .map(|n| validate::text("display_name", n, validate::NAME_MAX))
        .transpose()?;
    let email = match changes.email {
        Some(Some(email)) => Some(validate::email("email", &email)?),
        Some(None) => Some(None),
        None => None,
    }
    .filter(|email| *email != current.email);
    let mut changed: Vec<&str> = Vec::new();
    if email.is_some() {
        changed.push("email");
    }
    if display_name.is_some() {
        changed.push("display_name");
    }
    if password_hash.is_some() {
        changed.push("password");
    }
    if role != current.role {
        changed.push("role");
    }
    if branch != current.branch_id || region != current.region_id {
        changed.push("scope");
    }
    if changes.active.is_some_and(|a| a != current.active) {
        changed.push("active");
    }
    let user = User::update(
        conn,
        id,
        UpdateUser {
            password_hash,
            display_name,
            role: Some(role),
            branch_id: Some(branch),
            region_id: Some(region),
            active: changes.active,
            email,
            ..Default::default()
        },
    )?;
    audit::record(
        conn,
        Event::new(
            actor,
            crate::audit::Action::Update,
            crate::audit::Entity::User,
        )
        .id(id.0)
        .detail(changed.join(",")),
    )?;
    // A new password, role, scope or deactivation ends the user's sessions at once.
    if changed
        .iter()
        .any(|c| matches!(*c, "password" | "role" | "scope" | "active"))
    {
        revoke_sessions(conn, id, crate::audit::Action::SessionsRevoked)?;
    }
    // A deactivated user's calendar address is withdrawn for good: reactivating them does not
    // bring an old address back to life.
    if !user.active && user.calendar_token.is_some() {
        return Ok(super::sessions::set_calendar(conn, id, false)?.0);
    }
    Ok(user)
}

/// A page of users, for administrators.
pub(crate) async fn list(
    state: &AppState,
    actor: Actor,
    paging: Paging,
) -> Result<ListPage<User>, AppError> {
    actor.require_admin()?;
    let (items, total) = state
        .db
        .run(move |conn| Ok(User::list(conn, paging)?))
        .await?;
    Ok(ListPage::new(items, total, paging))
}

/// One user, for administrators.
pub(crate) async fn find(state: &AppState, actor: Actor, id: UserId) -> Result<User, AppError> {
    actor.require_admin()?;
    state
        .db
        .run(move |conn| User::find(conn, id).optional()?.ok_or(AppError::NotFound))
        .await
}

pub(crate) async fn create(
    state: &AppState,
    actor: Actor,
    input: UserInput,
) -> Result<User, AppError> {
    actor.require_admin()?;
    state
        .db
        .write(move |conn| create_user(conn, Some(actor.id), input))
        .await
}

/// Stops a user's calendar address (administrators): its feed answers 404 from now on, and the
/// person can make a new one on their account page. Audited as the administrator's act.
pub(crate) async fn stop_calendar(
    state: &AppState,
    actor: Actor,
    id: UserId,
) -> Result<(), AppError> {
    actor.require_admin()?;
    state
        .db
        .write(move |conn| {
            let user = User::find(conn, id).optional()?.ok_or(AppError::NotFound)?;
            if user.calendar_token.is_none() {
                return Ok(());
            }
            User::set_calendar_token(conn, id, None)?;
            audit::record(
                conn,
                Event::new(
                    actor.id,
                    crate::audit::Action::CalendarRevoked,
                    crate::audit::Entity::User,
                )
                .id(id.0),
            )
        })
        .await
}

/// Changes a user. Deactivating signs the person out everywhere, so a page asks for
/// `confirmed` first; the API confirms by asking.
pub(crate) async fn update(
    state: &AppState,
    actor: Actor,
    id: UserId,
    changes: UserChanges,
    confirmed: bool,
) -> Result<User, AppError> {
    actor.require_admin()?;
    state
        .db
        .write(move |conn| {
            let current = User::find(conn, id).optional()?.ok_or(AppError::NotFound)?;
            if current.active && changes.active == Some(false) && !confirmed {
                return Err(AppError::invalid(
                    "active",
                    "tick \"Yes, deactivate\" to confirm: the person will be signed out and unable to sign in",
                ));
            }
            update_user(conn, actor.id, id, changes)
        })
        .await
}

/// A page of the audit trail, for administrators.
pub(crate) async fn audit_log(
    state: &AppState,
    actor: Actor,
    filter: AuditFilter,
    paging: Paging,
) -> Result<(ListPage<AuditEntry>, BTreeMap<i64, String>), AppError> {
    actor.require_admin()?;
    let (items, total, names) = state
        .db
        .run(move |conn| {
            let (items, total) = AuditEntry::search(conn, &filter, paging)?;
            let names = User::names(conn, items.iter().filter_map(|e| e.user_id))?;
            Ok((items, total, names))
        })
        .await?;
    Ok((ListPage::new(items, total, paging), names))
}

/// The stored settings, for administrators.
pub(crate) async fn settings(state: &AppState, actor: Actor) -> Result<Vec<Setting>, AppError> {
    actor.require_admin()?;
    state.db.run(|conn| Ok(Setting::all(conn)?)).await
}

/// Saves settings (key, value as typed), audited with the keys changed.
pub(crate) async fn save_settings(
    state: &AppState,
    actor: Actor,
    values: Vec<(String, String)>,
) -> Result<(), AppError> {
    actor.require_admin()?;
    state
        .db
        .write(move |conn| {
            for (key, value) in &values {
                Setting::set(conn, key, value)?;
            }
            let keys: Vec<&str> = values.iter().map(|(k, _)| k.as_str()).collect();
            audit::record(
                conn,
                Event::new(
                    actor.id,
                    crate::audit::Action::Update,
                    crate::audit::Entity::Settings,
                )
                .detail(keys.join(",")),
            )
        })
        .await
}
