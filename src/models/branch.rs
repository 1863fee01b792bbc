use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::ids::{BranchId, RegionId};
use crate::db::DbConn;
use crate::db::schema::branches;
use crate::error::AppError;
use crate::validate;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = branches)]
pub struct Branch {
    pub id: BranchId,
    pub region_id: RegionId,
    pub name: String,
    /// Short upper-case code that prefixes case references, e.g. `LDS`.
    pub code: String,
    #[serde(serialize_with = "crate::timestamps::utc")]
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable, Deserialize, utoipa::ToSchema)]
#[diesel(table_name = branches)]
#[serde(deny_unknown_fields)]
pub struct NewBranch {
    pub region_id: RegionId,
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[schema(pattern = "^[A-Za-z0-9]{2,10}$", example = "WGN")]
    pub code: String,
}

#[derive(Debug, Clone, Default, AsChangeset, Deserialize, utoipa::ToSchema)]
#[diesel(table_name = branches)]
#[serde(deny_unknown_fields)]
pub struct UpdateBranch {
    pub region_id: Option<RegionId>,
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[schema(pattern = "^[A-Za-z0-9]{2,10}$", example = "WGN")]
    pub code: Option<String>,
}

crate::models::reference::reference_table!(
    Branch,
    BranchId,
    branches,
    NewBranch,
    UpdateBranch,
    "branch"
);

impl Branch {
    pub fn find_by_code(conn: &mut DbConn, code: &str) -> QueryResult<Option<Branch>> {
        branches::table
            .filter(branches::code.eq(code.trim().to_uppercase()))
            .select(Branch::as_select())
            .first(conn)
            .optional()
    }
}

impl crate::models::reference::Checked for NewBranch {
    fn checked(self, conn: &mut DbConn) -> Result<Self, AppError> {
        let checked = Self {
            region_id: self.region_id,
            name: validate::text("name", &self.name, validate::NAME_MAX)?,
            code: validate::branch_code(&self.code)?,
        };
        super::reference::check_region(conn, Some(checked.region_id))?;
        Ok(checked)
    }
}

impl crate::models::reference::Checked for UpdateBranch {
    fn checked(self, conn: &mut DbConn) -> Result<Self, AppError> {
        let checked = Self {
            region_id: self.region_id,
            name: self
                .name
                .map(|n| validate::text("name", &n, validate::NAME_MAX))
                .transpose()?,
            code: self.code.map(|c| validate::branch_code(&c)).transpose()?,
        };
        super::reference::check_region(conn, checked.region_id)?;
        Ok(checked)
    }
}
