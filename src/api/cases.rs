//! Cases in the caller's scope. Every read is audited.

use std::collections::HashMap;

use actix_web::{HttpResponse, get, web};

use super::query::{ListPage, Paging, parse};
use crate::audit::{self, Event};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::models::{Case, CaseFilter, CaseId, CaseStatus, CaseType, Stage};
use crate::state::AppState;

#[get("/cases")]
pub async fn list(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let casework = user.casework()?;
    let get = |k: &str| query.get(k).map(String::as_str);
    let paging = Paging::from_query(get("page"), get("per_page"))?;
    let filter = CaseFilter {
        case_type: parse::<CaseType>("type", get("type"))?,
        status: parse::<CaseStatus>("status", get("status"))?,
        stage: parse::<Stage>("stage", get("stage"))?,
        branch_id: parse::<i64>("branch_id", get("branch_id"))?.map(Into::into),
        member_id: parse::<i64>("member_id", get("member_id"))?.map(Into::into),
    };
    let actor = user.id();
    let shared = state.clone();
    let page = state
        .db
        .run(move |conn| {
            let (items, total) = Case::list_in(conn, casework, &filter, paging)?;
            if let Some(event) = audit::listed(actor, "case", items.iter().map(|c| c.id.0)) {
                shared.audit.read(event);
            }
            Ok(ListPage::new(items, total, paging))
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

#[get("/cases/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let casework = user.casework()?;
    let id = CaseId(id.into_inner());
    let actor = user.id();
    let shared = state.clone();
    let case = state
        .db
        .run(move |conn| {
            let case = Case::find_in(conn, casework, id)?;
            shared
                .audit
                .read(Event::new(Some(actor), "read", "case").id(id.0));
            Ok(case)
        })
        .await?;
    Ok(HttpResponse::Ok().json(case))
}
