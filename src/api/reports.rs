//! `/dashboard` and `/evidence`.

use std::collections::HashMap;

use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::{HttpResponse, get, web};
use chrono::{Months, NaiveDate, Utc};

use super::query::parse;
use crate::audit::Event;
use crate::auth::{CurrentUser, Scope};
use crate::error::AppError;
use crate::reports::scope::{Narrowing, ReportScope};
use crate::reports::{dashboard as board, evidence as summary, render};
use crate::state::{AppState, read_audited};

/// The period asked for: `from` and `to`, by default the twelve months to today.
pub fn period(get: &dyn Fn(&str) -> Option<String>) -> Result<(NaiveDate, NaiveDate), AppError> {
    let to =
        parse::<NaiveDate>("to", get("to").as_deref())?.unwrap_or_else(|| Utc::now().date_naive());
    let from = parse::<NaiveDate>("from", get("from").as_deref())?.unwrap_or_else(|| {
        to.checked_sub_months(Months::new(12))
            .and_then(|d| d.succ_opt())
            .unwrap_or(to)
    });
    if from > to {
        return Err(AppError::bad_field("from", "must not be after to"));
    }
    if (to - from).num_days() > 366 * 10 {
        return Err(AppError::bad_field(
            "from",
            "the period can be at most ten years",
        ));
    }
    Ok((from, to))
}

/// The dashboard's scope from `branch_id` / `region_id`, or the caller's own.
pub fn dashboard_scope(
    user: &CurrentUser,
    get: &dyn Fn(&str) -> Option<String>,
) -> Result<(ReportScope, Narrowing), AppError> {
    if matches!(user.scope, Scope::Evidence { .. }) {
        return Err(AppError::Forbidden);
    }
    let branch = parse::<i64>("branch_id", get("branch_id").as_deref())?;
    let region = parse::<i64>("region_id", get("region_id").as_deref())?;
    let employer = parse::<i64>("employer_id", get("employer_id").as_deref())?;
    let scope = match (branch, region) {
        (Some(b), _) => ReportScope::Branch(b.into()),
        (None, Some(r)) => ReportScope::Region(r.into()),
        (None, None) => ReportScope::default_for(user.scope),
    };
    Ok((
        scope,
        Narrowing {
            branch: None,
            employer: employer.map(Into::into),
        },
    ))
}

#[get("/dashboard")]
pub async fn get_dashboard(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let get = |k: &str| query.get(k).cloned();
    let (scope, narrowing) = dashboard_scope(&user, &get)?;
    let (from, to) = period(&get)?;
    let board = dashboard_for(&state, &user, scope, narrowing, from, to).await?;
    Ok(HttpResponse::Ok().json(board))
}

/// Builds a dashboard for a caller, checking the scope is theirs.
pub async fn dashboard_for(
    state: &web::Data<AppState>,
    user: &CurrentUser,
    scope: ReportScope,
    narrowing: Narrowing,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<board::Dashboard, AppError> {
    let caller = user.scope;
    let db = state.db.clone();
    state
        .db
        .run(move |conn| {
            scope.check_allowed(conn, caller)?;
            let mut spare = db.try_get();
            board::build(conn, spare.as_deref_mut(), scope, narrowing, from, to)
        })
        .await
}

/// The evidence scope asked for (`scope=national|region:ID|branch:ID`), or the caller's widest.
pub fn evidence_scope(
    user: &CurrentUser,
    get: &dyn Fn(&str) -> Option<String>,
) -> Result<ReportScope, AppError> {
    Ok(parse::<ReportScope>("scope", get("scope").as_deref())?
        .unwrap_or_else(|| ReportScope::default_for(user.scope)))
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
    Markdown,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "json" => Ok(Self::Json),
            "csv" => Ok(Self::Csv),
            "md" | "markdown" => Ok(Self::Markdown),
            _ => Err("expected json, csv or md".into()),
        }
    }
}

/// Evidence in a format, as a download for CSV and Markdown.
pub fn evidence_response(e: &summary::Evidence, format: Format) -> HttpResponse {
    let name = format!(
        "evidence-{}-{}-{}",
        e.scope.to_string().replace(':', "-"),
        e.from,
        e.to
    );
    match format {
        Format::Json => HttpResponse::Ok().json(e),
        Format::Csv => HttpResponse::Ok()
            .insert_header((CONTENT_TYPE, "text/csv; charset=utf-8"))
            .insert_header((
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.csv\""),
            ))
            .body(render::csv(e)),
        Format::Markdown => HttpResponse::Ok()
            .insert_header((CONTENT_TYPE, "text/markdown; charset=utf-8"))
            .insert_header((
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.md\""),
            ))
            .body(render::markdown(e)),
    }
}

/// Builds evidence for a caller, checking the scope is theirs; audited (no ids: nothing identifiable).
pub async fn evidence_for(
    state: &web::Data<AppState>,
    user: &CurrentUser,
    scope: ReportScope,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<summary::Evidence, AppError> {
    let caller = user.scope;
    let actor = user.id();
    let db = state.db.clone();
    read_audited(state, move |conn, audit| {
        scope.check_allowed(conn, caller)?;
        let mut spare = db.try_get();
        let built = summary::build(conn, spare.as_deref_mut(), scope, from, to)?;
        audit.read(
            Event::new(Some(actor), "read", "evidence")
                .detail(format!("scope={scope} from={from} to={to}")),
        );
        Ok(built)
    })
    .await
}

#[get("/evidence")]
pub async fn get_evidence(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let get = |k: &str| query.get(k).cloned();
    let scope = evidence_scope(&user, &get)?;
    let (from, to) = period(&get)?;
    let format = parse::<Format>("format", get("format").as_deref())?.unwrap_or(Format::Json);
    let built = evidence_for(&state, &user, scope, from, to).await?;
    Ok(evidence_response(&built, format))
}
