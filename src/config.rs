//! Settings from command-line flags, the environment and an optional `.env` file (flags win).
//! Every setting is listed in `.env.example` and docs/CONFIGURATION.md.

use std::time::Duration;

use crate::db::{DatabaseUrl, url::UrlError};

/// Where the data lives; shared by every command.
#[derive(clap::Args, Clone, Debug)]
pub struct DatabaseConfig {
    /// `postgres://…` for PostgreSQL (built with `--features postgres`); anything else is the
    /// path of an SQLite file, created when missing.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "caseload.db",
        global = true
    )]
    pub database_url: String,

    /// Most database connections held open at once.
    #[arg(
        long,
        env = "CASELOAD_DB_POOL_SIZE",
        default_value_t = 8,
        global = true
    )]
    pub db_pool_size: u32,

    /// Seconds a request waits for a free database connection before answering 503.
    #[arg(
        long,
        env = "CASELOAD_DB_TIMEOUT_SECS",
        default_value_t = 5,
        global = true
    )]
    pub db_timeout_secs: u64,
}

impl DatabaseConfig {
    pub fn url(&self) -> Result<DatabaseUrl, UrlError> {
        DatabaseUrl::parse(&self.database_url)
    }

    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.db_timeout_secs.max(1))
    }
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            database_url: "caseload.db".into(),
            db_pool_size: 8,
            db_timeout_secs: 5,
        }
    }
}

/// How the web server listens.
#[derive(clap::Args, Clone, Debug)]
pub struct ServerConfig {
    /// Address and port to listen on.
    #[arg(long, env = "CASELOAD_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,

    /// The address users reach the app at; an `https://` URL marks cookies Secure.
    #[arg(long, env = "CASELOAD_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Worker threads serving HTTP (default: one per core).
    #[arg(long, env = "CASELOAD_WORKERS")]
    pub workers: Option<usize>,

    /// Failed sign-ins allowed from one client address within 15 minutes, whatever the
    /// usernames. Higher than the per-username limit (5): a branch office signs in from behind
    /// one router, and one person's typos must not lock out their colleagues.
    #[arg(
        long,
        env = "CASELOAD_LOGIN_ATTEMPTS_PER_ADDRESS",
        default_value_t = 50
    )]
    pub login_attempts_per_address: usize,

    /// Reverse proxies whose `X-Forwarded-For` / `Forwarded` (and `-Proto`, `-Host`) headers
    /// are believed, as addresses or ranges (`127.0.0.1,10.0.0.0/8`). From anyone else those
    /// headers are ignored. Empty (the default): every client is the address it connects from,
    /// so behind a proxy all users share the proxy's address for the sign-in limit.
    #[arg(long, env = "CASELOAD_TRUSTED_PROXIES", default_value = "")]
    pub trusted_proxies: crate::proxies::TrustedProxies,

    /// The bearer token a monitoring system sends to read `/metrics`. Unset, `/metrics`
    /// answers 404: request counts by route are not for everyone.
    #[arg(long, env = "CASELOAD_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".into(),
            public_url: None,
            workers: None,
            login_attempts_per_address: 50,
            trusted_proxies: Default::default(),
            metrics_token: None,
        }
    }
}

/// Sign-in settings.
#[derive(clap::Args, Clone, Debug)]
pub struct AuthConfig {
    /// Secret that signs session tokens (at least 32 bytes). When unset, one is generated once
    /// and kept in `--jwt-secret-file`, so a restart does not sign everyone out.
    #[arg(long, env = "CASELOAD_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,

    /// Where the generated secret is kept (readable only by its owner).
    #[arg(
        long,
        env = "CASELOAD_JWT_SECRET_FILE",
        default_value = "caseload.secret"
    )]
    pub jwt_secret_file: std::path::PathBuf,

    /// Hours a sign-in lasts.
    #[arg(long, env = "CASELOAD_TOKEN_HOURS", default_value_t = 8)]
    pub token_hours: i64,

    /// Password for the first administrator, created when there is no user at all; a random
    /// one is printed when unset.
    #[arg(long, env = "CASELOAD_ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<String>,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            jwt_secret: None,
            jwt_secret_file: "caseload.secret".into(),
            token_hours: 8,
            admin_password: None,
        }
    }
}

/// How mail leaves: the SMTP server's TLS.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain SMTP, for a relay on this machine or a trusted local network only.
    None,
    /// Plain connection upgraded with STARTTLS (required: a server that does not offer it is
    /// refused). Port 587 by default.
    Starttls,
    /// TLS from the first byte (SMTPS). Port 465 by default.
    Tls,
}

/// When the morning digest is queued each day, in `CASELOAD_TIME_ZONE`; `off` leaves it to
/// `caseload reminders send` run from cron.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DigestAt {
    Off,
    At(chrono::NaiveTime),
}

impl std::str::FromStr for DigestAt {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        if value.trim().eq_ignore_ascii_case("off") {
            return Ok(Self::Off);
        }
        chrono::NaiveTime::parse_from_str(value.trim(), "%H:%M")
            .map(Self::At)
            .map_err(|_| format!("{value:?} is not a time of day (HH:MM, 24-hour) or off"))
    }
}

/// Reminders by email. With no SMTP host set, nothing is sent and the start-up log says so.
#[derive(clap::Args, Clone, Debug)]
pub struct MailConfig {
    /// The SMTP server that sends for us (a relay, or the organisation's mail service).
    #[arg(long, env = "CASELOAD_SMTP_HOST")]
    pub smtp_host: Option<String>,

    /// Its port (default: 25 with no TLS, 587 with STARTTLS, 465 with TLS).
    #[arg(long, env = "CASELOAD_SMTP_PORT")]
    pub smtp_port: Option<u16>,

    /// How the connection is protected.
    #[arg(
        long,
        env = "CASELOAD_SMTP_TLS",
        value_enum,
        default_value = "starttls"
    )]
    pub smtp_tls: SmtpTls,

    /// User name for the SMTP server, if it asks for one.
    #[arg(long, env = "CASELOAD_SMTP_USER")]
    pub smtp_user: Option<String>,

    /// Its password (set it in the environment, not on the command line).
    #[arg(long, env = "CASELOAD_SMTP_PASSWORD", hide_env_values = true)]
    pub smtp_password: Option<String>,

    /// The sender of every message, e.g. `caseload <caseload@branch.example.org>`.
    #[arg(long, env = "CASELOAD_MAIL_FROM")]
    pub mail_from: Option<String>,

    /// Local time the morning digest is queued each day (HH:MM), or `off`.
    #[arg(long, env = "CASELOAD_DIGEST_AT", default_value = "07:00")]
    pub digest_at: DigestAt,

    /// The time zone of that time and of "today" in the digest (an IANA name).
    #[arg(long, env = "CASELOAD_TIME_ZONE", default_value = "Europe/London")]
    pub time_zone: chrono_tz::Tz,
}

impl Default for MailConfig {
    fn default() -> Self {
        Self {
            smtp_host: None,
            smtp_port: None,
            smtp_tls: SmtpTls::Starttls,
            smtp_user: None,
            smtp_password: None,
            mail_from: None,
            digest_at: DigestAt::At(chrono::NaiveTime::from_hms_opt(7, 0, 0).expect("a time")),
            time_zone: chrono_tz::Europe::London,
        }
    }
}

/// The key case papers are encrypted under (docs/SECURITY.md, "Case papers").
#[derive(clap::Args, Clone, Debug)]
pub struct DocumentsConfig {
    /// The documents key, 64 hex digits (32 bytes). When unset, one is generated once and kept
    /// in `--documents-key-file`.
    #[arg(
        long,
        env = "CASELOAD_DOCUMENTS_KEY",
        hide_env_values = true,
        global = true
    )]
    pub documents_key: Option<String>,

    /// Where the generated key is kept (readable only by its owner). Back it up apart from the
    /// database: without it the documents cannot be read.
    #[arg(
        long,
        env = "CASELOAD_DOCUMENTS_KEY_FILE",
        default_value = "caseload.documents.key",
        global = true
    )]
    pub documents_key_file: std::path::PathBuf,

    /// The key documents were sealed under before a change of key, while `caseload documents
    /// rekey` moves them to the current one.
    #[arg(long, env = "CASELOAD_DOCUMENTS_PREVIOUS_KEY_FILE", global = true)]
    pub documents_previous_key_file: Option<std::path::PathBuf>,
}

impl Default for DocumentsConfig {
    fn default() -> Self {
        Self {
            documents_key: None,
            documents_key_file: "caseload.documents.key".into(),
            documents_previous_key_file: None,
        }
    }
}
