//! The connection pool and the way handlers reach it without blocking async workers.

use std::time::Duration;

use actix_web::web;
use diesel::connection::TransactionManager;
use diesel::prelude::*;

use super::connection::{ConnectError, DbConn, DbManager};
use super::url::{Backend, DatabaseUrl};
use crate::error::AppError;

pub type Pool = r2d2::Pool<DbManager>;
pub type PooledConn = r2d2::PooledConnection<DbManager>;

/// Logs why a connection could not be opened; r2d2's default handler goes to `log`, not tracing.
#[derive(Debug)]
struct TracingErrorHandler;

impl r2d2::HandleError<ConnectError> for TracingErrorHandler {
    fn handle_error(&self, error: ConnectError) {
        tracing::warn!(%error, "database connection failed");
    }
}

#[derive(Clone)]
pub struct Database {
    pool: Pool,
    backend: Backend,
    /// SQLite has one write lock per database, and a writer that finds it taken sleeps in
    /// SQLite's busy handler (backing off to 100 ms a nap) rather than being woken when it
    /// frees: under load a few writers wait hundreds of milliseconds. This process's writers
    /// queue here instead, woken as soon as the one before them commits.
    write_gate: std::sync::Arc<std::sync::Mutex<()>>,
}

impl Database {
    /// Connects once directly, so that a wrong password or an unreachable server is reported
    /// as itself and at once, rather than as a pool time-out; then builds the pool.
    pub fn connect(url: DatabaseUrl, size: u32, timeout: Duration) -> Result<Self, ConnectError> {
        let backend = url.backend();
        let manager = DbManager::new(url);
        manager.open()?;
        let pool = r2d2::Pool::builder()
            .max_size(size)
            .min_idle(Some(1))
            .connection_timeout(timeout)
            .error_handler(Box::new(TracingErrorHandler))
            .build_unchecked(manager);
        Ok(Self {
            pool,
            backend,
            write_gate: Default::default(),
        })
    }

    /// Applies pending migrations; returns the versions applied.
    pub fn migrate(&self) -> Result<Vec<String>, AppError> {
        let mut conn = self.get()?;
        super::migrate::run_pending(&mut conn)
            .map_err(|e| AppError::Internal(format!("migrating the database: {e}")))
    }

    /// The pool's size now: (connections open, of them idle, most allowed).
    pub fn pool_state(&self) -> (u32, u32, u32) {
        let state = self.pool.state();
        (
            state.connections,
            state.idle_connections,
            self.pool.max_size(),
        )
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn get(&self) -> Result<PooledConn, AppError> {
        self.pool
            .get()
            .map_err(|e| AppError::Unavailable(e.to_string()))
    }

    /// A second connection if one is free right now (never waits for one).
    pub fn try_get(&self) -> Option<PooledConn> {
        self.pool.try_get()
    }

    /// A second connection for a command that runs alone (the pool opens connections as they
    /// are needed, so one may not be free yet): waits a moment for it, none if the pool holds
    /// one connection only.
    pub fn second(&self) -> Option<PooledConn> {
        (self.pool.max_size() > 1)
            .then(|| self.pool.get_timeout(Duration::from_secs(2)).ok())
            .flatten()
    }

    /// Runs blocking database work on the blocking thread pool, after the request's pending
    /// session check if there is one (`first_use`), on the same connection.
    pub(crate) async fn run<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.clone();
        let first = super::first_use::take();
        web::block(move || {
            let mut conn = db.get()?;
            if let Some(check) = first {
                check(&mut conn)?;
            }
            f(&mut conn)
        })
        .await
        .map_err(|e| AppError::Internal(format!("blocking task failed: {e}")))?
    }

    /// Runs the request's pending session check (`first_use`) in a trip of its own, for a
    /// request whose work did not take a connection; nothing when none is pending.
    pub(crate) async fn run_pending_check(&self) -> Result<(), AppError> {
        if super::first_use::pending() {
            self.run(|_| Ok(())).await?;
        }
        Ok(())
    }

    /// Like [`Database::run`], inside one write transaction.
    pub(crate) async fn write<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.clone();
        self.run(move |conn| db.write_with(conn, f)).await
    }

    /// Runs `f` in one write transaction on `conn`, in turn with this process's other writers
    /// on SQLite (see `write_gate`).
    pub fn write_with<T, E, F>(&self, conn: &mut DbConn, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConn) -> Result<T, E>,
        E: From<diesel::result::Error>,
    {
        let _turn = (self.backend == Backend::Sqlite)
            .then(|| self.write_gate.lock().unwrap_or_else(|p| p.into_inner()));
        write_transaction(conn, f)
    }
}

/// Runs `f` in a transaction that takes the write lock up front on SQLite (`BEGIN IMMEDIATE`):
/// a deferred transaction that reads and then writes can fail with "database is locked" at once,
/// where an immediate one queues behind the busy timeout.
pub fn write_transaction<T, E, F>(conn: &mut DbConn, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    type Manager = <DbConn as Connection>::TransactionManager;
    match conn {
        DbConn::Sqlite(c) => {
            diesel::connection::AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?
        }
        #[cfg(feature = "postgres")]
        DbConn::Pg(_) => Manager::begin_transaction(conn)?,
    }
    match f(conn) {
        Ok(value) => {
            Manager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(error) => {
            if let Err(rollback) = Manager::rollback_transaction(conn) {
                tracing::error!(%rollback, "rollback failed");
            }
            Err(error)
        }
    }
}

/// Runs `a` on `conn` and `b` on `spare` at the same time when there is a spare connection (a
/// report's independent queries on two cores), or one after the other on `conn` when there is
/// not.
pub fn side_by_side<A, B, RA, RB>(
    conn: &mut DbConn,
    spare: Option<&mut DbConn>,
    a: A,
    b: B,
) -> Result<(RA, RB), AppError>
where
    A: FnOnce(&mut DbConn) -> Result<RA, AppError>,
    B: FnOnce(&mut DbConn) -> Result<RB, AppError> + Send,
    RB: Send,
{
    match spare {
        Some(spare) => std::thread::scope(|s| {
            let other = s.spawn(move || b(spare));
            let first = a(conn);
            let second = other
                .join()
                .map_err(|_| AppError::Internal("a report query thread failed".into()))?;
            Ok((first?, second?))
        }),
        None => {
            let first = a(conn)?;
            Ok((first, b(conn)?))
        }
    }
}
