//! The SMTP client: one message at a time to the configured server, which relays it.

use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{Message, SmtpTransport, Transport};

use super::render::Rendered;
use crate::config::{MailConfig, SmtpTls};

/// How long a send may take before it counts as failed (well inside the outbox's lease).
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// Why a send failed, in words safe to log and keep: the SMTP reply code, or the kind of
/// connection fault; never the server's text (it can echo addresses).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub reason: String,
    /// The server refused for good (a 5xx reply); still retried, as a relay refusing for a
    /// setting the operator then fixes is common.
    pub permanent: bool,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason)
    }
}

fn failure(error: &lettre::transport::smtp::Error) -> Failure {
    let reason = match error.status() {
        Some(code) => format!("the SMTP server answered {code}"),
        None if error.is_timeout() => "the SMTP server did not answer in time".into(),
        None if error.is_tls() => "TLS with the SMTP server failed".into(),
        None => "could not talk to the SMTP server".into(),
    };
    Failure {
        reason,
        permanent: error.is_permanent(),
    }
}

/// Sends mail through the configured SMTP server.
pub struct Mailer {
    transport: SmtpTransport,
    from: Mailbox,
    /// The domain of Message-IDs.
    domain: String,
    /// Where links in messages point (`CASELOAD_PUBLIC_URL`).
    pub public_url: Option<String>,
}

impl Mailer {
    /// The mailer the settings describe; `None` when no SMTP host is set (reminders off). A
    /// setting that cannot work (a From that is not an address) is an error naming it.
    pub fn from_config(
        config: &MailConfig,
        public_url: Option<String>,
    ) -> Result<Option<Self>, String> {
        let Some(host) = config.smtp_host.as_deref().filter(|h| !h.trim().is_empty()) else {
            return Ok(None);
        };
        let from: Mailbox = config
            .mail_from
            .as_deref()
            .ok_or("CASELOAD_MAIL_FROM is required with CASELOAD_SMTP_HOST")?
            .parse()
            .map_err(|e| format!("CASELOAD_MAIL_FROM is not an address: {e}"))?;
        let tls = || {
            TlsParameters::new(host.to_owned()).map_err(|e| format!("TLS settings for {host}: {e}"))
        };
        let (security, port) = match config.smtp_tls {
            SmtpTls::None => (Tls::None, 25),
            SmtpTls::Starttls => (Tls::Required(tls()?), 587),
            SmtpTls::Tls => (Tls::Wrapper(tls()?), 465),
        };
        let mut builder = SmtpTransport::builder_dangerous(host)
            .port(config.smtp_port.unwrap_or(port))
            .tls(security)
            .timeout(Some(TIMEOUT));
        if let Some(user) = &config.smtp_user {
            builder = builder.credentials(Credentials::new(
                user.clone(),
                config.smtp_password.clone().unwrap_or_default(),
            ));
        }
        let domain = public_url
            .as_deref()
            .and_then(|url| url.split("://").nth(1))
            .and_then(|rest| rest.split(['/', ':']).next())
            .filter(|host| !host.is_empty())
            .unwrap_or(from.email.domain())
            .to_owned();
        Ok(Some(Self {
            transport: builder.build(),
            from,
            domain,
            public_url,
        }))
    }

    /// Sends one message, plain text and HTML, to `to`. `id` makes its Message-ID, the same on
    /// every try, so a mail system that sees it twice can tell.
    pub fn send(&self, to: &str, message: &Rendered, id: &str) -> Result<(), Failure> {
        let to: Mailbox = to.parse().map_err(|_| Failure {
            reason: "the recipient's address is not valid".into(),
            permanent: true,
        })?;
        let email = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(message.subject.clone())
            .message_id(Some(format!("<{id}@{}>", self.domain)))
            .multipart(MultiPart::alternative_plain_html(
                message.text.clone(),
                message.html.clone(),
            ))
            .map_err(|e| Failure {
                reason: format!("the message could not be built: {e}"),
                permanent: true,
            })?;
        self.transport
            .send(&email)
            .map(|_| ())
            .map_err(|e| failure(&e))
    }
}
