use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::ids::{ApiKeyId, UserId};
use crate::db::DbConn;
use crate::db::schema::api_keys;

/// A long-lived API key of an integration's user account. Only its hash is kept.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = api_keys)]
pub struct ApiKey {
    pub id: ApiKeyId,
    pub user_id: UserId,
    pub name: String,
    pub secret_hash: String,
    pub created_at: NaiveDateTime,
    pub created_by: UserId,
    pub revoked_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = api_keys)]
pub struct NewApiKey {
    pub user_id: UserId,
    pub name: String,
    pub secret_hash: String,
    pub created_at: NaiveDateTime,
    pub created_by: UserId,
}

impl ApiKey {
    /// The key, revoked or not, whose secret hashes to `hash`.
    pub(crate) fn by_hash(conn: &mut DbConn, hash: &str) -> QueryResult<Option<ApiKey>> {
        api_keys::table
            .filter(api_keys::secret_hash.eq(hash))
            .select(ApiKey::as_select())
            .first(conn)
            .optional()
    }

    /// A user's keys, the newest first.
    pub(crate) fn of_user(conn: &mut DbConn, user: UserId) -> QueryResult<Vec<ApiKey>> {
        api_keys::table
            .filter(api_keys::user_id.eq(user))
            .order(api_keys::id.desc())
            .select(ApiKey::as_select())
            .load(conn)
    }

    pub(crate) fn insert(conn: &mut DbConn, new: &NewApiKey) -> QueryResult<ApiKey> {
        diesel::insert_into(api_keys::table)
            .values(new)
            .returning(<ApiKey as Selectable<crate::db::Sql>>::construct_selection())
            .get_result(conn)
    }

    /// Marks the key revoked (once: a revoked key keeps the moment it was first revoked).
    pub(crate) fn revoke(conn: &mut DbConn, id: ApiKeyId, at: NaiveDateTime) -> QueryResult<usize> {
        diesel::update(
            api_keys::table
                .find(id)
                .filter(api_keys::revoked_at.is_null()),
        )
        .set(api_keys::revoked_at.eq(Some(at)))
        .execute(conn)
    }
}
