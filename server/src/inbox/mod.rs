//! The in-app inbox (消息): what happened to a person's orders, claims and redemptions, kept
//! in the database until read — so nothing is lost while the person is offline — and fetched
//! by polling (`GET /inbox/unread` is cheap; the PWA asks when it comes to the foreground and
//! once a minute while open).
//!
//! Notifications are written by the domain that changes state, in the same transaction
//! ([`notify`]): an order claimed, dispatched, completed or escalated
//! ([`crate::services`]), a claim approved or rejected ([`crate::points::claims`]), a
//! redemption handed over ([`crate::shop::redemptions`]). Their text is Chinese, ready to
//! show (the people it goes to read Chinese; the kind lets a client word it otherwise).

pub mod routes;

use jifen_shared::Page;
use jifen_shared::services::Notification;
use sqlx::Row;

use crate::storage::{Db, Tx, rfc3339};

/// Adds a notification for `person_id` inside `tx`.
pub async fn notify(
    tx: &mut Tx,
    person_id: i64,
    kind: &str,
    text: &str,
    reference: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO notifications (person_id, kind, text, reference, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(person_id)
    .bind(kind)
    .bind(text)
    .bind(reference)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The person's notifications, newest first; `after_id` is the previous page's
/// `next_cursor`.
pub async fn list(
    db: &Db,
    person_id: i64,
    after_id: Option<i64>,
    limit: u32,
) -> Result<Page<Notification>, sqlx::Error> {
    let items = sqlx::query(
        "SELECT id, kind, text, reference, read_at, created_at FROM notifications \
         WHERE person_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
    )
    .bind(person_id)
    .bind(after_id.unwrap_or(i64::MAX))
    .bind(i64::from(limit) + 1)
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(|r| {
        Ok(Notification {
            id: r.try_get("id")?,
            kind: r.try_get("kind")?,
            text: r.try_get("text")?,
            reference: r.try_get("reference")?,
            read: r.try_get::<Option<i64>, _>("read_at")?.is_some(),
            created_at: rfc3339(r.try_get("created_at")?),
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(Page::from_overfetch(items, limit as usize, |n| n.id))
}

/// How many of the person's notifications are unread.
pub async fn unread(db: &Db, person_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM notifications \
         WHERE person_id = $1 AND read_at IS NULL",
    )
    .bind(person_id)
    .fetch_one(db.reader())
    .await
}

/// Marks the person's notifications read: one (`Some(id)`), or all. Marking again changes
/// nothing; answers whether a notification of that id is the person's.
pub async fn mark_read(
    db: &Db,
    person_id: i64,
    id: Option<i64>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let sql = match id {
        Some(_) => {
            "UPDATE notifications SET read_at = COALESCE(read_at, $2) WHERE person_id = $1 AND id = $3"
        }
        None => "UPDATE notifications SET read_at = $2 WHERE person_id = $1 AND read_at IS NULL",
    };
    let mut query = sqlx::query(sql).bind(person_id).bind(now);
    if let Some(id) = id {
        query = query.bind(id);
    }
    let changed = query.execute(&mut *tx).await?.rows_affected();
    tx.commit().await?;
    Ok(id.is_none() || changed == 1)
}
