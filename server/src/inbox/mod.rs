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
//!
//! # What staff are told
//! Staff are told what waits for them to act, and the `reference` names where they act:
//!
//! | kind | to | when | reference |
//! | --- | --- | --- | --- |
//! | `claims_waiting` (digest) | grid workers of the claim's grid | a claim is made there; one of them is overdue | `review:<grid code>` |
//! | `claims_overdue` (digest) | village admins of the claim's village | a claim waited longer than `JIFEN_CLAIM_REVIEW_HOURS` (审核超时) | `review:<village code>` |
//! | `order_escalated_admin` | village admins of the order's village | an order nobody took reaches the village admins' level | `order:<id>` |
//! | `rectification_opened` | village admins of the order's village | a 差评 opens a rectification | `rectification:<id>` |
//! | `low_stock` | keepers of the shop, admins of the shop's village or township | goods fall to their low-stock threshold (once per fall) | `shop:<id>` |
//!
//! # Digests
//! Claims come in dozens: a grid worker with 40 claims waiting is told so in one line, not
//! 40. A digest ([`set_digest`]) is one *unread* notification of its kind per person (a
//! unique partial index holds it to that) that the domain keeps current while it is unread:
//! - something new (a claim made, a claim overdue) **raises** it: the unread one is replaced
//!   by a fresh one, at the top of the list and unread, with the count as it now is;
//! - a decision **refreshes** it: the unread one's count goes down in place (no news: it does
//!   not move up);
//! - when nothing waits any more it is **cleared**: the unread one goes (the badge should not
//!   announce work that is done).
//!
//! Once read, a digest stays as it was read (the person's history), and the next news raises
//! a new one with the count at that moment — so the count shown unread is always current, and
//! a person never has more than one unread line per kind. A digest's id changes when it is
//! raised again. The domain counts inside the same transaction after [`lock_people`], so two
//! claims made at once in one grid each see the other (PostgreSQL: a transaction-scoped
//! advisory lock per person; SQLite's single writer already serialises).

pub mod routes;

use jifen_shared::Page;
use jifen_shared::services::Notification;
use sqlx::Row;

use crate::storage::{Backend, Db, Tx, lock_key, rfc3339};

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

/// Serialises, until the transaction ends, the writers of the digests of `people` (sorted
/// and deduplicated here, so that two transactions lock in the same order): call it before
/// counting what a digest says ([`set_digest`]).
pub async fn lock_people(tx: &mut Tx, people: &mut Vec<i64>) -> Result<(), sqlx::Error> {
    people.sort_unstable();
    people.dedup();
    let backend = Backend::of(tx);
    for id in people.iter() {
        lock_key(tx, backend, &format!("inbox:{id}")).await?;
    }
    Ok(())
}

/// What happens to a person's digest of one kind (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Digest<'a> {
    /// Something new: the unread digest (if any) is replaced by a fresh unread one saying
    /// `text` about `reference`.
    Raise { text: &'a str, reference: &'a str },
    /// The count changed, nothing new: the unread digest, if there is one, says `text` now.
    Refresh { text: &'a str },
    /// Nothing waits: the unread digest, if any, is removed.
    Clear,
}

/// Sets `person_id`'s digest of `kind` inside `tx` (after [`lock_people`] and the count).
pub async fn set_digest(
    tx: &mut Tx,
    person_id: i64,
    kind: &str,
    digest: Digest<'_>,
    now: i64,
) -> Result<(), sqlx::Error> {
    match digest {
        Digest::Refresh { text } => {
            sqlx::query(
                "UPDATE notifications SET text = $3 \
                 WHERE person_id = $1 AND kind = $2 AND read_at IS NULL",
            )
            .bind(person_id)
            .bind(kind)
            .bind(text)
            .execute(&mut **tx)
            .await?;
        }
        Digest::Raise { .. } | Digest::Clear => {
            sqlx::query(
                "DELETE FROM notifications WHERE person_id = $1 AND kind = $2 AND read_at IS NULL",
            )
            .bind(person_id)
            .bind(kind)
            .execute(&mut **tx)
            .await?;
            if let Digest::Raise { text, reference } = digest {
                notify(tx, person_id, kind, text, reference, now).await?;
            }
        }
    }
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
