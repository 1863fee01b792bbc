//! `/admin/users`: list, create, edit (role, scope, active, password reset).

use actix_web::{HttpResponse, get, post, web};
use tera::Context;

use crate::api::query::Paging;
use crate::auth::CurrentUser;
use crate::auth::accounts::{self, UserChanges, UserInput};
use crate::error::AppError;
use crate::models::{Branch, Region, Role, User, UserId};
use crate::state::AppState;
use crate::web::form::FormData;
use crate::web::layout;
use crate::web::page::{FormProblem, PageError, form_values, render, render_status, see_other};

const PAGE: &str = "/admin/users";

/// The page's context: the people, and the choices for role and scope.
async fn context(state: &web::Data<AppState>, user: &CurrentUser) -> Result<Context, PageError> {
    let (users, regions, branches) = state
        .db
        .run(|conn| {
            let paging = Paging {
                page: 1,
                per_page: crate::api::query::MAX_PER_PAGE,
            };
            Ok((
                User::list(conn, paging)?.0,
                Region::list(conn)?,
                Branch::list(conn)?,
            ))
        })
        .await?;
    let mut context = layout::context(state, user, PAGE);
    context.insert("users", &users);
    context.insert("regions", &regions);
    context.insert("branches", &branches);
    context.insert(
        "roles",
        &Role::ALL
            .iter()
            .map(|r| serde_json::json!({"value": r.as_str(), "label": r.label()}))
            .collect::<Vec<_>>(),
    );
    Ok(context)
}

#[get("/admin/users")]
pub async fn list(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    user.require_admin()?;
    let mut context = context(&state, &user).await?;
    if query.iter().any(|(k, _)| k == "saved") {
        context.insert("notice", "Saved.");
    }
    render("admin/users.html", &context)
}

#[post("/admin/users")]
pub async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    user.require_admin()?;
    let form = FormData::new(form.into_inner());
    user.check_csrf(&state, form.csrf())?;
    let actor = user.id();
    let result = match form.parse::<UserInput>() {
        Ok(input) => {
            state
                .db
                .write(move |conn| accounts::create_user(conn, Some(actor), input))
                .await
        }
        Err(error) => Err(error),
    };
    match result {
        Ok(_) => Ok(see_other(&format!("{PAGE}?saved=1"))),
        Err(error) => {
            let problem = FormProblem::from_error(error)?;
            let mut context = context(&state, &user).await?;
            problem.show(&mut context, &form.values());
            render_status("admin/users.html", &context, problem.status)
        }
    }
}

#[get("/admin/users/{id}")]
pub async fn edit(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    user.require_admin()?;
    let id = UserId(id.into_inner());
    let subject = state.db.run(move |conn| Ok(User::find(conn, id)?)).await?;
    let mut context = context(&state, &user).await?;
    context.insert("values", &form_values(&subject));
    context.insert("subject", &subject);
    render("admin/user.html", &context)
}

#[post("/admin/users/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    user.require_admin()?;
    let form = FormData::new(form.into_inner());
    user.check_csrf(&state, form.csrf())?;
    let id = UserId(id.into_inner());
    let actor = user.id();
    let changes = changes_from(&form);
    // Deactivating signs the person out everywhere: the form asks for a second tick first.
    let confirmed = form.get("confirm_deactivate").is_some();
    let result = match changes {
        Ok(changes) => {
            state
                .db
                .write(move |conn| {
                    let current = User::find(conn, id)?;
                    if current.active && changes.active == Some(false) && !confirmed {
                        return Err(AppError::invalid(
                            "active",
                            "tick \"Yes, deactivate\" to confirm: the person will be signed out and unable to sign in",
                        ));
                    }
                    accounts::update_user(conn, actor, id, changes)
                })
                .await
        }
        Err(error) => Err(error),
    };
    match result {
        Ok(_) => Ok(see_other(&format!("{PAGE}?saved=1"))),
        Err(error) => {
            let problem = FormProblem::from_error(error)?;
            let subject = state.db.run(move |conn| Ok(User::find(conn, id)?)).await?;
            let mut context = context(&state, &user).await?;
            context.insert("subject", &subject);
            problem.show(&mut context, &form.values());
            render_status("admin/user.html", &context, problem.status)
        }
    }
}

/// The edit form always sends role, scope and active; a blank scope clears it.
fn changes_from(form: &FormData) -> Result<UserChanges, AppError> {
    let id = |field: &str| -> Result<Option<i64>, AppError> {
        crate::api::query::parse::<i64>(field, form.get(field))
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
    })
}
