//! The query parameters of the API's routes, as the OpenAPI document describes them. The
//! handlers read them one by one through `http::filters` and `http::params`, so that each error
//! names its parameter (a blank one too: `api::query`); a test sends a wrong value of each
//! typed parameter and expects the 400 to name it, so this description and the reading cannot
//! drift apart.

use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::models::{BranchId, CaseStatus, CaseType, EmployerId, MemberId, Stage};

/// Paging of a list: `page` from 1, `per_page` from 1 to 200 (default 50).
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1_000_000)]
    pub page: Option<i64>,
    /// Rows per page.
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<i64>,
}

/// Filters of the member list (and of the workload export).
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MemberListParams {
    /// Part of a name or membership number, any case; `%` and `_` are literal.
    #[param(min_length = 1, max_length = 200)]
    pub q: Option<String>,
    pub branch_id: Option<BranchId>,
    pub employer_id: Option<EmployerId>,
    /// The member's team, exactly.
    #[param(min_length = 1)]
    pub team: Option<String>,
    /// The member's job role, exactly.
    #[param(min_length = 1)]
    pub job_role: Option<String>,
    /// Changed at or after this moment: RFC 3339 (`2026-12-02T14:05:00Z`) or a date (its
    /// midnight in UTC). For incremental sync: keep the moment a sync starts, and ask for what
    /// changed since the previous one.
    pub updated_since: Option<String>,
}

/// Filters of the case list (and of the case export).
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseListParams {
    /// The case type.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub case_type: Option<CaseType>,
    pub status: Option<CaseStatus>,
    pub stage: Option<Stage>,
    pub branch_id: Option<BranchId>,
    pub member_id: Option<MemberId>,
    /// The rep working the case: a user id, `me` (the caller) or `none` (no rep yet).
    #[param(pattern = "^([1-9][0-9]*|me|none)$")]
    pub assigned_to: Option<String>,
    /// Opened on or after this date.
    pub opened_from: Option<NaiveDate>,
    /// Opened on or before this date.
    pub opened_to: Option<NaiveDate>,
    /// Whether workload was a factor.
    pub workload_factor: Option<bool>,
    /// Referred to the region (an organiser's queue) or not.
    pub referred: Option<bool>,
    /// Part of a reference, a member's name or number, or words of the summary or timeline.
    #[param(min_length = 1, max_length = 200)]
    pub q: Option<String>,
    /// Order: newest opened first (default), oldest first, by reference, or by the soonest
    /// open deadline (cases with none last).
    #[param(pattern = "^(-opened_on|opened_on|reference|next_deadline)$")]
    pub sort: Option<String>,
    /// Changed at or after this moment: RFC 3339 (`2026-12-02T14:05:00Z`) or a date (its
    /// midnight in UTC). For incremental sync: keep the moment a sync starts, and ask for what
    /// changed since the previous one.
    pub updated_since: Option<String>,
}

/// Which upcoming deadlines.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UpcomingParams {
    /// Overdue ones and those due within this many days (default 14).
    #[param(minimum = 0, maximum = 366)]
    pub within_days: Option<i64>,
    /// Only the deadlines of cases assigned to the caller.
    pub mine: Option<bool>,
}

/// How a CSV import runs.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// Check every row and report, writing nothing.
    pub dry_run: Option<bool>,
    /// Create employers named in the file that do not exist yet (members import).
    pub create_employers: Option<bool>,
}

/// The area and period of a dashboard.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DashboardParams {
    /// One branch (within the caller's areas).
    pub branch_id: Option<BranchId>,
    /// One region (within the caller's areas).
    pub region_id: Option<crate::models::RegionId>,
    /// Only the staff of this employer.
    pub employer_id: Option<EmployerId>,
    /// First day (default: a year before `to`).
    pub from: Option<NaiveDate>,
    /// Last day (default: today).
    pub to: Option<NaiveDate>,
}

/// The scope, period and format of an evidence release.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EvidenceParams {
    /// `national`, `region:{id}` or `branch:{id}` (default: the caller's widest).
    #[param(pattern = "^(national|region:[0-9]+|branch:[0-9]+)$")]
    pub scope: Option<String>,
    /// A period of the menu: a calendar quarter (`2026-Q1`, not for a branch), a calendar year
    /// (`2026`) or a financial year from April to March (`2025-26`); default: the latest
    /// year-long period published.
    #[param(pattern = "^[0-9]{4}(-Q[1-4]|-[0-9]{2})?$")]
    pub period: Option<String>,
    /// `json` (default), `csv` or `markdown`; without it, the `Accept` header decides.
    #[param(pattern = "^(json|csv|md|markdown)$")]
    pub format: Option<String>,
}

/// The scope whose releases are listed.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReleasesParams {
    /// `national`, `region:{id}` or `branch:{id}` (default: the caller's widest).
    #[param(pattern = "^(national|region:[0-9]+|branch:[0-9]+)$")]
    pub scope: Option<String>,
}
