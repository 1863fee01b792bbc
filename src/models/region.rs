use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::ids::RegionId;
use crate::db::DbConn;
use crate::db::schema::regions;
use crate::error::AppError;
use crate::validate;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize, utoipa::ToSchema)]
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

impl Region {
    pub(crate) fn list(conn: &mut DbConn) -> QueryResult<Vec<Region>> {
        regions::table
            .order(regions::name)
            .select(Region::as_select())
            .load(conn)
    }

    pub(crate) fn find(conn: &mut DbConn, id: RegionId) -> QueryResult<Region> {
        regions::table
            .find(id)
            .select(Region::as_select())
            .first(conn)
    }

    pub fn find_by_name(conn: &mut DbConn, name: &str) -> QueryResult<Option<Region>> {
        regions::table
            .filter(regions::name.eq(name.trim()))
            .select(Region::as_select())
            .first(conn)
            .optional()
    }

    pub(crate) fn create(conn: &mut DbConn, new: &NewRegion) -> QueryResult<Region> {
        diesel::insert_into(regions::table)
            .values(new)
            .returning(regions::all_columns)
            .get_result(conn)
    }

    pub(crate) fn update(
        conn: &mut DbConn,
        id: RegionId,
        changes: &UpdateRegion,
    ) -> QueryResult<Region> {
        diesel::update(regions::table.find(id))
            .set(changes)
            .returning(regions::all_columns)
            .get_result(conn)
    }
}

impl NewRegion {
    pub(crate) fn validated(self) -> Result<Self, AppError> {
        Ok(Self {
            name: validate::text("name", &self.name, validate::NAME_MAX)?,
        })
    }
}

impl UpdateRegion {
    pub(crate) fn validated(self) -> Result<Self, AppError> {
        Ok(Self {
            name: self
                .name
                .map(|n| validate::text("name", &n, validate::NAME_MAX))
                .transpose()?,
        })
    }
}
