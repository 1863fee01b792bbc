use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::ids::RegionId;
use crate::db::schema::regions;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = regions)]
pub struct Region {
    pub id: RegionId,
    pub name: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable, Deserialize)]
#[diesel(table_name = regions)]
pub struct NewRegion {
    pub name: String,
}

#[derive(Debug, Clone, Default, AsChangeset, Deserialize)]
#[diesel(table_name = regions)]
pub struct UpdateRegion {
    pub name: Option<String>,
}
