//! The filters of the member and case lists, read from query parameters (API and pages alike),
//! each error naming its parameter.

use chrono::NaiveDate;

use super::params::{optional, optional_id, optional_moment, paging};
use crate::error::AppError;
use crate::models::{CaseFilter, CaseStatus, CaseType, MemberFilter, Stage};
use crate::paging::Paging;
use crate::text::non_empty;

/// Longest search text.
pub const SEARCH_MAX: usize = 200;

/// The search text, trimmed; blank is none, longer than [`SEARCH_MAX`] a 400.
fn search(text: Option<String>) -> Result<Option<String>, AppError> {
    match non_empty(text) {
        Some(q) if q.chars().count() > SEARCH_MAX => Err(AppError::bad_field(
            "q",
            format!("must be at most {SEARCH_MAX} characters"),
        )),
        q => Ok(q),
    }
}

/// The case list's filters and page.
pub(crate) fn cases(
    get: impl Fn(&str) -> Option<String>,
) -> Result<(CaseFilter, Paging), AppError> {
    let param = |k: &str| get(k);
    let filter = CaseFilter {
        case_type: optional::<CaseType>("type", param("type").as_deref())?,
        status: optional::<CaseStatus>("status", param("status").as_deref())?,
        stage: optional::<Stage>("stage", param("stage").as_deref())?,
        branch_id: optional_id("branch_id", param("branch_id").as_deref())?,
        member_id: optional_id("member_id", param("member_id").as_deref())?,
        assigned_to: optional("assigned_to", param("assigned_to").as_deref())?,
        opened_from: optional::<NaiveDate>("opened_from", param("opened_from").as_deref())?,
        opened_to: optional::<NaiveDate>("opened_to", param("opened_to").as_deref())?,
        workload_factor: optional::<bool>("workload_factor", param("workload_factor").as_deref())?,
        referred: optional::<bool>("referred", param("referred").as_deref())?,
        q: search(param("q"))?,
        updated_since: optional_moment("updated_since", param("updated_since").as_deref())?,
        sort: optional("sort", param("sort").as_deref())?.unwrap_or_default(),
    };
    let paging = paging(param("page").as_deref(), param("per_page").as_deref())?;
    Ok((filter, paging))
}

/// The member list's filters and page.
pub(crate) fn members(
    get: impl Fn(&str) -> Option<String>,
) -> Result<(MemberFilter, Paging), AppError> {
    let filter = MemberFilter {
        q: search(get("q"))?,
        branch_id: optional_id("branch_id", get("branch_id").as_deref())?,
        employer_id: optional_id("employer_id", get("employer_id").as_deref())?,
        team: non_empty(get("team")),
        job_role: non_empty(get("job_role")),
        updated_since: optional_moment("updated_since", get("updated_since").as_deref())?,
    };
    let paging = paging(get("page").as_deref(), get("per_page").as_deref())?;
    Ok((filter, paging))
}
