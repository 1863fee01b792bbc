//! Sign-in throttling: after too many failures for one username, or many more from one client
//! address, within a window, further attempts answer 429 until the oldest failure leaves the
//! window.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::error::AppError;

pub struct LoginThrottle {
    limit: usize,
    address_limit: usize,
    window: Duration,
    max_keys: usize,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

/// The kinds of key: failures per username and per client address.
const USERNAME: &str = "user";
const ADDRESS: &str = "addr";

/// Beyond this many tracked keys, expired ones are swept on the next failure.
const SWEEP_ABOVE: usize = 10_000;
/// Most keys ever tracked: past it (after a sweep), the keys whose last failure is oldest are
/// forgotten first. Keys are fixed-size hashes, so memory stays bounded (a few MB).
const MAX_KEYS: usize = 50_000;

impl LoginThrottle {
    pub fn new(limit: usize, window: Duration) -> Self {
        Self {
            limit,
            address_limit: limit,
            window,
            max_keys: MAX_KEYS,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// The same, allowing `limit` failures from one address (several people share one).
    pub fn per_address(mut self, limit: usize) -> Self {
        self.address_limit = limit.max(1);
        self
    }

    /// The same, tracking at most `max_keys` keys.
    pub fn with_max_keys(mut self, max_keys: usize) -> Self {
        self.max_keys = max_keys.max(4);
        self
    }

    /// Keys for an attempt: the username (case-folded) and the client address when known,
    /// each hashed, so that a key is small whatever was sent.
    pub fn keys(username: &str, client: Option<&str>) -> Vec<String> {
        let hashed = |kind: &str, value: &str| {
            use sha2::Digest;
            let digest = sha2::Sha256::digest(value.as_bytes());
            format!("{kind}:{}", crate::text::hex(&digest[..16]))
        };
        let mut keys = vec![hashed(USERNAME, &username.trim().to_lowercase())];
        if let Some(client) = client {
            keys.push(hashed(ADDRESS, client));
        }
        keys
    }

    /// Counts an attempt against every key before the password is checked, so that parallel
    /// attempts cannot slip past the limit; 429 with the seconds to wait when a key is full.
    pub fn begin(&self, keys: &[String]) -> Result<(), AppError> {
        let now = Instant::now();
        let mut failures = self.lock();
        if failures.len() > SWEEP_ABOVE {
            failures.retain(|_, times| {
                expire(times, now, self.window);
                !times.is_empty()
            });
        }
        if failures.len() >= self.max_keys {
            let mut last: Vec<(Instant, String)> = failures
                .iter()
                .filter_map(|(k, t)| t.back().map(|at| (*at, k.clone())))
                .collect();
            last.sort_unstable();
            for (_, key) in last
                .into_iter()
                .take(failures.len() - self.max_keys * 3 / 4)
            {
                failures.remove(&key);
            }
        }
        let mut wait = Duration::ZERO;
        for key in keys {
            if let Some(times) = failures.get_mut(key) {
                expire(times, now, self.window);
                let limit = if key.starts_with(ADDRESS) {
                    self.address_limit
                } else {
                    self.limit
                };
                if times.len() >= limit
                    && let Some(oldest) = times.front()
                {
                    wait = wait.max(self.window.saturating_sub(now - *oldest));
                }
            }
        }
        if !wait.is_zero() {
            return Err(AppError::TooManyRequests {
                retry_after_secs: wait.as_secs().max(1),
                message: "too many attempts; try again later".into(),
            });
        }
        for key in keys {
            failures.entry(key.clone()).or_default().push_back(now);
        }
        Ok(())
    }

    /// A successful sign-in: the username's failures are forgiven, and the attempt no longer
    /// counts against the address.
    pub(crate) fn succeeded(&self, keys: &[String]) {
        let mut failures = self.lock();
        if let Some(username) = keys.first() {
            failures.remove(username);
        }
        for key in keys.iter().skip(1) {
            if let Some(times) = failures.get_mut(key) {
                times.pop_back();
            }
        }
    }

    /// How many keys are tracked (for tests of the bound).
    pub fn tracked(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, VecDeque<Instant>>> {
        self.failures.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn expire(times: &mut VecDeque<Instant>, now: Instant, window: Duration) {
    while times.front().is_some_and(|t| now - *t >= window) {
        times.pop_front();
    }
}
