use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::ids::EmployerId;
use crate::db::DbConn;
use crate::db::schema::employers;
use crate::error::AppError;
use crate::validate;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = employers)]
pub struct Employer {
    pub id: EmployerId,
    pub name: String,
    /// Replaces the `safe_caseload` setting for this employer's staff when set.
    pub safe_caseload_override: Option<f64>,
    #[serde(serialize_with = "crate::timestamps::utc")]
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable, Deserialize, utoipa::ToSchema)]
#[diesel(table_name = employers)]
#[serde(deny_unknown_fields)]
pub struct NewEmployer {
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    pub safe_caseload_override: Option<f64>,
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
}

impl Employer {
    pub(crate) fn list(conn: &mut DbConn) -> QueryResult<Vec<Employer>> {
        employers::table
            .order(employers::name)
            .select(Employer::as_select())
            .load(conn)
    }

    pub(crate) fn find(conn: &mut DbConn, id: EmployerId) -> QueryResult<Employer> {
        employers::table
            .find(id)
            .select(Employer::as_select())
            .first(conn)
    }

    pub fn find_by_name(conn: &mut DbConn, name: &str) -> QueryResult<Option<Employer>> {
        employers::table
            .filter(employers::name.eq(name.trim()))
            .select(Employer::as_select())
            .first(conn)
            .optional()
    }

    pub(crate) fn create(conn: &mut DbConn, new: &NewEmployer) -> QueryResult<Employer> {
        diesel::insert_into(employers::table)
            .values(new)
            .returning(employers::all_columns)
            .get_result(conn)
    }

    pub(crate) fn update(
        conn: &mut DbConn,
        id: EmployerId,
        changes: &UpdateEmployer,
    ) -> QueryResult<Employer> {
        diesel::update(employers::table.find(id))
            .set(changes)
            .returning(employers::all_columns)
            .get_result(conn)
    }
}

impl NewEmployer {
    pub(crate) fn validated(self) -> Result<Self, AppError> {
        Ok(Self {
            name: validate::text("name", &self.name, validate::NAME_MAX)?,
            safe_caseload_override: self
                .safe_caseload_override
                .map(|v| validate::safe_caseload("safe_caseload_override", v))
                .transpose()?,
        })
    }
}

impl UpdateEmployer {
    pub(crate) fn validated(self) -> Result<Self, AppError> {
        Ok(Self {
            name: self
                .name
                .map(|n| validate::text("name", &n, validate::NAME_MAX))
                .transpose()?,
            safe_caseload_override: match self.safe_caseload_override {
                Some(Some(v)) => Some(Some(validate::safe_caseload("safe_caseload_override", v)?)),
                other => other,
            },
        })
    }
}
