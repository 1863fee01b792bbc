//! `/admin/settings`: the thresholds and windows the rules use.

use actix_web::{HttpResponse, get, post, web};

use crate::accounts::users as accounts;
use crate::http::CurrentUser;
use crate::http::form::FormData;
use crate::models::setting::SETTINGS;
use crate::state::AppState;
use crate::web::layout;
use crate::web::page::{PageError, Submitted, render, render_status, see_other, submit};

async fn context(state: &AppState, user: &CurrentUser) -> Result<tera::Context, PageError> {
    let stored = accounts::settings(state, user.actor).await?;
    let rows: Vec<_> = SETTINGS
        .iter()
        .map(|(key, label, low, high)| {
            let value = stored
                .iter()
                .find(|s| s.key == *key)
                .map(|s| s.value.clone())
                .unwrap_or_default();
            SettingRow {
                key,
                label,
                low: *low,
                high: *high,
                value,
            }
        })
        .collect();
    let mut context = layout::context(state, user, "/admin/settings").await?;
    context.insert("settings", &rows);
    Ok(context)
}

#[get("/admin/settings")]
pub async fn show(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    user.require_admin()?;
    let mut context = context(&state, &user).await?;
    if query.iter().any(|(k, _)| k == "saved") {
        context.insert("notice", "Saved.");
    }
    render("admin/settings.html", &context)
}

#[post("/admin/settings")]
pub(crate) async fn save(
    state: web::Data<AppState>,
    user: CurrentUser,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    user.require_admin()?;
    let form = FormData::new(form.into_inner());
    let values: Vec<(String, String)> = SETTINGS
        .iter()
        .filter_map(|(key, ..)| form.get(key).map(|v| ((*key).to_owned(), v.to_owned())))
        .collect();
    let work = accounts::save_settings(&state, user.actor, values);
    match submit(&state, &user, &form, work).await? {
        Submitted::Done(()) => Ok(see_other("/admin/settings?saved=1")),
        Submitted::Refused(problem) => {
            let mut context = context(&state, &user).await?;
            problem.show(&mut context, &form.values());
            render_status("admin/settings.html", &context, problem.status)
        }
    }
}

/// A setting as its form shows it: its name, words, range and value.
#[derive(serde::Serialize)]
struct SettingRow {
    key: &'static str,
    label: &'static str,
    low: f64,
    high: f64,
    value: String,
}
