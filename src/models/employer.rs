use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::ids::EmployerId;
use crate::db::DbConn;
use crate::db::schema::employers;
use crate::error::AppError;
use crate::validate;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = employers)]
pub struct Employer {
    pub id: EmployerId,
    pub name: String,
    /// Replaces the `safe_caseload` setting for this employer's staff when set.
    pub safe_caseload_override: Option<f64>,
    #[serde(serialize_with = "crate::timestamps::utc")]
    pub created_at: NaiveDateTime,
    /// Replaces the `supervision_regular_days` setting for this employer's staff when set.
    pub supervision_regular_days_override: Option<i32>,
}

#[derive(Debug, Clone, Insertable, Deserialize, utoipa::ToSchema)]
#[diesel(table_name = employers)]
#[serde(deny_unknown_fields)]
pub struct NewEmployer {
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    pub safe_caseload_override: Option<f64>,
    /// The longest gap in days between reflective supervisions that counts as regular for this
    /// employer's staff, when it differs from the setting.
    #[serde(default)]
    #[schema(minimum = 7, maximum = 365)]
    pub supervision_regular_days_override: Option<i32>,
}

#[derive(Debug, Clone, Default, AsChangeset, Deserialize, utoipa::ToSchema)]
#[diesel(table_name = employers)]
#[serde(deny_unknown_fields)]
pub struct UpdateEmployer {
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    /// `Some(None)` clears the override.
    #[serde(default, deserialize_with = "crate::validate::double_option")]
    pub safe_caseload_override: Option<Option<f64>>,
    /// `Some(None)` clears the override.
    #[serde(default, deserialize_with = "crate::validate::double_option")]
    #[schema(minimum = 7, maximum = 365)]
    pub supervision_regular_days_override: Option<Option<i32>>,
}

crate::models::reference::reference_table!(
    Employer,
    EmployerId,
    employers,
    NewEmployer,
    UpdateEmployer,
    "employer"
);

impl crate::models::reference::Checked for NewEmployer {
    fn checked(self, _conn: &mut DbConn) -> Result<Self, AppError> {
        Ok(Self {
            name: validate::text("name", &self.name, validate::NAME_MAX)?,
            safe_caseload_override: self
                .safe_caseload_override
                .map(|v| validate::safe_caseload("safe_caseload_override", v))
                .transpose()?,
            supervision_regular_days_override: self
                .supervision_regular_days_override
                .map(|v| validate::regular_days("supervision_regular_days_override", v))
                .transpose()?,
        })
    }
}

impl crate::models::reference::Checked for UpdateEmployer {
    fn checked(self, _conn: &mut DbConn) -> Result<Self, AppError> {
        Ok(Self {
            name: self
                .name
                .map(|n| validate::text("name", &n, validate::NAME_MAX))
                .transpose()?,
            safe_caseload_override: match self.safe_caseload_override {
                Some(Some(v)) => Some(Some(validate::safe_caseload("safe_caseload_override", v)?)),
                other => other,
            },
            supervision_regular_days_override: match self.supervision_regular_days_override {
                Some(Some(v)) => Some(Some(validate::regular_days(
                    "supervision_regular_days_override",
                    v,
                )?)),
                other => other,
            },
        })
    }
}
