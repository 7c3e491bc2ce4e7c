//! Structured logs with `tracing`. Every HTTP request runs in a span carrying its request id
//! (also sent back as the `x-request-id` header), so one id finds a request's log lines.
//!
//! The filter comes from `JIFEN_LOG` (then `RUST_LOG`), in `tracing-subscriber`'s EnvFilter
//! syntax, default `info,sqlx=warn`; the format from `JIFEN_LOG_FORMAT` (`text` or `json`).
//! Logs go to standard error; command output goes to standard output.
//!
//! What a request can put into the log is no trusted text:
//! - the request span ([`RequestSpan`]) names the client by the address the trusted-proxy
//!   rule decided ([`crate::http::client_ip()`]): the TCP peer, or with `JIFEN_TRUSTED_PROXIES`
//!   the right-most untrusted `X-Forwarded-For` entry — never a header's left-most entry that
//!   anyone can write;
//! - every value of a text log line is escaped ([`EscapedFields`]): control characters (line
//!   breaks, carriage returns, terminal escapes), the Unicode line and paragraph separators
//!   and bidi controls are written as `\n`, `\r`, `\u{1b}`…, so a path, a header or an error
//!   message quoting input cannot start a forged line or drive the operator's terminal. JSON
//!   lines are escaped by their encoding.

use std::fmt::{self, Write as _};
use std::io::IsTerminal;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::{Error, HttpMessage};
use tracing::Span;
use tracing::field::{Field, Visit};
use tracing_actix_web::{DefaultRootSpanBuilder, RequestId, RootSpanBuilder};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::field::RecordFields;
use tracing_subscriber::fmt::FormatFields;
use tracing_subscriber::fmt::format::Writer;

use crate::config::LogFormat;
use crate::startup::State;

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
        LogFormat::Text => builder.fmt_fields(EscapedFields).try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}

/// The span of one HTTP request (`tracing-actix-web`'s fields, the OpenTelemetry names), with
/// `http.client_ip` the address [`crate::http::client_ip()`] decided under
/// `JIFEN_TRUSTED_PROXIES` and `http.host` the `Host` header as sent (`tracing-actix-web`'s
/// own span reads both from `Forwarded`/`X-Forwarded-*` headers, which anyone can write), and
/// `http.target` the path without its query. Status and errors are recorded at the end as `tracing-actix-web` does.
pub struct RequestSpan;

impl RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let trusted = request
            .app_data::<State>()
            .map(|state| state.settings.trusted_proxies.as_slice())
            .unwrap_or_default();
        let client_ip = crate::http::client_ip(request.request(), trusted)
            .map(|ip| ip.to_string())
            .unwrap_or_default();
        let header = |name| {
            request
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
        };
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .map(ToString::to_string)
            .unwrap_or_default();
        let method = request.method().as_str();
        let route = request.match_pattern().unwrap_or_else(|| "default".into());
        tracing::info_span!(
            "HTTP request",
            http.method = %method,
            http.route = %route,
            http.flavor = ?request.version(),
            http.host = %header(actix_web::http::header::HOST),
            http.client_ip = %client_ip,
            http.user_agent = %header(actix_web::http::header::USER_AGENT),
            // The path without its query: a query may carry a phone being searched for or the
            // one-time code of a WeChat sign-in (`/login/wechat?code=…`), neither for the log.
            http.target = %request.uri().path(),
            http.status_code = tracing::field::Empty,
            otel.name = %format!("{method} {route}"),
            otel.kind = "server",
            otel.status_code = tracing::field::Empty,
            request_id = %request_id,
            exception.message = tracing::field::Empty,
            exception.details = tracing::field::Empty,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}

/// The fields of a text log line as `tracing-subscriber` writes them (the message, then
/// `name=value` separated by spaces; strings other than the message quoted), each value
/// escaped by [`escape`].
pub struct EscapedFields;

impl<'writer> FormatFields<'writer> for EscapedFields {
    fn format_fields<R: RecordFields>(&self, writer: Writer<'writer>, fields: R) -> fmt::Result {
        let mut visitor = EscapingVisitor {
            writer,
            first: true,
            result: Ok(()),
        };
        fields.record(&mut visitor);
        visitor.result
    }
}

struct EscapingVisitor<'writer> {
    writer: Writer<'writer>,
    first: bool,
    result: fmt::Result,
}

impl EscapingVisitor<'_> {
    fn field(&mut self, field: &Field, value: fmt::Arguments<'_>) {
        let name = field.name();
        // `log` records' metadata, shown by the line's own prefix already.
        if self.result.is_err() || name.starts_with("log.") {
            return;
        }
        let name = name.strip_prefix("r#").unwrap_or(name);
        let first = std::mem::replace(&mut self.first, false);
        self.result = (|| {
            if !first {
                self.writer.write_char(' ')?;
            }
            if name != "message" {
                if self.writer.has_ansi_escapes() {
                    write!(self.writer, "\x1b[3m{name}\x1b[0m\x1b[2m=\x1b[0m")?;
                } else {
                    write!(self.writer, "{name}=")?;
                }
            }
            write!(Escaping(&mut self.writer), "{value}")
        })();
    }
}

impl Visit for EscapingVisitor<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.field(field, format_args!("{value}"));
        } else {
            self.field(field, format_args!("{value:?}"));
        }
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.field(field, format_args!("{value}"));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.field(field, format_args!("{value:?}"));
    }
}

/// Writes through to `W` with [`escape`] applied.
struct Escaping<W>(W);

impl<W: fmt::Write> fmt::Write for Escaping<W> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for c in s.chars() {
            escape(c, &mut self.0)?;
        }
        Ok(())
    }
}

/// Writes `c` to `out`, as `\n`, `\r`, `\t` or `\u{…}` when it is a control character (C0,
/// DEL, C1), U+2028/U+2029 (line and paragraph separators) or a bidi control.
pub fn escape(c: char, out: &mut impl fmt::Write) -> fmt::Result {
    match c {
        '\n' => out.write_str("\\n"),
        '\r' => out.write_str("\\r"),
        '\t' => out.write_str("\\t"),
        c if c.is_control()
            || matches!(c, '\u{2028}' | '\u{2029}' | '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}') =>
        {
            write!(out, "\\u{{{:x}}}", c as u32)
        }
        c => out.write_char(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lines a text subscriber with [`EscapedFields`] writes while `log` runs.
    fn text_log(log: impl FnOnce()) -> String {
        #[derive(Clone, Default)]
        struct Buffer(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
        impl std::io::Write for Buffer {
            fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(bytes);
                Ok(bytes.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let buffer = Buffer::default();
        let writer = buffer.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .without_time()
            .with_target(false)
            .fmt_fields(EscapedFields)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::with_default(subscriber, log);
        String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap()
    }

    #[test]
    fn values_from_requests_cannot_break_a_log_line() {
        let forged = "4107\n2026-01-01T00:00:00Z  INFO admin signed in\r\u{1b}[2J\u{2028}\u{202E}";
        let log = text_log(|| {
            let span = tracing::info_span!("HTTP request", exception.message = tracing::field::Empty, http.target = %"/a%0Ab");
            let _entered = span.enter();
            span.record(
                "exception.message",
                tracing::field::display(format!("not_found: no village {forged}")),
            );
            tracing::warn!(code = forged, "no village {forged}");
        });
        assert_eq!(log.lines().count(), 1, "{log}");
        let escaped =
            r"4107\n2026-01-01T00:00:00Z  INFO admin signed in\r\u{1b}[2J\u{2028}\u{202e}";
        assert_eq!(
            log,
            format!(
                " WARN HTTP request{{http.target=/a%0Ab exception.message=not_found: no village {escaped}}}: \
                 no village {escaped} code=\"{escaped}\"\n"
            )
        );
    }

    #[test]
    fn ordinary_values_are_written_as_they_are() {
        let log =
            text_log(|| tracing::info!(points = 5, name = "张三", ok = true, "发放 {}", "积分"));
        assert_eq!(log, " INFO 发放 积分 points=5 name=\"张三\" ok=true\n");
    }
}
