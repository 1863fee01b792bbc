//! Database access: one schema, two backends (SQLite always, PostgreSQL with the `postgres` feature).

mod connection;
pub mod dialect;
pub mod first_use;
pub mod migrate;
mod pool;
pub mod schema;
pub mod url;

pub use connection::{ConnectError, DbConn, DbManager, create_private};

/// The backend type of `DbConn`, for boxed queries that run on either database.
pub type Sql = connection::MultiBackend;
pub use pool::{Database, Pool, PooledConn, side_by_side, write_transaction};
pub use url::{Backend, DatabaseUrl};
