use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::ids::RegionId;
use crate::db::DbConn;
use crate::db::schema::regions;
use crate::error::AppError;
use crate::validate;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = regions)]
pub struct Region {
    pub id: RegionId,
    pub name: String,
    #[serde(serialize_with = "crate::timestamps::utc")]
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable, Deserialize, utoipa::ToSchema)]
#[diesel(table_name = regions)]
#[serde(deny_unknown_fields)]
pub struct NewRegion {
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
}

#[derive(Debug, Clone, Default, AsChangeset, Deserialize, utoipa::ToSchema)]
#[diesel(table_name = regions)]
#[serde(deny_unknown_fields)]
pub struct UpdateRegion {
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
}

crate::models::reference::reference_table!(
    Region,
    RegionId,
    regions,
    NewRegion,
    UpdateRegion,
    "region"
);

impl Region {
    pub fn find_by_name(conn: &mut DbConn, name: &str) -> QueryResult<Option<Region>> {
        regions::table
            .filter(regions::name.eq(name.trim()))
            .select(Region::as_select())
            .first(conn)
            .optional()
    }
}

impl crate::models::reference::Checked for NewRegion {
    fn checked(self, _conn: &mut DbConn) -> Result<Self, AppError> {
        Ok(Self {
            name: validate::text("name", &self.name, validate::NAME_MAX)?,
        })
    }
}

impl crate::models::reference::Checked for UpdateRegion {
    fn checked(self, _conn: &mut DbConn) -> Result<Self, AppError> {
        Ok(Self {
            name: self
                .name
                .map(|n| validate::text("name", &n, validate::NAME_MAX))
                .transpose()?,
        })
    }
}
