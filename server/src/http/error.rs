//! The HTTP face of errors: every failure becomes `{"code", "message"}` with the status of its
//! [`ErrorCode`]. Internal details (SQL, paths, panics) go to the log under the request id,
//! never into a response.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use jifen_shared::{ApiErrorBody, ErrorCode};

use crate::error::DomainError;

/// An error response: a stable code, a human message and, for `rate_limited` and
/// `unavailable`, when to try again (sent as the `Retry-After` header, in seconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    pub retry_after_s: Option<u64>,
    /// Whether it came from a transaction the database aborted for a conflict (a
    /// serialization failure or a deadlock): [`crate::storage::retry`] runs such a
    /// transaction again.
    conflict: bool,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
            retry_after_s: None,
            conflict: false,
        }
    }

    /// 429 `rate_limited` with `Retry-After: retry_after_s`.
    pub fn rate_limited(message: impl Into<String>, retry_after_s: u64) -> Self {
        ApiError {
            retry_after_s: Some(retry_after_s),
            ..Self::new(ErrorCode::RateLimited, message)
        }
    }

    /// 403 `forbidden`; the message should say what the caller lacks.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Forbidden, message)
    }

    /// 400 `invalid_input`; the message should name the field.
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidInput, message)
    }

    /// 404 `not_found`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotFound, message)
    }

    /// 503 `unavailable` with `Retry-After`: the request was not answered within its
    /// deadline (`crate::http::deadline`).
    pub fn deadline_passed() -> Self {
        ApiError {
            retry_after_s: Some(crate::error::UNAVAILABLE_RETRY_AFTER_S),
            ..Self::new(
                ErrorCode::Unavailable,
                "this took too long (the database is slow or unreachable); please try again",
            )
        }
    }

    /// 500 `internal`, its `cause` logged (under the request's id) as `what` went wrong.
    pub fn internal_because(what: &str, cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "{what}");
        Self::internal()
    }

    /// 500 `internal` with a generic message; log the cause before returning this (or use
    /// [`ApiError::internal_because`]).
    pub fn internal() -> Self {
        Self::new(
            ErrorCode::Internal,
            "something went wrong on our side; please try again",
        )
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        if let Some(seconds) = self.retry_after_s {
            response.insert_header((actix_web::http::header::RETRY_AFTER, seconds.to_string()));
        }
        response.json(ApiErrorBody {
            code: self.code,
            message: self.message.clone(),
        })
    }
}

/// The one way a domain's error becomes an HTTP error (see [`crate::error`]): the error that
/// speaks for it gives the code and message; a 5xx is logged with its cause (inside the
/// request's span, so under its request id), and a 500 shows the client only a generic
/// message. A failure of the database that is not the request's fault, wherever it sits in
/// the error's chain, is 503 `unavailable` with `Retry-After`
/// ([`crate::storage::failure_in`]; a ledger error inside a claim's, say, speaks as the claim's
/// 500 otherwise).
impl<E: DomainError + 'static> From<E> for ApiError {
    fn from(e: E) -> Self {
        let mut speaker: &dyn DomainError = &e;
        while let Some(inner) = speaker.wrapped() {
            speaker = inner;
        }
        let failure = crate::storage::failure_in(&e);
        let conflict = failure == Some(crate::storage::Failure::Conflict);
        let mut code = speaker.code();
        let mut message = speaker.message();
        let mut retry_after_s = speaker.retry_after_s();
        if code == ErrorCode::Internal && failure.is_some() {
            code = ErrorCode::Unavailable;
            message = crate::error::DATABASE_UNAVAILABLE.into();
            retry_after_s = Some(crate::error::UNAVAILABLE_RETRY_AFTER_S);
        }
        if code.http_status() >= 500 {
            let cause = causes(&e);
            if code == ErrorCode::Internal {
                tracing::error!(error = %cause, "internal error");
                return ApiError::internal();
            }
            tracing::warn!(error = %cause, %code, "unavailable");
        }
        ApiError {
            code,
            message,
            retry_after_s,
            conflict,
        }
    }
}

/// An `ApiError` made from a conflict (see [`ApiError::from`]) is one, for
/// [`crate::storage::retry`]: the idempotency layer's transactions answer `ApiError`s.
impl crate::storage::MayConflict for ApiError {
    fn is_conflict(&self) -> bool {
        self.conflict
    }
}

/// An error and its sources, `outer: inner: …`, for the log.
fn causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let more = s.to_string();
        if !text.ends_with(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = s.source();
    }
    text
}

/// `error_handler` for actix's JSON, path and query extractors: a malformed request is a 400
/// `invalid_input` naming what was wrong, or 413/415 for size and media type. What the sender
/// sent is quoted at most 40 characters long ([`unechoed`]).
pub fn extractor_error(err: impl ResponseError, _req: &HttpRequest) -> actix_web::Error {
    let status = err.status_code();
    let code = match status {
        StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::TooLarge,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ErrorCode::UnsupportedMediaType,
        _ => ErrorCode::InvalidInput,
    };
    ApiError::new(code, unechoed(&err.to_string())).into()
}

/// The most characters of a message about a malformed request.
const MAX_EXTRACTOR_MESSAGE: usize = 300;

/// `message` (serde's or actix's words about a malformed request, which quote the input:
/// `invalid type: string "AAAA…", expected i64`, ``unknown field `AAAA…` ``) with each quoted
/// part clipped to 40 characters and the whole to [`MAX_EXTRACTOR_MESSAGE`]: a 100 KB field is
/// never sent back.
fn unechoed(message: &str) -> String {
    let mut out = String::new();
    let mut quote: Option<char> = None;
    let mut quoted = String::new();
    for c in message.chars() {
        match quote {
            Some(q) if c == q => {
                out.push_str(&crate::text::clip(&quoted));
                out.push(c);
                quoted.clear();
                quote = None;
            }
            Some(_) => quoted.push(c),
            None => {
                out.push(c);
                if c == '"' || c == '`' {
                    quote = Some(c);
                }
            }
        }
    }
    out.push_str(&crate::text::clip(&quoted));
    match out.char_indices().nth(MAX_EXTRACTOR_MESSAGE) {
        Some((i, _)) => format!("{}…", &out[..i]),
        None => out,
    }
}

#[cfg(test)]
mod unechoed_tests {
    use super::unechoed;

    #[test]
    fn quoted_input_is_clipped() {
        let long = "A".repeat(100_000);
        let said = unechoed(&format!(
            "Json deserialize error: invalid type: string \"{long}\", expected i64 at line 1 column 9"
        ));
        assert_eq!(
            said,
            format!(
                "Json deserialize error: invalid type: string \"{}…\", expected i64 at line 1 column 9",
                "A".repeat(40)
            )
        );
        assert_eq!(unechoed("unknown field `ab`"), "unknown field `ab`");
        assert!(unechoed(&format!("unknown field `{long}")).chars().count() < 100);
        assert!(unechoed(&long).chars().count() <= 301);
    }
}
