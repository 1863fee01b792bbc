use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::enums::Role;
use super::ids::{BranchId, RegionId, UserId};
use crate::db::DbConn;
use crate::db::schema::users;
use crate::paging::Paging;

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
    #[serde(serialize_with = "crate::timestamps::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::timestamps::utc")]
    pub updated_at: NaiveDateTime,
    /// Whether their calendar feed carries a hearing's place (their choice; off by default).
    #[serde(skip)]
    pub calendar_places: bool,
    /// Where reminders go (set by an administrator); none, no email.
    pub email: Option<String>,
    /// Whether they chose the morning digest of what falls due (their choice; off by default).
    pub email_digest: bool,
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
    pub email: Option<String>,
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
    pub email: Option<Option<String>>,
}

impl User {
    pub(crate) fn find(conn: &mut DbConn, id: UserId) -> QueryResult<User> {
        users::table.find(id).select(User::as_select()).first(conn)
    }

    /// Usernames are matched without regard to case.
    pub(crate) fn find_by_username(conn: &mut DbConn, username: &str) -> QueryResult<Option<User>> {
        users::table
            .filter(users::username.eq(username.trim().to_lowercase()))
            .select(User::as_select())
            .first(conn)
            .optional()
    }

    /// The display names of these users, by id (to say who did what).
    pub(crate) fn names(
        conn: &mut DbConn,
        ids: impl IntoIterator<Item = UserId>,
    ) -> QueryResult<std::collections::BTreeMap<i64, String>> {
        let mut ids: Vec<UserId> = ids.into_iter().collect();
        ids.sort_unstable_by_key(|id| id.0);
        ids.dedup();
        if ids.is_empty() {
            return Ok(Default::default());
        }
        let rows: Vec<(UserId, String)> = users::table
            .filter(users::id.eq_any(ids))
            .select((users::id, users::display_name))
            .load(conn)?;
        Ok(rows.into_iter().map(|(id, name)| (id.0, name)).collect())
    }

    /// Active reps who work a branch's cases: its officers and its region's organisers, by name.
    pub(crate) fn reps_of(
        conn: &mut DbConn,
        branch: BranchId,
        region: RegionId,
    ) -> QueryResult<Vec<(UserId, String)>> {
        users::table
            .filter(users::active.eq(true))
            .filter(
                users::role
                    .eq(Role::Officer)
                    .and(users::branch_id.eq(branch))
                    .or(users::role
                        .eq(Role::Organiser)
                        .and(users::region_id.eq(region))),
            )
            .order(users::display_name)
            .select((users::id, users::display_name))
            .load(conn)
    }

    pub(crate) fn count(conn: &mut DbConn) -> QueryResult<i64> {
        users::table.count().get_result(conn)
    }

    pub(crate) fn list(conn: &mut DbConn, paging: Paging) -> QueryResult<(Vec<User>, i64)> {
        let total = users::table.count().get_result(conn)?;
        let items = users::table
            .order(users::username)
            .limit(paging.per_page)
            .offset(paging.offset())
            .select(User::as_select())
            .load(conn)?;
        Ok((items, total))
    }

    pub(crate) fn create(conn: &mut DbConn, new: NewUser) -> QueryResult<User> {
        diesel::insert_into(users::table)
            .values(new)
            .returning(users::all_columns)
            .get_result(conn)
    }

    pub(crate) fn update(
        conn: &mut DbConn,
        id: UserId,
        mut changes: UpdateUser,
    ) -> QueryResult<User> {
        changes.updated_at = Some(chrono::Utc::now().naive_utc());
        diesel::update(users::table.find(id))
            .set(changes)
            .returning(users::all_columns)
            .get_result(conn)
    }

    pub(crate) fn bump_token_version(conn: &mut DbConn, id: UserId) -> QueryResult<()> {
        diesel::update(users::table.find(id))
            .set(users::token_version.eq(users::token_version + 1))
            .execute(conn)
            .map(|_| ())
    }
}

impl User {
    /// The user whose calendar token hashes to `hash` (only the hash is stored).
    pub(crate) fn find_by_calendar_hash(
        conn: &mut DbConn,
        hash: &str,
    ) -> QueryResult<Option<User>> {
        users::table
            .filter(users::calendar_token.eq(hash))
            .select(User::as_select())
            .first(conn)
            .optional()
    }

    /// A new secret feed token's hash (the old URL stops working), or none to revoke the feed.
    pub(crate) fn set_calendar_token(
        conn: &mut DbConn,
        id: UserId,
        token: Option<String>,
    ) -> QueryResult<User> {
        diesel::update(users::table.find(id))
            .set(users::calendar_token.eq(token))
            .returning(users::all_columns)
            .get_result(conn)
    }

    /// The user's own choices: whether their calendar carries places, whether they get the
    /// morning digest. `None` leaves a choice as it is.
    pub(crate) fn set_choices(
        conn: &mut DbConn,
        id: UserId,
        calendar_places: Option<bool>,
        email_digest: Option<bool>,
    ) -> QueryResult<User> {
        diesel::update(users::table.find(id))
            .set((
                calendar_places.map(|p| users::calendar_places.eq(p)),
                email_digest.map(|d| users::email_digest.eq(d)),
            ))
            .returning(users::all_columns)
            .get_result(conn)
    }
}
