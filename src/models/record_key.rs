//! The secret record key of a member or a case: a number from 0 to 4095 fixed when the row is
//! created, from which the evidence's cell-key perturbation draws its noise
//! (docs/EVIDENCE.md). It has no `Serialize` and a redacted `Debug`, so it cannot reach a page,
//! an API answer, an export or a log by accident.

use diesel_derive_newtype::DieselNewType;
use rand::Rng;

/// Record keys run from 0 to `KEYS - 1`; cell keys are sums of them modulo `KEYS`.
pub const KEYS: i32 = 4096;

#[derive(Clone, Copy, PartialEq, Eq, DieselNewType)]
pub struct RecordKey(i32);

impl RecordKey {
    /// A fresh key from the thread's cryptographically secure generator (ChaCha, seeded and
    /// reseeded from the operating system).
    pub fn random() -> Self {
        Self(rand::rng().random_range(0..KEYS))
    }

    /// A chosen key, for data sets that must be reproducible (tests); `None` out of range.
    pub fn from_value(value: i32) -> Option<Self> {
        (0..KEYS).contains(&value).then_some(Self(value))
    }
}

impl std::fmt::Debug for RecordKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecordKey(redacted)")
    }
}
