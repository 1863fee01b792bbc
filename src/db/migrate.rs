//! Embedded migrations, one set per backend, applied at start-up and by `caseload migrate`.

use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::connection::DbConn;

const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
#[cfg(feature = "postgres")]
const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Applies pending migrations; returns the versions applied (none when up to date).
pub fn run_pending(conn: &mut DbConn) -> Result<Vec<String>, BoxError> {
    let applied = match conn {
        DbConn::Sqlite(c) => c.run_pending_migrations(SQLITE)?,
        #[cfg(feature = "postgres")]
        DbConn::Pg(c) => c.run_pending_migrations(POSTGRES)?,
    };
    Ok(applied.iter().map(ToString::to_string).collect())
}

/// Reverts every migration, newest first; used by the up-down-up test.
pub fn revert_all(conn: &mut DbConn) -> Result<Vec<String>, BoxError> {
    let reverted = match conn {
        DbConn::Sqlite(c) => c.revert_all_migrations(SQLITE)?,
        #[cfg(feature = "postgres")]
        DbConn::Pg(c) => c.revert_all_migrations(POSTGRES)?,
    };
    Ok(reverted.iter().map(ToString::to_string).collect())
}

/// Reverts the newest applied migration; returns its version (`None` when none is applied).
/// Used by the test of an upgrade over existing records.
pub fn revert_last(conn: &mut DbConn) -> Result<Option<String>, BoxError> {
    let applied = match conn {
        DbConn::Sqlite(c) => c.applied_migrations()?,
        #[cfg(feature = "postgres")]
        DbConn::Pg(c) => c.applied_migrations()?,
    };
    if applied.is_empty() {
        return Ok(None);
    }
    let reverted = match conn {
        DbConn::Sqlite(c) => c.revert_last_migration(SQLITE)?,
        #[cfg(feature = "postgres")]
        DbConn::Pg(c) => c.revert_last_migration(POSTGRES)?,
    };
    Ok(Some(reverted.to_string()))
}
