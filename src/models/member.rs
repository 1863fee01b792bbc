use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::enums::{AgeBand, EthnicGroup};
use super::ids::{BranchId, EmployerId, MemberId};
use crate::db::schema::members;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = members)]
pub struct Member {
    pub id: MemberId,
    pub branch_id: BranchId,
    pub employer_id: EmployerId,
    pub membership_number: String,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub job_role: String,
    pub team: Option<String>,
    pub fte: f64,
    pub start_date: Option<NaiveDate>,
    /// Equality data is held only when the member consented to it being recorded.
    pub equality_consent: bool,
    pub age_band: Option<AgeBand>,
    pub ethnic_group: Option<EthnicGroup>,
    #[serde(skip)]
    pub search_text: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = members)]
pub struct NewMember {
    pub branch_id: BranchId,
    pub employer_id: EmployerId,
    pub membership_number: String,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub job_role: String,
    pub team: Option<String>,
    pub fte: f64,
    pub start_date: Option<NaiveDate>,
    pub equality_consent: bool,
    pub age_band: Option<AgeBand>,
    pub ethnic_group: Option<EthnicGroup>,
    pub search_text: String,
}

#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = members)]
pub struct UpdateMember {
    pub branch_id: Option<BranchId>,
    pub employer_id: Option<EmployerId>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    pub job_role: Option<String>,
    pub team: Option<Option<String>>,
    pub fte: Option<f64>,
    pub start_date: Option<Option<NaiveDate>>,
    pub equality_consent: Option<bool>,
    pub age_band: Option<Option<AgeBand>>,
    pub ethnic_group: Option<Option<EthnicGroup>>,
    pub search_text: Option<String>,
    pub updated_at: Option<NaiveDateTime>,
}

/// The lower-case text that name and number searches match against, the same on both
/// backends (LIKE is case-insensitive on SQLite and case-sensitive on PostgreSQL).
pub fn search_text(first_name: &str, last_name: &str, membership_number: &str) -> String {
    format!("{first_name} {last_name} {membership_number}").to_lowercase()
}
