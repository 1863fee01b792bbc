//! `/admin/audit`: search the audit trail (read-only; no route alters or deletes it).

use crate::web::page::Choice;
use actix_web::{HttpResponse, get, web};
use chrono::NaiveDate;

use crate::accounts::users as accounts;
use crate::http::CurrentUser;
use crate::http::params::{optional, paging};
use crate::models::{AuditEntry, AuditFilter};
use crate::state::AppState;
use crate::text::non_empty;
use crate::web::layout;
use crate::web::page::{FormProblem, PageError, pager, render, render_status};

#[get("/admin/audit")]
pub async fn search(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    user.require_admin()?;
    let get = |k: &str| {
        query
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    let values: std::collections::BTreeMap<&str, &str> = query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let mut context = layout::context(&state, &user, "/admin/audit").await?;
    let everyone = crate::paging::Paging::new(1, crate::paging::MAX_PER_PAGE)?;
    let people: Vec<_> = accounts::list(&state, user.actor, everyone)
        .await?
        .items
        .iter()
        .map(|u| {
            Choice::new(
                u.id.0.to_string(),
                format!("{} ({})", u.display_name, u.username),
            )
        })
        .collect();
    context.insert("users", &people);
    let parsed = (|| {
        let paging = paging(get("page"), get("per_page"))?;
        let filter = AuditFilter {
            user_id: optional::<i64>("user_id", get("user_id"))?.map(Into::into),
            action: non_empty(get("action").map(str::to_owned)),
            entity: non_empty(get("entity").map(str::to_owned)),
            entity_id: optional::<i64>("entity_id", get("entity_id"))?,
            from: optional::<NaiveDate>("from", get("from"))?.and_then(|d| d.and_hms_opt(0, 0, 0)),
            to: optional::<NaiveDate>("to", get("to"))?
                .and_then(|d| d.succ_opt())
                .and_then(|d| d.and_hms_opt(0, 0, 0)),
        };
        Ok((paging, filter))
    })();
    let (paging, filter) = match parsed {
        Ok(parsed) => parsed,
        Err(error) => {
            let problem = FormProblem::from_error(error)?;
            problem.show(&mut context, &values);
            context.insert("entries", &Vec::<AuditEntry>::new());
            return render_status("admin/audit.html", &context, problem.status);
        }
    };
    let (page, names) = accounts::audit_log(&state, user.actor, filter, paging).await?;
    let rows: Vec<_> = page
        .items
        .iter()
        .map(|e| {
            let who = e.user_id.map(|id| {
                names
                    .get(&id.0)
                    .map_or_else(|| format!("user {id}"), |name| format!("{name} ({id})"))
            });
            AuditRow { entry: e, who }
        })
        .collect();
    let query: std::collections::HashMap<String, String> = query.iter().cloned().collect();
    pager(&mut context, "/admin/audit", &query, &page);
    context.insert("values", &values);
    context.insert("page", &page);
    context.insert("rows", &rows);
    render("admin/audit.html", &context)
}

/// An audit entry as the search shows it, with who acted by name.
#[derive(serde::Serialize)]
struct AuditRow<'a> {
    entry: &'a crate::models::AuditEntry,
    who: Option<String>,
}
