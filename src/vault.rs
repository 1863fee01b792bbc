//! Encryption of case papers at rest: AES-256-GCM with a random 96-bit nonce per document and
//! the document's id as associated data, so a ciphertext moved to another row does not open.
//! The key comes from the environment or a key file readable only by its owner (made once when
//! missing); it is never in the database, which keeps only each document's key fingerprint. A
//! previous key may be loaded beside the current one while `caseload documents rekey` moves the
//! documents to the current key.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::config::DocumentsConfig;

/// One key and its fingerprint (the first 16 hex digits of the SHA-256 of the key).
#[derive(Clone)]
struct Key {
    cipher: Aes256Gcm,
    fingerprint: String,
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Key({})", self.fingerprint)
    }
}

impl Key {
    fn from_hex(text: &str, source: &str) -> Result<Self, String> {
        let bytes = crate::text::unhex(text.trim())
            .filter(|b| b.len() == 32)
            .ok_or_else(|| {
                format!("{source}: the documents key must be 64 hex digits (32 bytes)")
            })?;
        let digest = Sha256::digest(&bytes);
        Ok(Self {
            cipher: Aes256Gcm::new_from_slice(&bytes).map_err(|e| format!("{source}: {e}"))?,
            fingerprint: crate::text::hex(&digest[..8]),
        })
    }
}

/// A document as stored: which key sealed it, its nonce and its ciphertext (with the tag).
#[derive(Debug, Clone)]
pub struct Sealed {
    pub fingerprint: String,
    pub nonce: Vec<u8>,
    pub ciphertext: Vec<u8>,
}

/// Why a document could not be opened.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum VaultError {
    #[error("the document was sealed under key {0}, which is not loaded")]
    KeyNotLoaded(String),
    #[error("the document did not decrypt under key {0}: the key or the stored bytes are wrong")]
    DoesNotOpen(String),
}

/// The keys loaded: the current one, which seals, and perhaps the previous one.
#[derive(Debug, Clone)]
pub struct Keyring {
    current: Key,
    previous: Option<Key>,
}

impl Keyring {
    /// The keys the settings name: `CASELOAD_DOCUMENTS_KEY`, or the key file (made when
    /// missing); and the previous key file if one is set.
    pub fn load(config: &DocumentsConfig) -> Result<Self, String> {
        let current = match &config.documents_key {
            Some(hex) => Key::from_hex(hex, "CASELOAD_DOCUMENTS_KEY")?,
            None => {
                let path = &config.documents_key_file;
                let hex = crate::key_file::load_or_create(path, "documents key", || {
                    crate::key_file::random_hex(32)
                })?;
                Key::from_hex(&hex, &path.display().to_string())?
            }
        };
        let previous = match &config.documents_previous_key_file {
            Some(path) => {
                let hex = std::fs::read_to_string(path)
                    .map_err(|e| format!("reading {}: {e}", path.display()))?;
                Some(Key::from_hex(&hex, &path.display().to_string())?)
            }
            None => None,
        };
        Ok(Self { current, previous })
    }

    /// A keyring of one key given as 64 hex digits (tests, tools).
    pub fn from_hex(hex: &str) -> Result<Self, String> {
        Ok(Self {
            current: Key::from_hex(hex, "key")?,
            previous: None,
        })
    }

    /// The same keyring with a previous key (64 hex digits) beside the current one.
    pub fn with_previous(self, hex: &str) -> Result<Self, String> {
        Ok(Self {
            previous: Some(Key::from_hex(hex, "previous key")?),
            ..self
        })
    }

    /// The current key's fingerprint: what new documents are sealed under.
    pub fn current(&self) -> &str {
        &self.current.fingerprint
    }

    /// Whether a key with this fingerprint is loaded.
    pub fn has(&self, fingerprint: &str) -> bool {
        self.key(fingerprint).is_some()
    }

    fn key(&self, fingerprint: &str) -> Option<&Key> {
        std::iter::once(&self.current)
            .chain(&self.previous)
            .find(|k| k.fingerprint == fingerprint)
    }

    /// Seals `plain` for the document `id` under the current key.
    pub fn seal(&self, id: i64, plain: &[u8]) -> Sealed {
        let mut nonce = [0u8; 12];
        rand::rng().fill_bytes(&mut nonce);
        let aad = id.to_be_bytes();
        let ciphertext = self
            .current
            .cipher
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: plain,
                    aad: &aad,
                },
            )
            .expect("AES-GCM encrypts any message under 64 GiB");
        Sealed {
            fingerprint: self.current.fingerprint.clone(),
            nonce: nonce.to_vec(),
            ciphertext,
        }
    }

    /// Opens the document `id`.
    pub fn open(&self, id: i64, sealed: &Sealed) -> Result<Vec<u8>, VaultError> {
        let key = self
            .key(&sealed.fingerprint)
            .ok_or_else(|| VaultError::KeyNotLoaded(sealed.fingerprint.clone()))?;
        let Ok(nonce) = <[u8; 12]>::try_from(sealed.nonce.as_slice()) else {
            return Err(VaultError::DoesNotOpen(sealed.fingerprint.clone()));
        };
        let aad = id.to_be_bytes();
        key.cipher
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: &sealed.ciphertext,
                    aad: &aad,
                },
            )
            .map_err(|_| VaultError::DoesNotOpen(sealed.fingerprint.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    #[test]
    fn a_document_opens_only_under_its_key_and_its_id() {
        let ring = Keyring::from_hex(KEY).unwrap();
        let sealed = ring.seal(7, b"Fit note: stress at work");
        assert_ne!(sealed.ciphertext, b"Fit note: stress at work");
        assert_eq!(ring.open(7, &sealed).unwrap(), b"Fit note: stress at work");
        // Moved to another document's row, it does not open.
        assert!(matches!(
            ring.open(8, &sealed),
            Err(VaultError::DoesNotOpen(_))
        ));
        // A different key with the same fingerprint recorded cannot exist; under another key's
        // fingerprint it is not loaded.
        let other = Keyring::from_hex(&KEY.replace("00", "11")).unwrap();
        assert!(matches!(
            other.open(7, &sealed),
            Err(VaultError::KeyNotLoaded(_))
        ));
        // Each seal draws a new nonce.
        assert_ne!(ring.seal(7, b"x").nonce, ring.seal(7, b"x").nonce);
    }

    #[test]
    fn a_key_must_be_32_bytes_of_hex() {
        assert!(Keyring::from_hex("abcd").is_err());
        assert!(Keyring::from_hex(&"zz".repeat(32)).is_err());
    }
}
