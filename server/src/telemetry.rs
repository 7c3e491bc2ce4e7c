//! Structured logs with `tracing`. Every HTTP request runs in a span carrying its request id
//! (also sent back as the `x-request-id` header), so one id finds a request's log lines.
//!
//! The filter comes from `JIFEN_LOG` (then `RUST_LOG`), in `tracing-subscriber`'s EnvFilter
//! syntax, default `info,sqlx=warn`; the format from `JIFEN_LOG_FORMAT` (`text` or `json`).
//! Logs go to standard error; command output goes to standard output.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// Installs the global subscriber once; later calls (tests starting many apps) do nothing.
/// `filter` is `JIFEN_LOG` (validated by the settings); without it `RUST_LOG`, else
/// `default_filter`. Colours only when standard error is a terminal.
pub fn init(format: LogFormat, filter: Option<&str>, default_filter: &str) {
    let filter = filter
        .map(str::to_owned)
        .or_else(|| std::env::var("RUST_LOG").ok())
        .and_then(|f| EnvFilter::try_new(f).ok())
        .unwrap_or_else(|| EnvFilter::new(default_filter));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}
