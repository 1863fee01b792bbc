//! The connection enum over both backends and the r2d2 manager that opens it.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use super::url::DatabaseUrl;

#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Sqlite(diesel::SqliteConnection),
    #[cfg(feature = "postgres")]
    Pg(diesel::PgConnection),
}

/// Run the same code on whichever concrete connection `$conn` holds, for what
/// `MultiConnection` cannot express (upserts, multi-row inserts, backend-specific SQL).
#[macro_export]
macro_rules! db_run {
    ($conn:ident, $body:block) => {
        match $conn {
            $crate::db::DbConn::Sqlite($conn) => $body,
            #[cfg(feature = "postgres")]
            $crate::db::DbConn::Pg($conn) => $body,
        }
    };
}

/// Set on every SQLite connection: a busy timeout so writers queue instead of failing with
/// "database is locked" (first, so that switching the journal mode waits too when the pool opens
/// several connections at once), WAL so readers never block the writer, and enforced foreign keys.
const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; \
     PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;";

/// Set on every PostgreSQL connection: no JIT compilation. Our report queries run in tens to
/// hundreds of milliseconds, where compiling them costs more (measured: 0.4 s of a 2 s query)
/// than it saves.
#[cfg(feature = "postgres")]
const POSTGRES_SETTINGS: &str = "SET jit = off;";

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("cannot connect to the database: {0}")]
    Connect(#[from] diesel::ConnectionError),
    #[error("database query failed: {0}")]
    Query(#[from] diesel::result::Error),
}

/// Opens connections for the backend the URL names. Our own manager rather than the derive's
/// `establish`, which tries SQLite first and so hides a PostgreSQL connection error.
#[derive(Clone, Debug)]
pub struct DbManager {
    url: DatabaseUrl,
}

impl DbManager {
    pub fn new(url: DatabaseUrl) -> Self {
        Self { url }
    }

    pub(crate) fn open(&self) -> Result<DbConn, ConnectError> {
        match &self.url {
            DatabaseUrl::Sqlite(path) => {
                create_private(path);
                let mut conn = diesel::SqliteConnection::establish(path)?;
                conn.batch_execute(SQLITE_PRAGMAS)?;
                Ok(DbConn::Sqlite(conn))
            }
            #[cfg(feature = "postgres")]
            DatabaseUrl::Postgres(url) => {
                let mut conn = diesel::PgConnection::establish(url)?;
                conn.batch_execute(POSTGRES_SETTINGS)?;
                Ok(DbConn::Pg(conn))
            }
            #[cfg(not(feature = "postgres"))]
            DatabaseUrl::Postgres(_) => Err(ConnectError::Connect(
                diesel::ConnectionError::InvalidConnectionUrl(
                    super::url::UrlError::PostgresNotBuilt.to_string(),
                ),
            )),
        }
    }
}

/// Creates a new SQLite file readable by its owner only (0600), before SQLite would create it
/// world-readable; SQLite gives its `-wal` and `-shm` files the database file's permissions.
/// A `file:` URI is resolved to its file; an existing file and `:memory:` are left as they are.
pub fn create_private(path: &str) {
    if let Some(file) = crate::private_file::sqlite_file(path) {
        // AlreadyExists is the usual case; any other failure shows when SQLite opens the file.
        let _ = crate::private_file::create_new(&file);
    }
}

impl r2d2::ManageConnection for DbManager {
    type Connection = DbConn;
    type Error = ConnectError;

    fn connect(&self) -> Result<DbConn, ConnectError> {
        self.open()
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), ConnectError> {
        conn.batch_execute("SELECT 1").map_err(ConnectError::from)
    }

    fn has_broken(&self, conn: &mut DbConn) -> bool {
        diesel::r2d2::R2D2Connection::is_broken(conn)
    }
}
