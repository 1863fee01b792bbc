//! The receiving side of SMTP (RFC 5321), small and real: a server on a loopback port that
//! holds the conversation the mail client starts (EHLO, MAIL, RCPT, DATA, QUIT) and keeps what
//! it accepted. It can refuse the next messages with a temporary failure, as a busy or
//! grey-listing server does.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// A message as delivered: the envelope and the decoded content.
#[derive(Debug, Clone)]
pub struct Received {
    pub to: Vec<String>,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub message_id: String,
    /// The raw message, headers and encoded body, as it crossed the wire.
    pub raw: String,
}

impl Received {
    /// Everything a reader could see: headers, both bodies decoded, and the raw form.
    pub fn everything(&self) -> String {
        format!(
            "{}\n{}\n{}\n{}",
            self.subject, self.text, self.html, self.raw
        )
    }
}

#[derive(Default)]
struct Shared {
    received: Mutex<Vec<Received>>,
    refuse: AtomicUsize,
    refused: AtomicUsize,
}

pub struct Receiver {
    pub port: u16,
    shared: Arc<Shared>,
}

impl Receiver {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let port = listener.local_addr().unwrap().port();
        let shared = Arc::new(Shared::default());
        let serving = Arc::clone(&shared);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let shared = Arc::clone(&serving);
                std::thread::spawn(move || {
                    let _ = converse(stream, &shared);
                });
            }
        });
        Self { port, shared }
    }

    /// Refuses the next `count` messages with `451` after their DATA.
    pub fn refuse_next(&self, count: usize) {
        self.shared.refuse.store(count, Ordering::SeqCst);
    }

    pub fn refused(&self) -> usize {
        self.shared.refused.load(Ordering::SeqCst)
    }

    pub fn received(&self) -> Vec<Received> {
        self.shared.received.lock().unwrap().clone()
    }

    /// Messages delivered to `address`.
    pub fn to(&self, address: &str) -> Vec<Received> {
        self.received()
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t.eq_ignore_ascii_case(address)))
            .collect()
    }

    /// Mail settings that send here, with no TLS (loopback only).
    pub fn config(&self) -> caseload::config::MailConfig {
        caseload::config::MailConfig {
            smtp_host: Some("127.0.0.1".into()),
            smtp_port: Some(self.port),
            smtp_tls: caseload::config::SmtpTls::None,
            mail_from: Some("caseload <caseload@branch.example.org>".into()),
            ..Default::default()
        }
    }

    pub fn mailer(&self, public_url: Option<&str>) -> caseload::mail::Mailer {
        caseload::mail::Mailer::from_config(&self.config(), public_url.map(str::to_owned))
            .expect("valid settings")
            .expect("mail is on")
    }
}

fn address(argument: &str) -> String {
    argument
        .split_once('<')
        .and_then(|(_, rest)| rest.split_once('>'))
        .map(|(address, _)| address.to_owned())
        .unwrap_or_default()
}

fn converse(stream: TcpStream, shared: &Shared) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut out = stream;
    out.write_all(b"220 receiver.test ESMTP\r\n")?;
    let mut to = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_owned();
        let verb = command
            .split([' ', ':'])
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        match verb.as_str() {
            "EHLO" => out.write_all(b"250-receiver.test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")?,
            "HELO" => out.write_all(b"250 receiver.test\r\n")?,
            "MAIL" => {
                to.clear();
                out.write_all(b"250 2.1.0 OK\r\n")?;
            }
            "RCPT" => {
                to.push(address(&command));
                out.write_all(b"250 2.1.5 OK\r\n")?;
            }
            "DATA" => {
                out.write_all(b"354 end with <CRLF>.<CRLF>\r\n")?;
                let mut raw = String::new();
                loop {
                    line.clear();
                    if reader.read_line(&mut line)? == 0 {
                        return Ok(());
                    }
                    if line == ".\r\n" || line == ".\n" {
                        break;
                    }
                    // Dot-stuffing (RFC 5321 §4.5.2).
                    raw.push_str(line.strip_prefix('.').unwrap_or(&line));
                }
                let refuse = shared
                    .refuse
                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                    .is_ok();
                if refuse {
                    shared.refused.fetch_add(1, Ordering::SeqCst);
                    out.write_all(b"451 4.3.0 try again later\r\n")?;
                    continue;
                }
                let parsed = mail_parser::MessageParser::default()
                    .parse(raw.as_bytes())
                    .expect("a message that parses");
                shared.received.lock().unwrap().push(Received {
                    to: to.clone(),
                    subject: parsed.subject().unwrap_or_default().to_owned(),
                    text: parsed.body_text(0).unwrap_or_default().into_owned(),
                    html: parsed.body_html(0).unwrap_or_default().into_owned(),
                    message_id: parsed.message_id().unwrap_or_default().to_owned(),
                    raw: raw.clone(),
                });
                out.write_all(b"250 2.0.0 accepted\r\n")?;
            }
            "RSET" | "NOOP" => out.write_all(b"250 OK\r\n")?,
            "QUIT" => {
                out.write_all(b"221 bye\r\n")?;
                return Ok(());
            }
            _ => out.write_all(b"502 5.5.1 not implemented\r\n")?,
        }
    }
}
