use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::DbConn;
use crate::db::schema::settings;

/// A named value an administrator can change (thresholds, windows, retention), so that no
/// rule carries a literal in code. Defaults are inserted by the first migration.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = settings)]
pub struct Setting {
    pub key: String,
    pub value: String,
    pub updated_at: NaiveDateTime,
}

impl Setting {
    pub fn all(conn: &mut DbConn) -> QueryResult<Vec<Setting>> {
        settings::table
            .order(settings::key)
            .select(Setting::as_select())
            .load(conn)
    }
}
