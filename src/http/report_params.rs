//! The parameters of the dashboard and the evidence (API and pages alike), each error naming
//! its parameter, and the evidence downloads.

use actix_web::HttpResponse;
use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use chrono::{Months, NaiveDate, Utc};

use super::CurrentUser;
use super::params::{optional, optional_id};
use crate::access::{ReportScope, Scope};
use crate::error::AppError;
use crate::reports::releases::menu::CHOICES;
use crate::reports::releases::{self, ReleasePeriod, Stored, publish};
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

/// A release in a format: its stored JSON as it is, CSV and Markdown as downloads made from it.
pub(crate) fn evidence_response(stored: &Stored, format: Format) -> Result<HttpResponse, AppError> {
    let name = format!(
        "evidence-{}",
        releases::reference(stored.scope, stored.period)
    );
    let download = |extension: &str| {
        (
            CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}.{extension}\""),
        )
    };
    Ok(match format {
        Format::Json => HttpResponse::Ok()
            .insert_header((CONTENT_TYPE, "application/json"))
            .body(stored.body.clone()),
        Format::Csv => HttpResponse::Ok()
            .insert_header((CONTENT_TYPE, "text/csv; charset=utf-8"))
            .insert_header(download("csv"))
            .body(render::csv(&publish::read(stored)?)?),
        Format::Markdown => HttpResponse::Ok()
            .insert_header((CONTENT_TYPE, "text/markdown; charset=utf-8"))
            .insert_header(download("md"))
            .body(render::markdown(&publish::read(stored)?)),
    })
}

/// The release period asked for (`period`), or none for the latest year-long one. `from` and
/// `to` are refused: evidence is published for the periods of the menu only.
pub(crate) fn evidence_period(
    get: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<ReleasePeriod>, AppError> {
    if get("from").is_some() || get("to").is_some() {
        return Err(AppError::invalid(
            "period",
            format!(
                "evidence is published for fixed periods, not from and to dates: ask for \
                 period= {CHOICES}"
            ),
        ));
    }
    let Some(text) = get("period") else {
        return Ok(None);
    };
    let text = text.trim();
    // A value that is not even shaped like a period cannot be read (400); one that is, but
    // is not on the menu (a month, say), is refused with the choices (422).
    let shaped = text.len() >= 4
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | '/' | 'Q' | 'q'));
    if !shaped {
        return Err(AppError::bad_field(
            "period",
            format!("{text:?} is not a period: expected {CHOICES}"),
        ));
    }
    text.parse()
        .map(Some)
        .map_err(|why: String| AppError::invalid("period", why))
}
