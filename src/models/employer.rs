use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::ids::EmployerId;
use crate::db::schema::employers;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = employers)]
pub struct Employer {
    pub id: EmployerId,
    pub name: String,
    /// Replaces the `safe_caseload` setting for this employer's staff when set.
    pub safe_caseload_override: Option<f64>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable, Deserialize)]
#[diesel(table_name = employers)]
pub struct NewEmployer {
    pub name: String,
    pub safe_caseload_override: Option<f64>,
}

#[derive(Debug, Clone, Default, AsChangeset, Deserialize)]
#[diesel(table_name = employers)]
pub struct UpdateEmployer {
    pub name: Option<String>,
    /// `Some(None)` clears the override.
    pub safe_caseload_override: Option<Option<f64>>,
}
