//! `/dashboard` and `/evidence`.

use std::collections::HashMap;

use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::{HttpResponse, get, web};
use chrono::{Months, NaiveDate, Utc};

use super::query::parse;
use crate::audit::Event;
use crate::auth::{CurrentUser, Scope};
use crate::error::AppError;
use crate::reports::allowance;
use crate::reports::period::MonthPeriod;
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

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Csv => "csv",
            Self::Markdown => "md",
        }
    }
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
pub fn evidence_response(e: &summary::Evidence, format: Format) -> Result<HttpResponse, AppError> {
    let name = format!(
        "evidence-{}-{}-{}",
        e.scope.to_string().replace(':', "-"),
        e.from,
        e.to
    );
    Ok(match format {
        Format::Json => HttpResponse::Ok().json(e),
        Format::Csv => HttpResponse::Ok()
            .insert_header((CONTENT_TYPE, "text/csv; charset=utf-8"))
            .insert_header((
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.csv\""),
            ))
            .body(render::csv(e)?),
        Format::Markdown => HttpResponse::Ok()
            .insert_header((CONTENT_TYPE, "text/markdown; charset=utf-8"))
            .insert_header((
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.md\""),
            ))
            .body(render::markdown(e)),
    })
}

/// Builds evidence for a caller: the scope must be theirs to see and big enough, the period
/// whole months and long enough, and the summary within their daily allowance. Audited with
/// scope, period and format (no ids: nothing identifiable), refused requests too.
pub async fn evidence_for(
    state: &web::Data<AppState>,
    user: &CurrentUser,
    scope: ReportScope,
    period: MonthPeriod,
    format: &'static str,
) -> Result<summary::Evidence, AppError> {
    let caller = user.scope;
    let actor = user.id();
    let db = state.db.clone();
    read_audited(state, move |conn, audit| {
        let detail = format!(
            "scope={scope} from={} to={} format={format}",
            period.from, period.to
        );
        let answer = (|| {
            scope.check_allowed(conn, caller)?;
            let settings = summary::admit(conn, scope, period)?;
            allowance::claim(
                conn,
                actor,
                scope,
                period,
                Utc::now().naive_utc(),
                settings.evidence_daily_allowance,
            )?;
            let mut spare = db.try_get();
            summary::build(conn, spare.as_deref_mut(), scope, period, &settings)
        })();
        let event = Event::new(Some(actor), "read", "evidence");
        audit.read(match &answer {
            Ok(_) => event.detail(detail),
            Err(error) => event.detail(format!("{detail} refused={}", error.code())),
        });
        answer
    })
    .await
}

/// The evidence period from `from` and `to`: dates in the API, months too on pages.
pub fn evidence_period(
    get: &dyn Fn(&str) -> Option<String>,
    months: bool,
) -> Result<MonthPeriod, AppError> {
    MonthPeriod::parse(
        get("from").as_deref(),
        get("to").as_deref(),
        months,
        Utc::now().date_naive(),
    )
}

#[get("/evidence")]
pub async fn get_evidence(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let get = |k: &str| query.get(k).cloned();
    let scope = evidence_scope(&user, &get)?;
    let period = evidence_period(&get, false)?;
    let format = parse::<Format>("format", get("format").as_deref())?.unwrap_or(Format::Json);
    let built = evidence_for(&state, &user, scope, period, format.name()).await?;
    evidence_response(&built, format)
}
