//! What a domain's error says on the wire. Each error enum implements [`DomainError`] next to
//! its definition: the stable [`ErrorCode`] of each variant (its HTTP status follows from the
//! code, `ErrorCode::http_status`), and which variant only carries another domain's error
//! ([`DomainError::wrapped`], e.g. a database error inside a claim's error), which then speaks
//! for it. The one conversion into an HTTP error is in `http::error`: it logs the cause of
//! every 5xx under the request's id and never shows it to the client.

use jifen_shared::ErrorCode;

/// An error a request can end in (see the module docs).
pub trait DomainError: std::error::Error {
    /// The stable code of this error. For a variant that [`DomainError::wrapped`] answers,
    /// whatever is returned here is never used.
    fn code(&self) -> ErrorCode;

    /// The error this one only carries, which speaks for it (its code and message).
    fn wrapped(&self) -> Option<&dyn DomainError> {
        None
    }

    /// What the client reads: by default the error's text, which names the field for a
    /// 400. Never shown for a 500 (`internal`), whose cause goes to the log.
    fn message(&self) -> String {
        self.to_string()
    }

    /// For 429 `rate_limited`: the seconds to wait (the `Retry-After` header).
    fn retry_after_s(&self) -> Option<u64> {
        None
    }
}

/// The database's errors: an exhausted or closed pool or a broken connection is 503
/// `unavailable` (the client may retry); anything else is 500 `internal`.
impl DomainError for sqlx::Error {
    fn code(&self) -> ErrorCode {
        match self {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                ErrorCode::Unavailable
            }
            _ => ErrorCode::Internal,
        }
    }

    fn message(&self) -> String {
        "the database is busy or unreachable; please try again".into()
    }
}
