//! Points (积分): what villagers hold and how staff move them, on top of the [`crate::ledger`].
//!
//! - [`awards`]: staff awards and deductions (`POST /admin/awards`);
//! - [`rules`]: the rule catalogue (积分事项);
//! - [`routes`]: `GET /points/balance`, `GET /points/ledger`, `POST /admin/awards`, `GET /rules`,
//!   `POST /admin/rules`;
//! - this module: a villager's balance and history.
//!
//! Points enter circulation from the issuance account of the villager's township (政府买单):
//! the township is the first 9 digits of the village code. Deductions go back to it.

pub mod awards;
pub mod routes;
pub mod rules;

use jifen_shared::Page;
use jifen_shared::points::{LedgerEntry, PointsBalance};
use jifen_shared::regions::RegionCode;
use sqlx::Row;

use crate::ledger::{self, AccountKind};
use crate::storage::{Db, Tx};

/// The villager's account (opened on first use) and their township's issuance account.
pub async fn accounts_of(
    tx: &mut Tx,
    person_id: i64,
    village: &RegionCode,
) -> Result<(i64, i64), sqlx::Error> {
    let township = village.parent().unwrap_or_else(|| village.clone());
    let villager =
        ledger::account(tx, AccountKind::Villager, village.as_str(), Some(person_id)).await?;
    let issuance = ledger::account(tx, AccountKind::Issuance, township.as_str(), None).await?;
    Ok((villager, issuance))
}

/// The person's villager account, if they have one yet.
async fn account_id(db: &Db, person_id: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query("SELECT id FROM ledger_accounts WHERE kind = 'villager' AND person_id = $1")
        .bind(person_id)
        .fetch_optional(db.reader())
        .await?
        .map(|r| r.try_get("id"))
        .transpose()
}

/// The person's points (all zero before their first movement).
pub async fn balance(db: &Db, person_id: i64) -> Result<PointsBalance, sqlx::Error> {
    let Some(account) = account_id(db, person_id).await? else {
        return Ok(PointsBalance::default());
    };
    let b = ledger::balance(db, account).await?.unwrap_or_default();
    Ok(PointsBalance {
        available: b.available(),
        pending: b.debits_pending,
        earned_total: b.credits_posted,
        spent_total: b.debits_posted,
    })
}

/// The person's posted movements, newest first, each with the points held after it;
/// `after_id` is the previous page's `next_cursor`.
pub async fn history(
    db: &Db,
    person_id: i64,
    after_id: Option<i64>,
    limit: u32,
) -> Result<Page<LedgerEntry>, sqlx::Error> {
    let Some(account) = account_id(db, person_id).await? else {
        return Ok(Page {
            items: Vec::new(),
            next_cursor: None,
        });
    };
    let signed = "CASE WHEN t.credit_account_id = $1 THEN t.amount ELSE -t.amount END";
    let rows = sqlx::query(&format!(
        "SELECT t.id, {signed} AS amount, t.reason, t.reference, t.created_at, p.name AS actor_name \
         FROM ledger_transfers t LEFT JOIN people p ON p.id = t.actor_id \
         WHERE (t.credit_account_id = $1 OR t.debit_account_id = $1) \
         AND t.phase IN ('single', 'post') AND t.id < $2 ORDER BY t.id DESC LIMIT $3"
    ))
    .bind(account)
    .bind(after_id.unwrap_or(i64::MAX))
    .bind(i64::from(limit) + 1)
    .fetch_all(db.reader())
    .await?;
    // The points held after the newest row of the page: the sum of the movements up to it
    // (from the rows themselves, so a transfer committed meanwhile cannot shift it).
    let newest = rows
        .first()
        .map(|r| r.try_get::<i64, _>("id"))
        .transpose()?;
    let mut balance_after: i64 = match newest {
        Some(id) => sqlx::query(&format!(
            "SELECT CAST(COALESCE(SUM({signed}), 0) AS BIGINT) AS held FROM ledger_transfers t \
             WHERE (t.credit_account_id = $1 OR t.debit_account_id = $1) \
             AND t.phase IN ('single', 'post') AND t.id <= $2"
        ))
        .bind(account)
        .bind(id)
        .fetch_one(db.reader())
        .await?
        .try_get("held")?,
        None => 0,
    };
    let mut items = Vec::new();
    for r in rows.iter().take(limit as usize) {
        let amount: i64 = r.try_get("amount")?;
        items.push(LedgerEntry {
            id: r.try_get("id")?,
            amount,
            balance_after,
            reason: r.try_get("reason")?,
            reference: r.try_get("reference")?,
            actor_name: r.try_get("actor_name")?,
            created_at: crate::storage::rfc3339(r.try_get("created_at")?),
        });
        balance_after -= amount;
    }
    let next_cursor = (rows.len() > limit as usize)
        .then(|| items.last().map(|e| e.id.to_string()))
        .flatten();
    Ok(Page { items, next_cursor })
}
