//! SQL that differs between SQLite and PostgreSQL and is not a query the builder writes, in one
//! place: the catalogue of tables and columns, numbered parameters, month and rounding
//! expressions for the report summaries, bulk-load settings, and copying the database.

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

/// A query's text with its parameters as the connection's backend numbers them: `?` for
/// SQLite, `$1`, `$2`, … for PostgreSQL.
pub(crate) fn parameters(conn: &DbConn, text: &str) -> String {
    match conn {
        DbConn::Sqlite(_) => text.to_owned(),
        #[cfg(feature = "postgres")]
        DbConn::Pg(_) => numbered(text),
    }
}

/// PostgreSQL's parameters: `$1`, `$2`, … in place of each `?`.
#[cfg_attr(not(feature = "postgres"), allow(dead_code))]
pub(crate) fn numbered(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut n = 0;
    for c in text.chars() {
        if c == '?' {
            n += 1;
            out.push_str(&format!("${n}"));
        } else {
            out.push(c);
        }
    }
    out
}

/// The month of a date column as `YYYY-MM`.
pub(crate) fn month_of(conn: &DbConn, date: &str) -> String {
    match conn {
        DbConn::Sqlite(_) => format!("strftime('%Y-%m', {date})"),
        #[cfg(feature = "postgres")]
        DbConn::Pg(_) => format!("to_char({date}, 'YYYY-MM')"),
    }
}

/// A non-negative number rounded half up to a whole number.
pub(crate) fn round_half_up(conn: &DbConn, value: &str) -> String {
    match conn {
        DbConn::Sqlite(_) => format!("CAST(ROUND({value}) AS BIGINT)"),
        #[cfg(feature = "postgres")]
        DbConn::Pg(_) => format!("CAST(FLOOR({value} + 0.5) AS BIGINT)"),
    }
}

/// Before a bulk load: SQLite keeps index pages in memory (200 MB) instead of re-reading them.
pub(crate) fn before_bulk_load(conn: &mut DbConn) -> Result<(), AppError> {
    use diesel::connection::SimpleConnection;
    match conn {
        DbConn::Sqlite(sqlite) => sqlite.batch_execute("PRAGMA cache_size = -200000")?,
        #[cfg(feature = "postgres")]
        DbConn::Pg(_) => {}
    }
    Ok(())
}

/// After a bulk load: PostgreSQL has no statistics to plan with and no visibility map for
/// index-only scans until autovacuum comes round, so it is given both now.
pub(crate) fn after_bulk_load(conn: &mut DbConn) -> Result<(), AppError> {
    #[cfg(feature = "postgres")]
    use diesel::connection::SimpleConnection;
    match conn {
        DbConn::Sqlite(_) => {}
        #[cfg(feature = "postgres")]
        DbConn::Pg(pg) => pg.batch_execute("VACUUM ANALYZE")?,
    }
    Ok(())
}

/// A consistent copy of an SQLite database while it serves (`VACUUM INTO`, into a file made
/// private first). PostgreSQL is copied with its own tools (`pg_dump`): refused here.
pub(crate) fn copy_database(conn: &mut DbConn, path: &str) -> Result<(), AppError> {
    match conn {
        DbConn::Sqlite(_) => {
            let file = crate::private_file::sqlite_file(path)
                .ok_or_else(|| AppError::invalid("path", "name a file to write the backup to"))?;
            // Created empty and private first (a backup holds everything the database does);
            // an existing file or a symbolic link is refused, never written through.
            crate::private_file::create_new(&file).map_err(|e| match e.kind() {
                std::io::ErrorKind::AlreadyExists => {
                    AppError::invalid("path", "already exists; choose a new file")
                }
                _ => AppError::invalid("path", format!("cannot be created: {e}")),
            })?;
            let path = file.to_string_lossy();
            let quoted = path.replace('\'', "''");
            diesel::sql_query(format!("VACUUM INTO '{quoted}'")).execute(conn)?;
            Ok(())
        }
        #[cfg(feature = "postgres")]
        DbConn::Pg(_) => Err(AppError::invalid(
            "path",
            "on PostgreSQL use pg_dump (see docs/DATA-PROTECTION.md)",
        )),
    }
}
