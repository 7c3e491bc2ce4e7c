//! `Idempotency-Key` (API.md, "Conventions"): a villager whose request timed out taps again;
//! the retry must not do the thing twice.
//!
//! A creating POST marked (I) runs its change through [`run`] inside one write transaction
//! that first claims the key `(person, key)`. The successful response is stored with the key,
//! in the same transaction as the change, so:
//! - the same key and the same request (method, path and body, hashed with SHA-256) replays
//!   the stored status and body and changes nothing;
//! - the same key with a different request is 409 `idempotency_conflict`;
//! - two identical requests at the same moment: the second waits for the first's transaction
//!   (PostgreSQL's unique index; SQLite's single writer) and then replays its answer;
//! - a request that fails changed nothing and stores nothing, so retrying it runs it again
//!   (it may succeed now, e.g. after the villager earned more points);
//! - a transaction the database aborted for a conflict (a serialization failure or a
//!   deadlock, PostgreSQL) is run again by the server itself, key claim and all
//!   ([`Db::write`]), a few times before the answer is 503 `unavailable`;
//! - a request cut off by its deadline (`crate::http::deadline`) answers 503 `unavailable`;
//!   its transaction rolls back unless its commit had already reached the database. Either
//!   way the same key again gets the truth: the change is made now, or the stored answer of
//!   the change that was made is replayed.
//!
//! Keys are 1–100 printable ASCII characters (clients send UUIDs); without the header the
//! request simply runs. Keys are kept at least 24 hours: a person's keys older than
//! [`KEEP`] are purged when they send a new one.

use std::time::Duration;

use actix_web::HttpRequest;
use jifen_shared::ErrorCode;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::Row;

use super::ApiError;
use crate::storage::{Db, Tx, now_ms};

/// The request header.
pub const HEADER: &str = "idempotency-key";
/// The longest key, in characters (printable ASCII, `!` to `~`).
pub const MAX_KEY_CHARS: usize = 100;
/// How long keys are kept: 48 hours.
pub const KEEP: Duration = Duration::from_secs(48 * 3600);

/// The key of a request, checked.
///
/// Errors: 400 `invalid_input` for an empty, over-long or non-printable key.
pub fn key_of(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = req.headers().get(HEADER) else {
        return Ok(None);
    };
    let key = value.to_str().unwrap_or("").trim();
    if key.is_empty() || key.len() > MAX_KEY_CHARS || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ApiError::invalid_input(format!(
            "Idempotency-Key: 1 to {MAX_KEY_CHARS} printable ASCII characters, e.g. a UUID"
        )));
    }
    Ok(Some(key.to_owned()))
}

/// A response to send: status and JSON body.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    pub status: u16,
    pub body: serde_json::Value,
}

/// Runs `change` in a write transaction, once per `(person_id, key)`: see the module docs.
/// `request` is what identifies the request besides the key (method, path and body).
/// `change` answers the status and body of success; it must not commit the transaction, and
/// is run again after a conflict ([`Db::write`]).
///
/// Errors: 409 `idempotency_conflict`; whatever `change` returns (nothing is stored then);
/// 503 `unavailable` when the database fails (a conflict still there after the retries).
pub async fn run<T, F>(
    db: &Db,
    person_id: i64,
    key: Option<&str>,
    request: &impl Serialize,
    mut change: F,
) -> Result<Stored, ApiError>
where
    T: Serialize,
    F: AsyncFnMut(&mut Tx) -> Result<(u16, T), ApiError>,
{
    let hash = request_hash(request);
    db.write(async |tx| {
        let now = now_ms();
        if let Some(key) = key
            && let Some(stored) = claim(tx, person_id, key, &hash, now).await?
        {
            return Ok(stored);
        }
        let (status, value) = change(tx).await?;
        let body = serde_json::to_value(value)
            .map_err(|e| ApiError::internal_because("cannot serialise a response", e))?;
        if let Some(key) = key {
            sqlx::query(
                "UPDATE idempotency_keys SET status = $3, response = $4 WHERE person_id = $1 AND key = $2",
            )
            .bind(person_id)
            .bind(key)
            .bind(i64::from(status))
            .bind(body.to_string())
            .execute(&mut **tx)
            .await?;
        }
        Ok(Stored { status, body })
    })
    .await
}

/// Claims the key for this transaction, or returns the stored answer of the same request.
async fn claim(
    tx: &mut Tx,
    person_id: i64,
    key: &str,
    hash: &str,
    now: i64,
) -> Result<Option<Stored>, ApiError> {
    sqlx::query("DELETE FROM idempotency_keys WHERE person_id = $1 AND created_at < $2")
        .bind(person_id)
        .bind(now - KEEP.as_millis() as i64)
        .execute(&mut **tx)
        .await?;
    let claimed = sqlx::query(
        "INSERT INTO idempotency_keys (person_id, key, request_hash, status, response, created_at) \
         VALUES ($1, $2, $3, 0, '', $4) ON CONFLICT DO NOTHING RETURNING person_id",
    )
    .bind(person_id)
    .bind(key)
    .bind(hash)
    .bind(now)
    .fetch_optional(&mut **tx)
    .await?;
    if claimed.is_some() {
        return Ok(None);
    }
    let row = sqlx::query(
        "SELECT request_hash, status, response FROM idempotency_keys WHERE person_id = $1 AND key = $2",
    )
    .bind(person_id)
    .bind(key)
    .fetch_one(&mut **tx)
    .await?;
    let stored_hash: String = row.try_get("request_hash")?;
    if stored_hash != hash {
        return Err(ApiError::new(
            ErrorCode::IdempotencyConflict,
            "Idempotency-Key: already used for a different request",
        ));
    }
    Ok(Some(Stored::from_row(&row)?))
}

/// The stored answer of `person_id`'s request with `key`, if its change was committed (`jifen
/// simulate` checks every 2xx answer it received against it).
pub async fn stored(db: &Db, person_id: i64, key: &str) -> Result<Option<Stored>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT status, response FROM idempotency_keys WHERE person_id = $1 AND key = $2",
    )
    .bind(person_id)
    .bind(key)
    .fetch_optional(db.reader())
    .await?;
    row.as_ref().map(Stored::from_row).transpose()
}

fn request_hash(request: &impl Serialize) -> String {
    let bytes = serde_json::to_vec(request).unwrap_or_default();
    hex::encode(Sha256::digest(&bytes))
}

impl Stored {
    /// A stored answer from a row's `status` and `response` columns.
    fn from_row(row: &sqlx::any::AnyRow) -> Result<Stored, sqlx::Error> {
        let status: i64 = row.try_get("status")?;
        let body: String = row.try_get("response")?;
        Ok(Stored {
            status: u16::try_from(status).unwrap_or(200),
            body: serde_json::from_str(&body).unwrap_or(serde_json::Value::Null),
        })
    }

    /// The HTTP response.
    pub fn respond(self) -> actix_web::HttpResponse {
        let status = actix_web::http::StatusCode::from_u16(self.status)
            .unwrap_or(actix_web::http::StatusCode::OK);
        actix_web::HttpResponse::build(status).json(self.body)
    }
}
