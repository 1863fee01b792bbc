//! A user's API keys on their admin page: issue one (shown once), revoke one.

use actix_web::{HttpResponse, post, web};

use crate::accounts::api_keys;
use crate::accounts::users as accounts;
use crate::http::CurrentUser;
use crate::http::form::FormData;
use crate::models::{ApiKeyId, UserId};
use crate::state::AppState;
use crate::web::page::{
    PageError, Submitted, form_values, render, render_status, see_other, submit,
};

/// The keys as the user page lists them.
#[derive(serde::Serialize)]
pub(crate) struct KeyRow {
    id: i64,
    name: String,
    created_at: String,
    revoked_at: Option<String>,
}

pub(crate) async fn rows(
    state: &AppState,
    user: &CurrentUser,
    id: UserId,
) -> Result<Vec<KeyRow>, PageError> {
    let moment = |at: chrono::NaiveDateTime| at.format("%Y-%m-%d %H:%M UTC").to_string();
    Ok(api_keys::list(state, user.actor, id)
        .await?
        .into_iter()
        .map(|k| KeyRow {
            id: k.id.0,
            name: k.name,
            created_at: moment(k.created_at),
            revoked_at: k.revoked_at.map(moment),
        })
        .collect())
}

/// Issues a key; the answer is the user page with the key shown this once.
#[post("/admin/users/{id}/api-keys")]
pub(crate) async fn issue(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    user.require_admin()?;
    let form = FormData::new(form.into_inner());
    let id = UserId(id.into_inner());
    let name = form.get("name").unwrap_or_default().to_owned();
    let work = api_keys::issue(&state, user.actor, id, name);
    let submitted = submit(&state, &user, &form, work).await?;
    let subject = accounts::find(&state, user.actor, id).await?;
    let mut context = super::users::context(&state, &user).await?;
    context.insert("values", &form_values(&subject));
    context.insert("subject", &subject);
    match submitted {
        Submitted::Done(issued) => {
            context.insert("issued_key", &issued.secret);
            context.insert("api_keys", &rows(&state, &user, id).await?);
            context.insert(
                "notice",
                "The new key is below. Copy it into the integration now: it is shown only this once.",
            );
            render("admin/user.html", &context)
        }
        Submitted::Refused(problem) => {
            context.insert("api_keys", &rows(&state, &user, id).await?);
            context.insert("key_error", &problem.message);
            render_status("admin/user.html", &context, problem.status)
        }
    }
}

/// Revokes a key; it stops working at once.
#[post("/admin/users/{id}/api-keys/{key}/revoke")]
pub(crate) async fn revoke(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, i64)>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    user.require_admin()?;
    let form = FormData::new(form.into_inner());
    user.check_csrf(&state, form.csrf())?;
    let (owner, key) = path.into_inner();
    api_keys::revoke(&state, user.actor, UserId(owner), ApiKeyId(key)).await?;
    Ok(see_other(&format!("/admin/users/{owner}?revoked=1")))
}
