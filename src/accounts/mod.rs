//! User accounts as a service: signing in, sessions, password changes and user administration.
//! Every change and every sign-in is audited here.

pub mod api_keys;
pub mod sessions;
pub mod users;

pub use sessions::*;
