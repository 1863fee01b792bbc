//! What every handler shares.

use std::sync::Arc;
use std::time::Duration;

use crate::audit::Auditor;
use crate::auth::throttle::LoginThrottle;
use crate::auth::token::TokenKeys;
use crate::config::ServerConfig;
use crate::db::{Database, DbConn};
use crate::error::AppError;

/// Failed sign-ins allowed per username within [`LOGIN_WINDOW`] (per address: a setting).
pub const LOGIN_ATTEMPTS: usize = 5;
pub const LOGIN_WINDOW: Duration = Duration::from_secs(15 * 60);

/// Today's date as the evidence menu reads it: the system's, or a fixed day, so that tests and
/// drills can publish the releases of a past year without waiting for it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Clock {
    fixed: Option<chrono::NaiveDate>,
}

impl Clock {
    pub fn fixed(day: chrono::NaiveDate) -> Self {
        Self { fixed: Some(day) }
    }

    pub fn today(self) -> chrono::NaiveDate {
        self.fixed
            .unwrap_or_else(|| chrono::Utc::now().date_naive())
    }
}

pub struct AppState {
    pub db: Database,
    pub clock: Clock,
    pub server: ServerConfig,
    pub keys: TokenKeys,
    pub throttle: LoginThrottle,
    pub audit: Arc<Auditor>,
    pub metrics: crate::metrics::Metrics,
    /// The keys case papers are sealed under.
    pub vault: crate::vault::Keyring,
}

impl AppState {
    pub fn new(
        db: Database,
        server: ServerConfig,
        keys: TokenKeys,
        vault: crate::vault::Keyring,
    ) -> Self {
        let per_address = server.login_attempts_per_address;
        Self {
            audit: Arc::new(Auditor::start(db.clone())),
            db,
            clock: Clock::default(),
            server,
            keys,
            throttle: LoginThrottle::new(LOGIN_ATTEMPTS, LOGIN_WINDOW).per_address(per_address),
            metrics: Default::default(),
            vault,
        }
    }

    /// The full address of a calendar feed, to paste into Outlook or Google: under the
    /// public address when it is set (`CASELOAD_PUBLIC_URL`), else under `origin`, the address
    /// the request came to (`http::client::origin`).
    pub(crate) fn calendar_url(&self, token: &str, origin: &str) -> String {
        let base = self
            .server
            .public_url
            .as_deref()
            .unwrap_or(origin)
            .trim_end_matches('/');
        format!("{base}/calendar/{token}.ics")
    }

    /// Whether the public address is https, so cookies must be Secure.
    pub(crate) fn secure_cookies(&self) -> bool {
        self.server
            .public_url
            .as_deref()
            .is_some_and(|url| url.starts_with("https://"))
    }
}

impl AppState {
    /// Runs blocking reads of identifiable records; `f` gets the connection and the audit
    /// trail, so each read is recorded where it happens. Only the services call this.
    pub(crate) async fn read_audited<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConn, &Auditor) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let audit = Arc::clone(&self.audit);
        self.db.run(move |conn| f(conn, &audit)).await
    }
}

impl AppState {
    /// Whether the database answers a query (the health check).
    /// `/metrics` as text: the counters, and the gauges as they are now.
    /// The gauges and counters `/metrics` shows; the outbox's counts are read by the caller.
    pub(crate) fn metrics_text(&self, (waiting, failed): (i64, i64)) -> String {
        let (open, idle, most) = self.db.pool_state();
        self.metrics.render(&[
            (
                "caseload_db_pool_connections",
                "Database connections open.",
                f64::from(open),
            ),
            (
                "caseload_db_pool_idle_connections",
                "Database connections open and not in use.",
                f64::from(idle),
            ),
            (
                "caseload_db_pool_max_connections",
                "Database connections the pool may open.",
                f64::from(most),
            ),
            (
                "caseload_audit_queue_length",
                "Audit entries of reads queued and not yet written.",
                self.audit.pending() as f64,
            ),
            (
                "caseload_email_outbox_waiting",
                "Emails queued and not yet sent (pending or being sent).",
                waiting as f64,
            ),
            (
                "caseload_email_outbox_failed",
                "Emails given up or interrupted, of those kept (30 days).",
                failed as f64,
            ),
        ])
    }

    pub(crate) async fn database_answers(&self) -> Result<(), AppError> {
        use diesel::RunQueryDsl;
        self.db
            .run(|conn| {
                diesel::sql_query("SELECT 1").execute(conn)?;
                Ok(())
            })
            .await
    }
}
