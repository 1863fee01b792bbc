use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::enums::Role;
use super::ids::{BranchId, RegionId, UserId};
use crate::db::schema::users;

/// Someone who signs in. The scope columns follow the role (checked by the database):
/// an officer has a branch, an organiser a region, a delegate at most a region.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = users)]
pub struct User {
    pub id: UserId,
    pub username: String,
    #[serde(skip)]
    pub password_hash: String,
    pub display_name: String,
    pub role: Role,
    pub branch_id: Option<BranchId>,
    pub region_id: Option<RegionId>,
    pub active: bool,
    /// Bumped on sign-out, password change and deactivation: older tokens stop working.
    #[serde(skip)]
    pub token_version: i32,
    #[serde(skip)]
    pub calendar_token: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser {
    pub username: String,
    pub password_hash: String,
    pub display_name: String,
    pub role: Role,
    pub branch_id: Option<BranchId>,
    pub region_id: Option<RegionId>,
    pub active: bool,
}

#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = users)]
pub struct UpdateUser {
    pub password_hash: Option<String>,
    pub display_name: Option<String>,
    pub role: Option<Role>,
    pub branch_id: Option<Option<BranchId>>,
    pub region_id: Option<Option<RegionId>>,
    pub active: Option<bool>,
    pub token_version: Option<i32>,
    pub calendar_token: Option<Option<String>>,
    pub updated_at: Option<NaiveDateTime>,
}
