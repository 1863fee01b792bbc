//! Credentials: password hashing, signed tokens, the signing secret, sign-in throttling and
//! which surface (API or pages) a request came through. Who may see what is `crate::access`.

pub mod password;
pub mod secret;
pub mod surface;
pub mod throttle;
pub mod token;
