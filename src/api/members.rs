//! Members in the caller's scope. Every read is audited.

use std::collections::HashMap;

use actix_web::{HttpResponse, get, web};

use super::query::{ListPage, Paging, parse};
use crate::audit::{self, Event};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::models::{Member, MemberFilter, MemberId};
use crate::state::AppState;
use crate::text::non_empty;

#[get("/members")]
pub async fn list(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let casework = user.casework()?;
    let get = |k: &str| query.get(k).map(String::as_str);
    let paging = Paging::from_query(get("page"), get("per_page"))?;
    let filter = MemberFilter {
        q: non_empty(get("q").map(str::to_owned)),
        branch_id: parse::<i64>("branch_id", get("branch_id"))?.map(Into::into),
        employer_id: parse::<i64>("employer_id", get("employer_id"))?.map(Into::into),
        team: non_empty(get("team").map(str::to_owned)),
        job_role: non_empty(get("job_role").map(str::to_owned)),
    };
    let actor = user.id();
    let shared = state.clone();
    let page = state
        .db
        .run(move |conn| {
            let (items, total) = Member::list_in(conn, casework, &filter, paging)?;
            if let Some(event) = audit::listed(actor, "member", items.iter().map(|m| m.id.0)) {
                shared.audit.read(event);
            }
            Ok(ListPage::new(items, total, paging))
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

#[get("/members/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let casework = user.casework()?;
    let id = MemberId(id.into_inner());
    let actor = user.id();
    let shared = state.clone();
    let member = state
        .db
        .run(move |conn| {
            let member = Member::find_in(conn, casework, id)?;
            shared
                .audit
                .read(Event::new(Some(actor), "read", "member").id(id.0));
            Ok(member)
        })
        .await?;
    Ok(HttpResponse::Ok().json(member))
}
