//! What every handler shares.

use crate::config::ServerConfig;
use crate::db::Database;

pub struct AppState {
    pub db: Database,
    pub server: ServerConfig,
}

impl AppState {
    pub fn new(db: Database, server: ServerConfig) -> Self {
        Self { db, server }
    }
}
