//! Logging to stderr. One line per request (`http::observe`: method, route pattern, status,
//! milliseconds); never a query string, a body, a token, a password or a name. The level comes
//! from `RUST_LOG` (default `info`); `CASELOAD_LOG_FORMAT=json` writes each line as a JSON
//! object for a log collector. Colour codes only when stderr is a terminal.

use std::io::IsTerminal as _;

use tracing_subscriber::EnvFilter;

pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let json = std::env::var("CASELOAD_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    let _ = if json {
        builder.json().flatten_event(true).try_init()
    } else {
        builder.try_init()
    };
}
