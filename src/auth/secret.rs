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
        Ok(text) => {
            // A secret others can read lets them sign tokens as anyone: refused, as ssh
            // refuses a private key others can read.
            if let Ok(Some(mode)) = crate::private_file::shared_with_others(path) {
                return Err(format!(
                    "{} can be read by others (mode {mode:o}); run `chmod 600 {}` and start again",
                    path.display(),
                    path.display()
                ));
            }
            checked(text.trim().as_bytes().to_vec(), &path.display().to_string())
        }
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

/// Writes a new secret beside `path` and links it into place, so that `path` never holds a
/// partly written secret, and two processes starting at once on a new installation agree:
/// the one whose link comes second reads the first one's secret instead of failing.
fn generate(path: &Path) -> Result<Vec<u8>, String> {
    let mut bytes = [0u8; 48];
    rand::rng().fill_bytes(&mut bytes);
    let secret = crate::text::hex(&bytes);
    let mut draft = path.as_os_str().to_owned();
    draft.push(format!(
        ".new-{}-{}",
        std::process::id(),
        rand::rng().next_u32()
    ));
    let draft = std::path::PathBuf::from(draft);
    let written = crate::private_file::create_new(&draft)
        .and_then(|mut file| {
            file.write_all(secret.as_bytes())?;
            file.sync_all()
        })
        .map_err(|e| format!("creating {}: {e}", path.display()));
    let linked = written.and_then(|()| match fs::hard_link(&draft, path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(format!("creating {}: {e}", path.display())),
    });
    let _ = fs::remove_file(&draft);
    if linked? {
        tracing::info!(path = %path.display(), "generated a new token secret");
        Ok(secret.into_bytes())
    } else {
        let text =
            fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
        checked(text.trim().as_bytes().to_vec(), &path.display().to_string())
    }
}
