//! Database access: one schema, two backends (SQLite always, PostgreSQL with the `postgres` feature).

mod connection;
pub mod migrate;
mod pool;
pub mod schema;
pub mod url;

pub use connection::{ConnectError, DbConn, DbManager};
pub use pool::{Database, Pool, PooledConn, write_transaction};
pub use url::{Backend, DatabaseUrl};
