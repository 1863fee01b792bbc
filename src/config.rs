//! Settings from command-line flags, the environment and an optional `.env` file (flags win).
//! Every setting is listed in `.env.example` and docs/CONFIGURATION.md.

use std::time::Duration;

use crate::db::{DatabaseUrl, url::UrlError};

/// Where the data lives; shared by every command.
#[derive(clap::Args, Clone, Debug)]
pub struct DatabaseConfig {
    /// `postgres://…` for PostgreSQL (built with `--features postgres`); anything else is the
    /// path of an SQLite file, created when missing.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "caseload.db",
        global = true
    )]
    pub database_url: String,

    /// Most database connections held open at once.
    #[arg(
        long,
        env = "CASELOAD_DB_POOL_SIZE",
        default_value_t = 8,
        global = true
    )]
    pub db_pool_size: u32,

    /// Seconds a request waits for a free database connection before answering 503.
    #[arg(
        long,
        env = "CASELOAD_DB_TIMEOUT_SECS",
        default_value_t = 5,
        global = true
    )]
    pub db_timeout_secs: u64,
}

impl DatabaseConfig {
    pub fn url(&self) -> Result<DatabaseUrl, UrlError> {
        DatabaseUrl::parse(&self.database_url)
    }

    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.db_timeout_secs.max(1))
    }
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            database_url: "caseload.db".into(),
            db_pool_size: 8,
            db_timeout_secs: 5,
        }
    }
}

/// How the web server listens.
#[derive(clap::Args, Clone, Debug)]
pub struct ServerConfig {
    /// Address and port to listen on.
    #[arg(long, env = "CASELOAD_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,

    /// The address users reach the app at; an `https://` URL marks cookies Secure.
    #[arg(long, env = "CASELOAD_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Worker threads serving HTTP (default: one per core).
    #[arg(long, env = "CASELOAD_WORKERS")]
    pub workers: Option<usize>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".into(),
            public_url: None,
            workers: None,
        }
    }
}
