//! `/admin/users`: list, create, edit (role, scope, active, password reset).

use crate::web::page::Choice;
use actix_web::{HttpResponse, get, post, web};
use tera::Context;

use crate::accounts::users::{self as accounts, UserChanges, UserInput};
use crate::casework::reference_service;
use crate::error::AppError;
use crate::http::CurrentUser;
use crate::http::form::FormData;
use crate::models::{Role, UserId};
use crate::paging::Paging;
use crate::state::AppState;
use crate::web::layout;
use crate::web::page::{
    PageError, Submitted, form_values, render, render_status, see_other, submit,
};

const PAGE: &str = "/admin/users";

/// The page's context: the people, and the choices for role and scope.
pub(super) async fn context(state: &AppState, user: &CurrentUser) -> Result<Context, PageError> {
    let everyone = Paging::new(1, crate::paging::MAX_PER_PAGE)?;
    let users = accounts::list(state, user.actor, everyone).await?.items;
    let (regions, branches, _) = reference_service::all(state).await?;
    let mut context = layout::context(state, user, PAGE).await?;
    let scope_of = |u: &crate::models::User| -> String {
        let branch = u
            .branch_id
            .and_then(|id| branches.iter().find(|b| b.id == id))
            .map(|b| b.name.clone());
        let region = u
            .region_id
            .and_then(|id| regions.iter().find(|r| r.id == id))
            .map(|r| format!("{} region", r.name));
        branch.or(region).unwrap_or_else(|| "—".into())
    };
    let rows: Vec<_> = users
        .iter()
        .map(|u| UserRow {
            user: u,
            scope: scope_of(u),
        })
        .collect();
    context.insert("users", &rows);
    context.insert("regions", &regions);
    context.insert("branches", &branches);
    context.insert(
        "roles",
        &Role::ALL
            .iter()
            .map(|r| Choice::new(r.as_str(), r.label()))
            .collect::<Vec<_>>(),
    );
    Ok(context)
}

#[get("/admin/users")]
pub(crate) async fn list(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    user.require_admin()?;
    let mut context = context(&state, &user).await?;
    // A new account starts with the least it may do: evidence only.
    context.insert(
        "values",
        &std::collections::HashMap::from([("role", Role::Delegate.as_str())]),
    );
    if query.iter().any(|(k, _)| k == "saved") {
        context.insert("notice", "Saved.");
    }
    render("admin/users.html", &context)
}

#[post("/admin/users")]
pub(crate) async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    user.require_admin()?;
    let form = FormData::new(form.into_inner());
    let work = async { accounts::create(&state, user.actor, form.parse::<UserInput>()?).await };
    match submit(&state, &user, &form, work).await? {
        Submitted::Done(_) => Ok(see_other(&format!("{PAGE}?saved=1"))),
        Submitted::Refused(problem) => {
            let mut context = context(&state, &user).await?;
            problem.show(&mut context, &form.values());
            render_status("admin/users.html", &context, problem.status)
        }
    }
}

#[get("/admin/users/{id}")]
pub(crate) async fn edit(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    query: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    user.require_admin()?;
    let id = UserId(id.into_inner());
    let subject = accounts::find(&state, user.actor, id).await?;
    let mut context = context(&state, &user).await?;
    context.insert("values", &form_values(&subject));
    context.insert("subject", &subject);
    context.insert("api_keys", &super::api_keys::rows(&state, &user, id).await?);
    context.insert("subject_calendar", &subject.calendar_token.is_some());
    if query.iter().any(|(k, _)| k == "revoked") {
        context.insert("notice", "The key is revoked: it no longer works.");
    }
    if query.iter().any(|(k, _)| k == "calendar") {
        context.insert(
            "notice",
            "Their calendar address is stopped: it no longer works.",
        );
    }
    render("admin/user.html", &context)
}

#[post("/admin/users/{id}")]
pub(crate) async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    user.require_admin()?;
    let form = FormData::new(form.into_inner());
    let id = UserId(id.into_inner());
    // Deactivating signs the person out everywhere: the form asks for a second tick first.
    let confirmed = form.get("confirm_deactivate").is_some();
    let work = async {
        let changes = changes_from(&form)?;
        accounts::update(&state, user.actor, id, changes, confirmed).await
    };
    match submit(&state, &user, &form, work).await? {
        Submitted::Done(_) => Ok(see_other(&format!("{PAGE}?saved=1"))),
        Submitted::Refused(problem) => {
            let subject = accounts::find(&state, user.actor, id).await?;
            let mut context = context(&state, &user).await?;
            context.insert("subject", &subject);
            context.insert("api_keys", &super::api_keys::rows(&state, &user, id).await?);
            problem.show(&mut context, &form.values());
            render_status("admin/user.html", &context, problem.status)
        }
    }
}

/// Stops the user's calendar address.
#[post("/admin/users/{id}/calendar/stop")]
pub(crate) async fn stop_calendar(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    user.require_admin()?;
    let form = FormData::new(form.into_inner());
    user.check_csrf(&state, form.csrf())?;
    let id = id.into_inner();
    accounts::stop_calendar(&state, user.actor, UserId(id)).await?;
    Ok(see_other(&format!("{PAGE}/{id}?calendar=stopped")))
}

/// The edit form always sends role, scope, active and email; a blank scope or email clears it.
fn changes_from(form: &FormData) -> Result<UserChanges, AppError> {
    let id = |field: &str| -> Result<Option<i64>, AppError> {
        crate::http::params::optional::<i64>(field, form.get(field))
            .map_err(|_| AppError::invalid(field, "choose one from the list"))
    };
    Ok(UserChanges {
        display_name: form.get("display_name").map(str::to_owned),
        password: form
            .get("password")
            .filter(|p| !p.is_empty())
            .map(str::to_owned),
        role: form
            .get("role")
            .map(|r| {
                r.parse()
                    .map_err(|_| AppError::invalid("role", "choose a role"))
            })
            .transpose()?,
        branch_id: Some(id("branch_id")?.map(Into::into)),
        region_id: Some(id("region_id")?.map(Into::into)),
        active: Some(form.get("active").is_some()),
        // Blank removes the address.
        email: form.get("email").map(|e| Some(e.to_owned())),
    })
}

/// A user as the users page lists them, with where they work in words.
#[derive(serde::Serialize)]
struct UserRow<'a> {
    user: &'a crate::models::User,
    scope: String,
}
