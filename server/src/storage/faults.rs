//! Database failures that are not the request's fault, and running a transaction again after
//! a conflict (see the module docs of [`crate::storage`], "Deadlines and retries").

use std::time::Duration;

use rand::Rng;
use sqlx::error::DatabaseError;

/// A database failure that says nothing about the request: it may well succeed later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// A serialization failure or a deadlock (PostgreSQL SQLSTATE `40001`, `40P01`): the
    /// database aborted the transaction so that another one could go on; running it again
    /// (from its beginning) may well succeed. [`retry`] does that.
    Conflict,
    /// The database cannot answer now: no connection within the acquire timeout, a closed
    /// pool, a broken connection, a statement cancelled by `statement_timeout`, a lock not
    /// granted, the server shutting down or out of connections or resources (SQLSTATE classes
    /// `08`, `53`, `57P`, codes `57014`, `55P03`, `25P03`), SQLite's file locked by another
    /// process beyond the busy timeout (`SQLITE_BUSY`, `SQLITE_LOCKED`).
    Unavailable,
}

/// What `e` means for the request that met it: [`Failure::Conflict`],
/// [`Failure::Unavailable`], or `None` for anything else (a bug, or a constraint the request
/// broke).
pub fn failure(e: &sqlx::Error) -> Option<Failure> {
    match e {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
            Some(Failure::Unavailable)
        }
        sqlx::Error::Database(d) => database_failure(d.as_ref()),
        _ => None,
    }
}

/// [`failure`] of an error the database returned.
fn database_failure(d: &dyn DatabaseError) -> Option<Failure> {
    if let Some(pg) = d.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
        return match pg.code() {
            "40001" | "40P01" => Some(Failure::Conflict),
            "57014" | "55P03" | "25P03" => Some(Failure::Unavailable),
            code if ["08", "53", "57P"]
                .iter()
                .any(|class| code.starts_with(class)) =>
            {
                Some(Failure::Unavailable)
            }
            _ => None,
        };
    }
    if d.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
        // The primary result code is the low byte of the extended one.
        let primary = d
            .code()
            .and_then(|c| c.parse::<i32>().ok())
            .map(|c| c & 0xff);
        return matches!(primary, Some(5 | 6)).then_some(Failure::Unavailable);
    }
    None
}

/// The [`failure`] behind `e`, found along its chain of sources: domain errors carry the
/// database's error (often through another domain's, e.g. a ledger error inside a claim's).
pub fn failure_in(e: &(dyn std::error::Error + 'static)) -> Option<Failure> {
    std::iter::successors(Some(e), |e| e.source()).find_map(|link| {
        if let Some(e) = link.downcast_ref::<sqlx::Error>() {
            failure(e)
        } else {
            // `#[error(transparent)]` wrappers skip the `sqlx::Error` itself and show its source.
            link.downcast_ref::<Box<dyn DatabaseError>>()
                .and_then(|d| database_failure(d.as_ref()))
        }
    })
}

/// An error that can say whether it is a [`Failure::Conflict`], for [`retry`]: any error
/// whose chain holds the database's error, and the HTTP layer's `ApiError`, which remembers
/// it.
pub trait MayConflict {
    /// Whether the transaction that failed with this error was aborted for a conflict.
    fn is_conflict(&self) -> bool;
}

impl<E: std::error::Error + 'static> MayConflict for E {
    fn is_conflict(&self) -> bool {
        failure_in(self) == Some(Failure::Conflict)
    }
}

/// How many times [`retry`] runs an operation at most: the first run and two more.
pub const ATTEMPTS: u32 = 3;

/// The pause before running again after the failed attempt `attempt` (1-based): a random
/// time between 25 and 50 ms after the first, 50 and 100 ms after the second… The jitter
/// keeps the transactions that collided from colliding again in step.
fn backoff(attempt: u32) -> Duration {
    let ceiling = 50u64 << (attempt - 1).min(6);
    Duration::from_millis(rand::rng().random_range(ceiling / 2..=ceiling))
}

/// Runs `op` — work that begins its write transaction, and commits it last — and runs it
/// again from the start when it fails with a [`Failure::Conflict`], after a jittered pause
/// ([`backoff`]), at most [`ATTEMPTS`] times in all. Answers the first success, or the last
/// failure (a conflict after the last attempt: the HTTP layer answers it 503 `unavailable`).
///
/// `op` must be safe to run again after a failure: its transaction rolled back, so it may not
/// have done anything outside it first that a second run would do twice (sending an SMS,
/// committing an earlier transaction whose effect changes what the second run does).
pub async fn retry<T, E>(mut op: impl AsyncFnMut() -> Result<T, E>) -> Result<T, E>
where
    E: MayConflict + std::fmt::Display,
{
    let mut attempt = 1;
    loop {
        match op().await {
            Err(e) if attempt < ATTEMPTS && e.is_conflict() => {
                tracing::info!(attempt, error = %e, "transaction conflict: running it again");
                tokio::time::sleep(backoff(attempt)).await;
                attempt += 1;
            }
            done => return done,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter() {
        for _ in 0..100 {
            let first = backoff(1).as_millis();
            let second = backoff(2).as_millis();
            assert!((25..=50).contains(&first), "{first}");
            assert!((50..=100).contains(&second), "{second}");
        }
    }

    #[test]
    fn pool_and_io_failures_are_unavailable() {
        assert_eq!(
            failure(&sqlx::Error::PoolTimedOut),
            Some(Failure::Unavailable)
        );
        assert_eq!(failure(&sqlx::Error::RowNotFound), None);
        #[derive(Debug, thiserror::Error)]
        enum Carrier {
            #[error("storage")]
            Storage(#[from] sqlx::Error),
        }
        let carried = Carrier::from(sqlx::Error::PoolClosed);
        assert_eq!(failure_in(&carried), Some(Failure::Unavailable));
        assert!(!carried.is_conflict());
    }
}
