//! The parameters of the dashboard and the evidence (API and pages alike), each error naming
//! its parameter, and the evidence downloads.

use actix_web::HttpResponse;
use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use chrono::{Months, NaiveDate, Utc};

use super::CurrentUser;
use super::params::{optional, optional_id};
use crate::access::{ReportScope, Scope};
use crate::error::AppError;
use crate::reports::evidence::Evidence;
use crate::reports::period::MonthPeriod;
use crate::reports::render::{self, Format};
use crate::reports::scope::Narrowing;

/// The period asked for: `from` and `to`, by default the twelve months to today.
pub(crate) fn period(
    get: &dyn Fn(&str) -> Option<String>,
) -> Result<(NaiveDate, NaiveDate), AppError> {
    let to = optional::<NaiveDate>("to", get("to").as_deref())?
        .unwrap_or_else(|| Utc::now().date_naive());
    let from = optional::<NaiveDate>("from", get("from").as_deref())?.unwrap_or_else(|| {
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
pub(crate) fn dashboard_scope(
    user: &CurrentUser,
    get: &dyn Fn(&str) -> Option<String>,
) -> Result<(ReportScope, Narrowing), AppError> {
    if matches!(user.actor.scope, Scope::Evidence { .. }) {
        return Err(AppError::Forbidden);
    }
    let branch: Option<i64> = optional_id("branch_id", get("branch_id").as_deref())?;
    let region: Option<i64> = optional_id("region_id", get("region_id").as_deref())?;
    let employer: Option<i64> = optional_id("employer_id", get("employer_id").as_deref())?;
    let scope = match (branch, region) {
        (Some(b), _) => ReportScope::Branch(b.into()),
        (None, Some(r)) => ReportScope::Region(r.into()),
        (None, None) => ReportScope::default_for(user.actor.scope),
    };
    Ok((
        scope,
        Narrowing {
            branch: None,
            employer: employer.map(Into::into),
        },
    ))
}

/// The evidence scope asked for (`scope=national|region:ID|branch:ID`), or the caller's widest.
pub(crate) fn evidence_scope(
    user: &CurrentUser,
    get: &dyn Fn(&str) -> Option<String>,
) -> Result<ReportScope, AppError> {
    Ok(optional::<ReportScope>("scope", get("scope").as_deref())?
        .unwrap_or_else(|| ReportScope::default_for(user.actor.scope)))
}

/// Evidence in a format, as a download for CSV and Markdown.
pub(crate) fn evidence_response(e: &Evidence, format: Format) -> Result<HttpResponse, AppError> {
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

/// The evidence period from `from` and `to`: dates in the API, months too on pages.
pub(crate) fn evidence_period(
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
