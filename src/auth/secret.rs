//! The token-signing secret: from the environment, or generated once and kept in a file
//! readable only by its owner.

use std::fs;
use std::io::Write;
use std::path::Path;

use rand::RngCore;

use super::token::MIN_SECRET_BYTES;
use crate::config::AuthConfig;

pub fn load(config: &AuthConfig) -> Result<Vec<u8>, String> {
    if let Some(secret) = &config.jwt_secret {
        return checked(secret.trim().as_bytes().to_vec(), "CASELOAD_JWT_SECRET");
    }
    let path = &config.jwt_secret_file;
    match fs::read_to_string(path) {
        Ok(text) => checked(text.trim().as_bytes().to_vec(), &path.display().to_string()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => generate(path),
        Err(e) => Err(format!("reading {}: {e}", path.display())),
    }
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

fn generate(path: &Path) -> Result<Vec<u8>, String> {
    let mut bytes = [0u8; 48];
    rand::rng().fill_bytes(&mut bytes);
    let secret = crate::text::hex(&bytes);
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .map_err(|e| format!("creating {}: {e}", path.display()))?;
    file.write_all(secret.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| format!("writing {}: {e}", path.display()))?;
    tracing::info!(path = %path.display(), "generated a new token secret");
    Ok(secret.into_bytes())
}
