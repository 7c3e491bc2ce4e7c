//! SQL of the `member_codes` table (owned by this module): one random nonce per person, the
//! body of their member code ([`super::token::Purpose::Member`]). Times are UTC milliseconds.

use sqlx::Row;

use crate::storage::{Db, Tx};

/// Records `nonce` as the member code of `person_id`, unless they already have one (then
/// nothing changes).
pub async fn insert_nonce(
    tx: &mut Tx,
    person_id: i64,
    nonce: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO member_codes (person_id, nonce, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (person_id) DO NOTHING",
    )
    .bind(person_id)
    .bind(nonce)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The nonce of `person_id`'s member code, `None` before their first.
pub async fn nonce_of(db: &Db, person_id: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query("SELECT nonce FROM member_codes WHERE person_id = $1")
        .bind(person_id)
        .fetch_optional(db.reader())
        .await?
        .map(|r| r.try_get("nonce"))
        .transpose()
}

/// Whose member code has `nonce`.
pub async fn person_of(tx: &mut Tx, nonce: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query("SELECT person_id FROM member_codes WHERE nonce = $1")
        .bind(nonce)
        .fetch_optional(&mut **tx)
        .await?
        .map(|r| r.try_get("person_id"))
        .transpose()
}

/// Forgets `person_id`'s member code (their account is being closed): a code shown before
/// no longer identifies anyone.
pub async fn forget(tx: &mut Tx, person_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM member_codes WHERE person_id = $1")
        .bind(person_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
