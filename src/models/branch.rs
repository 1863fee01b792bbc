use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::ids::{BranchId, RegionId};
use crate::db::schema::branches;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = branches)]
pub struct Branch {
    pub id: BranchId,
    pub region_id: RegionId,
    pub name: String,
    /// Short upper-case code that prefixes case references, e.g. `LDS`.
    pub code: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable, Deserialize)]
#[diesel(table_name = branches)]
pub struct NewBranch {
    pub region_id: RegionId,
    pub name: String,
    pub code: String,
}

#[derive(Debug, Clone, Default, AsChangeset, Deserialize)]
#[diesel(table_name = branches)]
pub struct UpdateBranch {
    pub region_id: Option<RegionId>,
    pub name: Option<String>,
    pub code: Option<String>,
}
