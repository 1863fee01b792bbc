//! Reminders by email: the morning digest of what falls due and referral notices, queued in an
//! outbox and sent once through an SMTP server (docs/CONFIGURATION.md, "Email").

pub mod delivery;
pub mod digest;
pub mod notices;
pub mod outbox;
pub mod render;
pub mod smtp;

pub use delivery::{Delivered, Reminders};
pub use smtp::Mailer;
