//! SQL of the `member_codes` and `revoked_member_codes` tables (owned by this module): one
//! random nonce per person, the body of their member code ([`super::token::Purpose::Member`]),
//! with the number of their printed member card; and the codes of cards reported lost. Times
//! are UTC milliseconds.

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
pub async fn person_of(
    executor: impl sqlx::AnyExecutor<'_>,
    nonce: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query("SELECT person_id FROM member_codes WHERE nonce = $1")
        .bind(nonce)
        .fetch_optional(executor)
        .await?
        .map(|r| r.try_get("person_id"))
        .transpose()
}

/// Whose member card has number `card_no`.
pub async fn person_of_card(
    executor: impl sqlx::AnyExecutor<'_>,
    card_no: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT person_id FROM member_codes WHERE card_no = $1")
        .bind(card_no)
        .fetch_optional(executor)
        .await
}

/// When `nonce` (or, with `card_no`, that card number) belonged to a revoked card: whether its
/// holder's account is closed now (`Some(true)`: revoked with the account, reads `people`) or
/// the card was reported lost (`Some(false)`).
pub async fn revoked(
    executor: impl sqlx::AnyExecutor<'_>,
    nonce: Option<&str>,
    card_no: Option<&str>,
) -> Result<Option<bool>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT p.closed_at FROM revoked_member_codes r JOIN people p ON p.id = r.person_id \
         WHERE r.nonce = $1 OR r.card_no = $2 LIMIT 1",
    )
    .bind(nonce)
    .bind(card_no)
    .fetch_optional(executor)
    .await?;
    row.map(|r| Ok(r.try_get::<Option<i64>, _>("closed_at")?.is_some()))
        .transpose()
}

/// The nonce and card number (`None` before the first print) of `person_id`'s member code.
pub async fn card_of(
    tx: &mut Tx,
    person_id: i64,
) -> Result<Option<(String, Option<String>)>, sqlx::Error> {
    let row = sqlx::query("SELECT nonce, card_no FROM member_codes WHERE person_id = $1")
        .bind(person_id)
        .fetch_optional(&mut **tx)
        .await?;
    row.map(|r| Ok((r.try_get("nonce")?, r.try_get("card_no")?)))
        .transpose()
}

/// The card numbers of those of `ids` who have a printed card, by person.
pub async fn card_numbers(
    db: &Db,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, String>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let list: Vec<String> = ids.iter().map(i64::to_string).collect();
    let rows: Vec<(i64, String)> = sqlx::query_as(&format!(
        "SELECT person_id, card_no FROM member_codes WHERE card_no IS NOT NULL AND person_id IN ({})",
        list.join(", ")
    ))
    .fetch_all(db.reader())
    .await?;
    Ok(rows.into_iter().collect())
}

/// Whether `card_no` was ever given (to a live or a lost card).
pub async fn card_no_taken(tx: &mut Tx, card_no: &str) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT person_id FROM member_codes WHERE card_no = $1 \
         UNION ALL SELECT person_id FROM revoked_member_codes WHERE card_no = $1 LIMIT 1",
    )
    .bind(card_no)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(found.is_some())
}

/// Gives `person_id`'s member code the card number `card_no` (printed at `now`).
pub async fn set_card_no(
    tx: &mut Tx,
    person_id: i64,
    card_no: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    // `card_no IS NULL`: of two prints at once, the first number given stands.
    sqlx::query(
        "UPDATE member_codes SET card_no = $2, card_issued_at = $3 WHERE person_id = $1 AND card_no IS NULL",
    )
    .bind(person_id)
    .bind(card_no)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Keeps `person_id`'s current code and card number as revoked — a card reported lost (挂失),
/// or the account closed — and forgets them, so the next [`insert_nonce`] makes a new card and
/// no number is ever given twice.
pub async fn revoke(tx: &mut Tx, person_id: i64, by: i64, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO revoked_member_codes (nonce, person_id, card_no, revoked_at, revoked_by) \
         SELECT nonce, person_id, card_no, $2, $3 FROM member_codes WHERE person_id = $1 \
         ON CONFLICT (nonce) DO NOTHING",
    )
    .bind(person_id)
    .bind(now)
    .bind(by)
    .execute(&mut **tx)
    .await?;
    forget(tx, person_id).await
}

/// Forgets `person_id`'s member code ([`revoke`] keeps it as revoked first): a code shown before
/// no longer identifies anyone.
pub async fn forget(tx: &mut Tx, person_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM member_codes WHERE person_id = $1")
        .bind(person_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
