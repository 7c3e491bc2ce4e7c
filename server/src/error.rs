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

/// What the client reads when the database fails it: 503 `unavailable`.
pub const DATABASE_UNAVAILABLE: &str = "the database is busy or unreachable; please try again";

/// `Retry-After` of a 503 `unavailable`, in seconds: the database's failures
/// ([`crate::storage::Failure`]) and requests past their deadline.
pub const UNAVAILABLE_RETRY_AFTER_S: u64 = 2;

/// The database's errors: one that is not the request's fault ([`crate::storage::failure`]: an
/// exhausted or closed pool, a broken connection, a statement timeout, a conflict still there
/// after the retries…) is 503 `unavailable` with `Retry-After` (the client may try again);
/// anything else is 500 `internal`.
impl DomainError for sqlx::Error {
    fn code(&self) -> ErrorCode {
        match crate::storage::failure(self) {
            Some(_) => ErrorCode::Unavailable,
            None => ErrorCode::Internal,
        }
    }

    fn message(&self) -> String {
        DATABASE_UNAVAILABLE.into()
    }

    fn retry_after_s(&self) -> Option<u64> {
        crate::storage::failure(self).map(|_| UNAVAILABLE_RETRY_AFTER_S)
    }
}
