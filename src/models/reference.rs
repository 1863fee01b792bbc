//! Regions, branches and employers share one shape: reference data any signed-in user may read
//! and only administrators write. One trait lets the API and the admin pages treat them alike.

use diesel::{OptionalExtension, QueryResult};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{Region, RegionId};
use crate::db::DbConn;
use crate::error::AppError;

pub trait Reference: Serialize + Sized + Send + 'static {
    type Id: From<i64> + Copy + Send + 'static;
    type New: DeserializeOwned + Send + 'static;
    type Update: DeserializeOwned + Send + 'static;
    /// The entity's name in the audit log.
    const ENTITY: &'static str;

    fn id(&self) -> i64;
    fn list(conn: &mut DbConn) -> QueryResult<Vec<Self>>;
    fn find(conn: &mut DbConn, id: Self::Id) -> QueryResult<Self>;
    /// Validates, then inserts.
    fn create(conn: &mut DbConn, new: Self::New) -> Result<Self, AppError>;
    /// Validates, then updates.
    fn update(conn: &mut DbConn, id: Self::Id, changes: Self::Update) -> Result<Self, AppError>;
}

/// What a write checks first: the text rules, and for a branch that its region exists.
pub trait Checked: Sized {
    fn checked(self, conn: &mut DbConn) -> Result<Self, AppError>;
}

pub(super) fn check_region(conn: &mut DbConn, id: Option<RegionId>) -> Result<(), AppError> {
    match id {
        Some(id) => match Region::find(conn, id).optional()? {
            Some(_) => Ok(()),
            None => Err(AppError::invalid("region_id", "no such region")),
        },
        None => Ok(()),
    }
}

/// The queries a reference table answers, all alike (ordered by name), and its
/// [`Reference`] implementation: written once here, stated per table in its own file.
macro_rules! reference_table {
    ($entity:ident, $id:ident, $table:ident, $new:ident, $update:ident, $label:literal) => {
        impl $entity {
            pub(crate) fn list(conn: &mut $crate::db::DbConn) -> QueryResult<Vec<$entity>> {
                $table::table
                    .order($table::name)
                    .select($entity::as_select())
                    .load(conn)
            }

            pub(crate) fn find(conn: &mut $crate::db::DbConn, id: $id) -> QueryResult<$entity> {
                $table::table
                    .find(id)
                    .select($entity::as_select())
                    .first(conn)
            }

            pub(crate) fn create(
                conn: &mut $crate::db::DbConn,
                new: &$new,
            ) -> QueryResult<$entity> {
                diesel::insert_into($table::table)
                    .values(new)
                    .returning($table::all_columns)
                    .get_result(conn)
            }

            pub(crate) fn update(
                conn: &mut $crate::db::DbConn,
                id: $id,
                changes: &$update,
            ) -> QueryResult<$entity> {
                diesel::update($table::table.find(id))
                    .set(changes)
                    .returning($table::all_columns)
                    .get_result(conn)
            }
        }

        impl $crate::models::Reference for $entity {
            type Id = $id;
            type New = $new;
            type Update = $update;
            const ENTITY: &'static str = $label;

            fn id(&self) -> i64 {
                self.id.0
            }
            fn list(conn: &mut $crate::db::DbConn) -> QueryResult<Vec<Self>> {
                $entity::list(conn)
            }
            fn find(conn: &mut $crate::db::DbConn, id: $id) -> QueryResult<Self> {
                $entity::find(conn, id)
            }
            fn create(
                conn: &mut $crate::db::DbConn,
                new: $new,
            ) -> Result<Self, $crate::error::AppError> {
                let new = $crate::models::reference::Checked::checked(new, conn)?;
                Ok($entity::create(conn, &new)?)
            }
            fn update(
                conn: &mut $crate::db::DbConn,
                id: $id,
                changes: $update,
            ) -> Result<Self, $crate::error::AppError> {
                let changes = $crate::models::reference::Checked::checked(changes, conn)?;
                Ok($entity::update(conn, id, &changes)?)
            }
        }
    };
}
pub(crate) use reference_table;
