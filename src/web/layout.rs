//! The context every signed-in page shares: who is signed in, the navigation their role may
//! use, and the CSRF token for forms.

use serde::Serialize;
use tera::Context;

use crate::error::AppError;
use crate::http::CurrentUser;
use crate::models::Role;
use crate::state::AppState;

#[derive(Serialize)]
struct NavItem {
    href: &'static str,
    label: &'static str,
    current: bool,
}

/// Navigation shows each role only what it may use.
fn navigation(role: Role, current: &str) -> Vec<NavItem> {
    let mut items = vec![("/", "Home")];
    if role != Role::Delegate {
        items.push(("/members", "Members"));
        items.push(("/cases", "Cases"));
    }
    if matches!(role, Role::Admin | Role::Officer) {
        items.push(("/import", "Import"));
    }
    if role != Role::Delegate {
        items.push(("/dashboard", "Dashboard"));
    }
    items.push(("/evidence", "Evidence"));
    items.push(("/surveys", "Surveys"));
    if role == Role::Admin {
        items.extend([
            ("/admin/users", "Users"),
            ("/admin/regions", "Regions"),
            ("/admin/branches", "Branches"),
            ("/admin/employers", "Employers"),
            ("/admin/settings", "Settings"),
            ("/admin/audit", "Audit log"),
        ]);
    }
    items.push(("/account", "Account"));
    items
        .into_iter()
        .map(|(href, label)| NavItem {
            href,
            label,
            current: href == current,
        })
        .collect()
}

/// What every page's layout shows: the caller, the navigation, the CSRF token. Called after the
/// page's own database work, it reads the caller's row that work's session check left.
pub(crate) async fn context(
    state: &AppState,
    user: &CurrentUser,
    current: &str,
) -> Result<Context, AppError> {
    let account = user.account(state).await?;
    let mut context = Context::new();
    context.insert(
        "me",
        &Me {
            username: account.username.clone(),
            display_name: account.display_name.clone(),
            role: user.role().label(),
            is_admin: user.role() == Role::Admin,
        },
    );
    context.insert("nav", &navigation(user.role(), current));
    context.insert("csrf_token", &user.csrf_token(state));
    // Forms read these; a refused form replaces them (see `FormProblem::show`).
    context.insert("errors", &serde_json::Map::new());
    context.insert("values", &serde_json::Map::new());
    Ok(context)
}

/// The signed-in person as every page's header shows them.
#[derive(serde::Serialize)]
struct Me {
    username: String,
    display_name: String,
    role: &'static str,
    is_admin: bool,
}
