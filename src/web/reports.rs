//! The dashboard and evidence pages, and the evidence downloads for signed-in browsers.

use std::collections::HashMap;

use actix_web::{HttpResponse, get, web};
use chrono::NaiveDate;

use super::layout;
use super::page::{FormProblem, PageError, render, render_status};
use crate::access::ReportScope;
use crate::casework::reference_service;
use crate::http::CurrentUser;
use crate::http::params::optional;
use crate::http::report_params::{
    dashboard_scope, evidence_period, evidence_response, evidence_scope, period,
};
use crate::models::CaseType;
use crate::reports::releases::publish;
use crate::reports::render::Format;
use crate::reports::{chart, service};
use crate::state::AppState;

/// Regions and branches to choose a scope from.
/// Only the areas the user may choose are offered.
async fn scope_choices(
    state: &web::Data<AppState>,
    user: &CurrentUser,
    context: &mut tera::Context,
) -> Result<(), PageError> {
    let (regions, branches, employers) = reference_service::all(state).await?;
    let caller = user.actor.scope;
    let regions: Vec<_> = regions
        .into_iter()
        .filter(|r| ReportScope::Region(r.id).open_to(caller, None))
        .collect();
    let branches: Vec<_> = branches
        .into_iter()
        .filter(|b| ReportScope::Branch(b.id).open_to(caller, Some(b.region_id)))
        .collect();
    context.insert(
        "national_allowed",
        &ReportScope::National.open_to(caller, None),
    );
    context.insert("regions", &regions);
    context.insert("branches", &branches);
    context.insert("employers", &employers);
    Ok(())
}

#[get("/dashboard")]
pub(crate) async fn dashboard_page(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, PageError> {
    let get = |k: &str| query.get(k).cloned();
    let mut context = layout::context(&state, &user, "/dashboard").await?;
    scope_choices(&state, &user, &mut context).await?;
    context.insert("values", &*query);
    let parsed = dashboard_scope(&user, &get).and_then(|scope| Ok((scope, period(&get)?)));
    let ((scope, narrowing), (from, to)) = match parsed {
        Ok(parsed) => parsed,
        Err(error) => {
            let problem = FormProblem::from_error(error)?;
            problem.show(&mut context, &*query);
            return render_status("reports/dashboard.html", &context, problem.status);
        }
    };
    let board = service::dashboard(&state, user.actor, scope, narrowing, from, to).await?;
    let months: Vec<String> = board.months.iter().map(|m| m.month.clone()).collect();
    let series: Vec<(String, Vec<i64>)> = CaseType::ALL
        .iter()
        .map(|t| {
            let values = board
                .months
                .iter()
                .map(|m| *m.opened_by_type.get(t.as_str()).unwrap_or(&0))
                .collect();
            (t.label().to_owned(), values)
        })
        .collect();
    let medians: Vec<(NaiveDate, f64)> = board
        .months
        .iter()
        .filter_map(|m| {
            let date = NaiveDate::parse_from_str(&format!("{}-01", m.month), "%Y-%m-%d").ok()?;
            Some((date, m.median_caseload_per_fte?))
        })
        .collect();
    let bands: Vec<String> = board
        .distribution
        .iter()
        .map(|band| band.from.to_string())
        .collect();
    let distribution = vec![(
        "Members".to_owned(),
        board
            .distribution
            .iter()
            .map(|band| band.members)
            .collect::<Vec<i64>>(),
    )];
    context.insert(
        "chart_opened",
        &chart::stacked_bars(&months, &series, "Cases opened each month, by type"),
    );
    context.insert(
        "chart_median",
        &chart::caseload_line(
            &medians,
            board.safe_caseload,
            "Median open cases per FTE each month",
        ),
    );
    context.insert(
        "chart_distribution",
        &chart::stacked_bars(&bands, &distribution, "Members by open cases per FTE"),
    );
    let supervision_months: Vec<String> = board
        .supervision
        .months
        .iter()
        .map(|m| m.month.clone())
        .collect();
    let supervision_series = vec![
        (
            "Regular reflective supervision".to_owned(),
            board.supervision.months.iter().map(|m| m.regular).collect(),
        ),
        (
            "Without".to_owned(),
            board
                .supervision
                .months
                .iter()
                .map(|m| m.members_counted - m.regular)
                .collect::<Vec<i64>>(),
        ),
    ];
    let supervision_rows: Vec<_> = board
        .supervision
        .branches
        .iter()
        .chain(&board.supervision.employers)
        .chain(std::iter::once(&board.supervision.total))
        .collect();
    context.insert("supervision_rows", &supervision_rows);
    context.insert(
        "chart_supervision",
        &chart::stacked_bars(
            &supervision_months,
            &supervision_series,
            "Members with and without regular reflective supervision at each month's end",
        ),
    );
    context.insert(
        "types",
        &CaseType::ALL
            .iter()
            .map(|t| super::page::Choice::new(t.as_str(), t.label()))
            .collect::<Vec<_>>(),
    );
    context.insert("board", &board);
    render("reports/dashboard.html", &context)
}

#[get("/evidence")]
pub(crate) async fn evidence_page(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, PageError> {
    let get = |k: &str| query.get(k).cloned();
    let mut context = layout::context(&state, &user, "/evidence").await?;
    scope_choices(&state, &user, &mut context).await?;
    context.insert("values", &*query);
    let scope = match evidence_scope(&user, &get) {
        Ok(scope) => scope,
        Err(error) => {
            let problem = FormProblem::from_error(error)?;
            problem.show(&mut context, &*query);
            return render_status("reports/evidence.html", &context, problem.status);
        }
    };
    let listing = match service::releases(&state, user.actor, scope).await {
        Ok(listing) => listing,
        Err(error) => {
            let problem = FormProblem::from_error(error)?;
            problem.show(&mut context, &*query);
            return render_status("reports/evidence.html", &context, problem.status);
        }
    };
    context.insert("releases", &listing);
    context.insert("scope_value", &scope.to_string());
    // The bare page is the form and the list of releases: a release is read (and published,
    // if it is the first request) only when one is asked for.
    if query.get("period").is_none_or(|p| p.trim().is_empty()) {
        return render("reports/evidence.html", &context);
    }
    let answer = match evidence_period(&get) {
        Ok(period) => service::evidence(&state, user.actor, scope, period, "page").await,
        Err(error) => Err(error),
    };
    let stored = match answer {
        Ok(stored) => stored,
        Err(error) => {
            let problem = FormProblem::from_error(error)?;
            problem.show(&mut context, &*query);
            return render_status("reports/evidence.html", &context, problem.status);
        }
    };
    let query_string = serde_urlencoded::to_string([
        ("scope", scope.to_string()),
        ("period", stored.period.to_string()),
    ])
    .unwrap_or_default();
    context.insert("download", &query_string);
    context.insert("evidence", &publish::read(&stored)?);
    render("reports/evidence.html", &context)
}

#[get("/evidence.{format}")]
pub(crate) async fn evidence_download(
    state: web::Data<AppState>,
    user: CurrentUser,
    format: web::Path<String>,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, PageError> {
    let get = |k: &str| query.get(k).cloned();
    let format = optional::<Format>("format", Some(format.as_str()))?.unwrap_or(Format::Json);
    let scope = evidence_scope(&user, &get)?;
    let period = evidence_period(&get)?;
    let stored = service::evidence(&state, user.actor, scope, period, format.name()).await?;
    Ok(evidence_response(&stored, format)?)
}
