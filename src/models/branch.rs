use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::ids::{BranchId, RegionId};
use crate::db::DbConn;
use crate::db::schema::branches;
use crate::error::AppError;
use crate::validate;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize, utoipa::ToSchema)]
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

impl Branch {
    pub(crate) fn list(conn: &mut DbConn) -> QueryResult<Vec<Branch>> {
        branches::table
            .order(branches::name)
            .select(Branch::as_select())
            .load(conn)
    }

    pub(crate) fn find(conn: &mut DbConn, id: BranchId) -> QueryResult<Branch> {
        branches::table
            .find(id)
            .select(Branch::as_select())
            .first(conn)
    }

    pub fn find_by_code(conn: &mut DbConn, code: &str) -> QueryResult<Option<Branch>> {
        branches::table
            .filter(branches::code.eq(code.trim().to_uppercase()))
            .select(Branch::as_select())
            .first(conn)
            .optional()
    }

    pub(crate) fn create(conn: &mut DbConn, new: &NewBranch) -> QueryResult<Branch> {
        diesel::insert_into(branches::table)
            .values(new)
            .returning(branches::all_columns)
            .get_result(conn)
    }

    pub(crate) fn update(
        conn: &mut DbConn,
        id: BranchId,
        changes: &UpdateBranch,
    ) -> QueryResult<Branch> {
        diesel::update(branches::table.find(id))
            .set(changes)
            .returning(branches::all_columns)
            .get_result(conn)
    }
}

impl NewBranch {
    pub(crate) fn validated(self) -> Result<Self, AppError> {
        Ok(Self {
            region_id: self.region_id,
            name: validate::text("name", &self.name, validate::NAME_MAX)?,
            code: validate::branch_code(&self.code)?,
        })
    }
}

impl UpdateBranch {
    pub(crate) fn validated(self) -> Result<Self, AppError> {
        Ok(Self {
            region_id: self.region_id,
            name: self
                .name
                .map(|n| validate::text("name", &n, validate::NAME_MAX))
                .transpose()?,
            code: self.code.map(|c| validate::branch_code(&c)).transpose()?,
        })
    }
}
