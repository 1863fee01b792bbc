//! A secret kept in a file readable only by its owner, made once when missing: the token
//! signing secret and the documents key. A file others can read is refused, as ssh refuses a
//! private key others can read.

use std::fs;
use std::io::Write;
use std::path::Path;

use rand::RngCore;

/// The file's text, trimmed; when the file is missing, `make()` is written to it first. The new
/// secret is written beside `path` and linked into place, so that `path` never holds a partly
/// written secret, and two processes starting at once on a new installation agree: the one
/// whose link comes second reads the first one's secret. `what` names the secret in messages.
pub fn load_or_create(
    path: &Path,
    what: &str,
    make: impl FnOnce() -> String,
) -> Result<String, String> {
    match fs::read_to_string(path) {
        Ok(text) => {
            if let Ok(Some(mode)) = crate::private_file::shared_with_others(path) {
                return Err(format!(
                    "{} can be read by others (mode {mode:o}); run `chmod 600 {}` and start again",
                    path.display(),
                    path.display()
                ));
            }
            Ok(text.trim().to_owned())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => create(path, what, make()),
        Err(e) => Err(format!("reading {}: {e}", path.display())),
    }
}

fn create(path: &Path, what: &str, secret: String) -> Result<String, String> {
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
        tracing::info!(path = %path.display(), "generated a new {what}");
        Ok(secret)
    } else {
        fs::read_to_string(path)
            .map(|text| text.trim().to_owned())
            .map_err(|e| format!("reading {}: {e}", path.display()))
    }
}

/// `bytes` random bytes as hex.
pub fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buffer);
    crate::text::hex(&buffer)
}
