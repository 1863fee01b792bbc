//! SQL that differs between SQLite and PostgreSQL and is not a query the builder writes: the
//! catalogue of tables and columns.

use diesel::prelude::*;
use diesel::sql_types::Text;

use super::DbConn;
use crate::error::AppError;

#[derive(QueryableByName)]
struct Column {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
}

/// Every (table, column) of the application's schema, in table order; migration bookkeeping
/// left out.
pub fn columns(conn: &mut DbConn) -> Result<Vec<(String, String)>, AppError> {
    let sql = match conn {
        DbConn::Sqlite(_) => {
            "SELECT m.name AS table_name, p.name AS column_name \
             FROM sqlite_master m, pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' \
               AND m.name <> '__diesel_schema_migrations' \
             ORDER BY m.name, p.cid"
        }
        #[cfg(feature = "postgres")]
        DbConn::Pg(_) => {
            "SELECT table_name::TEXT AS table_name, column_name::TEXT AS column_name \
             FROM information_schema.columns \
             WHERE table_schema = current_schema() \
               AND table_name <> '__diesel_schema_migrations' \
             ORDER BY table_name, ordinal_position"
        }
    };
    let rows: Vec<Column> = crate::db_run!(conn, { diesel::sql_query(sql).load(conn)? });
    Ok(rows
        .into_iter()
        .map(|c| (c.table_name, c.column_name))
        .collect())
}
