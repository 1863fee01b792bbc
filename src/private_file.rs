//! Files the application writes that hold personal data or secrets (a backup, a subject access
//! export, a new SQLite database, the signing secret): created new, readable by their owner
//! only (0600, whatever the umask), and never written through an existing file or a symbolic
//! link, so nothing is overwritten silently and no link can send the data somewhere readable.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

/// Creates `path` as a new private file. An existing file, directory or symbolic link (even
/// one pointing nowhere) is refused with `AlreadyExists`.
pub fn create_new(path: &Path) -> io::Result<File> {
    // O_CREAT|O_EXCL fails on any existing name, a symbolic link included, without following it.
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// The file an SQLite database name refers to: a plain path, or the path of a `file:` URI
/// (`file:data/caseload.db?mode=rwc`); none for an in-memory database.
pub fn sqlite_file(name: &str) -> Option<PathBuf> {
    let name = name.trim();
    if name.is_empty() || name == ":memory:" {
        return None;
    }
    let Some(uri) = name.strip_prefix("file:") else {
        return Some(PathBuf::from(name));
    };
    let path = uri.split(['?', '#']).next().unwrap_or_default();
    let path = path.strip_prefix("//localhost").unwrap_or(path);
    let path = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let memory = uri.contains("mode=memory") || path.is_empty() || path == ":memory:";
    (!memory).then(|| PathBuf::from(path.into_owned()))
}

/// Whether anyone but the owner may read or write the file (unix permissions).
pub fn shared_with_others(path: &Path) -> io::Result<Option<u32>> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)?.permissions().mode() & 0o777;
        Ok((mode & 0o077 != 0).then_some(mode))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_names_resolve_to_their_files() {
        assert_eq!(
            sqlite_file("caseload.db"),
            Some(PathBuf::from("caseload.db"))
        );
        assert_eq!(
            sqlite_file("file:data/x.db?mode=rwc"),
            Some(PathBuf::from("data/x.db"))
        );
        assert_eq!(
            sqlite_file("file:///srv/a%20b.db"),
            Some(PathBuf::from("/srv/a b.db"))
        );
        assert_eq!(sqlite_file(":memory:"), None);
        assert_eq!(sqlite_file("file::memory:?cache=shared"), None);
        assert_eq!(sqlite_file("file:x?mode=memory"), None);
    }
}
