//! The HTTP face of errors: every failure becomes `{"code", "message"}` with the status of its
//! [`ErrorCode`]. Internal details (SQL, paths, panics) go to the log under the request id,
//! never into a response.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use jifen_shared::{ApiErrorBody, ErrorCode};

/// An error response: a stable code, a human message and, for `rate_limited`, when to try
/// again (sent as the `Retry-After` header, in seconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    pub retry_after_s: Option<u64>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
            retry_after_s: None,
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

    /// 500 `internal` with a generic message; log the cause before returning this.
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

impl From<sqlx::Error> for ApiError {
    /// Pool exhaustion or a closed pool is 503 `unavailable` (the client may retry); anything
    /// else is logged and answered 500 `internal`.
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                tracing::warn!(error = %e, "database unavailable");
                ApiError::new(
                    ErrorCode::Unavailable,
                    "the database is busy or unreachable; please try again",
                )
            }
            e => {
                tracing::error!(error = %e, "database error");
                ApiError::internal()
            }
        }
    }
}

impl From<crate::people::phone::PhoneError> for ApiError {
    /// 400 `invalid_phone`.
    fn from(e: crate::people::phone::PhoneError) -> Self {
        ApiError::new(ErrorCode::InvalidPhone, format!("phone: {e}"))
    }
}

/// `error_handler` for actix's JSON, path and query extractors: a malformed request is a 400
/// `invalid_input` naming what was wrong, or 413/415 for size and media type.
pub fn extractor_error(err: impl ResponseError, _req: &HttpRequest) -> actix_web::Error {
    let status = err.status_code();
    let code = match status {
        StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::TooLarge,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ErrorCode::UnsupportedMediaType,
        _ => ErrorCode::InvalidInput,
    };
    ApiError::new(code, err.to_string()).into()
}
