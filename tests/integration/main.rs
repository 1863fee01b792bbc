//! The one integration test binary: every suite runs against the real app on a fresh database.

mod common;

mod database_url;
mod errors;
mod health;
mod migrations;
mod schema_rules;
