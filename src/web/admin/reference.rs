//! `/admin/regions`, `/admin/branches`, `/admin/employers`: one set of handlers over the
//! [`Reference`] trait, one template each.

use actix_web::{HttpResponse, web};
use tera::Context;

use crate::casework::reference_service;
use crate::http::CurrentUser;
use crate::http::form::FormData;
use crate::models::{Branch, Employer, Reference, Region, UpdateEmployer};
use crate::state::AppState;
use crate::web::layout;
use crate::web::page::{
    PageError, Submitted, form_values, render, render_status, see_other, submit,
};

/// Where each kind lives and which template shows it.
trait AdminPage: Reference {
    const PATH: &'static str;
    const TEMPLATE: &'static str;

    /// An edit with the optional fields the form left blank cleared: the page says "blank for
    /// the default", and a blank field is otherwise read as "unchanged".
    fn blank_cleared(update: Self::Update, _form: &FormData) -> Self::Update {
        update
    }
}

impl AdminPage for Region {
    const PATH: &'static str = "/admin/regions";
    const TEMPLATE: &'static str = "admin/regions.html";
}

impl AdminPage for Branch {
    const PATH: &'static str = "/admin/branches";
    const TEMPLATE: &'static str = "admin/branches.html";
}

impl AdminPage for Employer {
    const PATH: &'static str = "/admin/employers";
    const TEMPLATE: &'static str = "admin/employers.html";

    fn blank_cleared(update: UpdateEmployer, form: &FormData) -> UpdateEmployer {
        let blank = |name: &str| form.get(name).is_some_and(|v| v.trim().is_empty());
        UpdateEmployer {
            safe_caseload_override: if blank("safe_caseload_override") {
                Some(None)
            } else {
                update.safe_caseload_override
            },
            supervision_regular_days_override: if blank("supervision_regular_days_override") {
                Some(None)
            } else {
                update.supervision_regular_days_override
            },
            ..update
        }
    }
}

pub(crate) fn routes(cfg: &mut web::ServiceConfig) {
    page::<Region>(cfg);
    page::<Branch>(cfg);
    page::<Employer>(cfg);
}

fn page<R: AdminPage>(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource(R::PATH)
            .route(web::get().to(list::<R>))
            .route(web::post().to(create::<R>)),
    )
    .service(
        web::resource(format!("{}/{{id}}", R::PATH))
            .route(web::get().to(edit::<R>))
            .route(web::post().to(update::<R>)),
    );
}

/// Every kind's page lists its items; branches also need the regions to choose from.
async fn context<R: AdminPage>(
    state: &web::Data<AppState>,
    user: &CurrentUser,
) -> Result<Context, PageError> {
    let items = reference_service::list::<R>(state).await?;
    let regions = reference_service::list::<Region>(state).await?;
    let mut context = layout::context(state, user, R::PATH).await?;
    context.insert("items", &items);
    context.insert("regions", &regions);
    context.insert("path", R::PATH);
    Ok(context)
}

async fn list<R: AdminPage>(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    user.require_admin()?;
    let mut context = context::<R>(&state, &user).await?;
    if query.iter().any(|(k, _)| k == "saved") {
        context.insert("notice", "Saved.");
    }
    render(R::TEMPLATE, &context)
}

async fn edit<R: AdminPage>(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    user.require_admin()?;
    let id = R::Id::from(id.into_inner());
    let item = reference_service::find::<R>(&state, id).await?;
    let mut context = context::<R>(&state, &user).await?;
    context.insert("values", &form_values(&item));
    context.insert("item", &item);
    render(R::TEMPLATE, &context)
}

async fn create<R: AdminPage>(
    state: web::Data<AppState>,
    user: CurrentUser,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    save::<R>(state, user, None, FormData::new(form.into_inner())).await
}

async fn update<R: AdminPage>(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    save::<R>(
        state,
        user,
        Some(id.into_inner()),
        FormData::new(form.into_inner()),
    )
    .await
}

/// Creates (no id) or updates, then back to the list; a refusal shows the form again.
async fn save<R: AdminPage>(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: Option<i64>,
    form: FormData,
) -> Result<HttpResponse, PageError> {
    user.require_admin()?;
    let work = async {
        match id {
            None => reference_service::create::<R>(&state, user.actor, form.parse()?).await,
            Some(raw) => {
                let id = R::Id::from(raw);
                let update = R::blank_cleared(form.parse()?, &form);
                reference_service::update::<R>(&state, user.actor, id, update).await
            }
        }
    };
    match submit(&state, &user, &form, work).await? {
        Submitted::Done(_) => Ok(see_other(&format!("{}?saved=1", R::PATH))),
        Submitted::Refused(problem) => {
            let mut context = context::<R>(&state, &user).await?;
            if let Some(raw) = id {
                let item = reference_service::find::<R>(&state, R::Id::from(raw)).await?;
                context.insert("item", &item);
            }
            problem.show(&mut context, &form.values());
            render_status(R::TEMPLATE, &context, problem.status)
        }
    }
}
