//! The filters of the member and case lists, read from query parameters (API and pages alike),
//! each error naming its parameter.

use chrono::NaiveDate;

use super::params::{optional, paging};
use crate::error::AppError;
use crate::models::{CaseFilter, CaseStatus, CaseType, MemberFilter, Stage};
use crate::paging::Paging;
use crate::text::non_empty;

/// The case list's filters and page.
pub(crate) fn cases(
    get: impl Fn(&str) -> Option<String>,
) -> Result<(CaseFilter, Paging), AppError> {
    let param = |k: &str| get(k);
    let filter = CaseFilter {
        case_type: optional::<CaseType>("type", param("type").as_deref())?,
        status: optional::<CaseStatus>("status", param("status").as_deref())?,
        stage: optional::<Stage>("stage", param("stage").as_deref())?,
        branch_id: optional::<i64>("branch_id", param("branch_id").as_deref())?.map(Into::into),
        member_id: optional::<i64>("member_id", param("member_id").as_deref())?.map(Into::into),
        assigned_to: optional::<i64>("assigned_to", param("assigned_to").as_deref())?
            .map(Into::into),
        opened_from: optional::<NaiveDate>("opened_from", param("opened_from").as_deref())?,
        opened_to: optional::<NaiveDate>("opened_to", param("opened_to").as_deref())?,
        workload_factor: optional::<bool>("workload_factor", param("workload_factor").as_deref())?,
        referred: optional::<bool>("referred", param("referred").as_deref())?,
        q: non_empty(param("q")),
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
        q: non_empty(get("q")),
        branch_id: optional::<i64>("branch_id", get("branch_id").as_deref())?.map(Into::into),
        employer_id: optional::<i64>("employer_id", get("employer_id").as_deref())?.map(Into::into),
        team: non_empty(get("team")),
        job_role: non_empty(get("job_role")),
    };
    let paging = paging(get("page").as_deref(), get("per_page").as_deref())?;
    Ok((filter, paging))
}
