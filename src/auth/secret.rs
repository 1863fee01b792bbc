//! The token-signing secret: from the environment, or generated once and kept in a file
//! readable only by its owner.

use super::token::MIN_SECRET_BYTES;
use crate::config::AuthConfig;

pub fn load(config: &AuthConfig) -> Result<Vec<u8>, String> {
    if let Some(secret) = &config.jwt_secret {
        return checked(secret.trim().as_bytes().to_vec(), "CASELOAD_JWT_SECRET");
    }
    // A secret others can read lets them sign tokens as anyone: `key_file` refuses it.
    let path = &config.jwt_secret_file;
    let secret =
        crate::key_file::load_or_create(path, "token secret", || crate::key_file::random_hex(48))?;
    checked(secret.into_bytes(), &path.display().to_string())
}

fn checked(secret: Vec<u8>, source: &str) -> Result<Vec<u8>, String> {
    if secret.len() < MIN_SECRET_BYTES {
        Err(format!(
            "{source}: the token secret must be at least {MIN_SECRET_BYTES} bytes"
        ))
    } else {
        Ok(secret)
    }
}
