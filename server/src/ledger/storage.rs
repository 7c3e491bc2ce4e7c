//! SQL of the `ledger_accounts` and `ledger_transfers` tables (owned by this module).

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{AccountKind, Balance, Phase, Transfer};
use crate::storage::{Db, Tx};

const TRANSFER_COLUMNS: &str = "id, transfer_key, debit_account_id, credit_account_id, amount, \
     phase, pending_id, reason, reference, actor_id, created_at";

fn transfer(row: &AnyRow) -> Result<Transfer, sqlx::Error> {
    let phase: String = row.try_get("phase")?;
    Ok(Transfer {
        id: row.try_get("id")?,
        key: row.try_get("transfer_key")?,
        debit_account_id: row.try_get("debit_account_id")?,
        credit_account_id: row.try_get("credit_account_id")?,
        amount: row.try_get("amount")?,
        phase: Phase::parse(&phase).ok_or_else(|| sqlx::Error::ColumnDecode {
            index: "phase".into(),
            source: format!("unknown transfer phase {phase:?}").into(),
        })?,
        pending_id: row.try_get("pending_id")?,
        reason: row.try_get("reason")?,
        reference: row.try_get("reference")?,
        actor_id: row.try_get("actor_id")?,
        created_at: row.try_get("created_at")?,
    })
}

fn balance(row: &AnyRow) -> Result<Balance, sqlx::Error> {
    Ok(Balance {
        debits_pending: row.try_get("debits_pending")?,
        debits_posted: row.try_get("debits_posted")?,
        credits_pending: row.try_get("credits_pending")?,
        credits_posted: row.try_get("credits_posted")?,
    })
}

/// The account of `kind` for the person (villager accounts) or the region (the others).
pub async fn find_account(
    tx: &mut Tx,
    kind: AccountKind,
    region_code: &str,
    person_id: Option<i64>,
) -> Result<Option<i64>, sqlx::Error> {
    let row = match person_id {
        Some(person) => {
            sqlx::query("SELECT id FROM ledger_accounts WHERE kind = $1 AND person_id = $2")
                .bind(kind.as_str())
                .bind(person)
                .fetch_optional(&mut **tx)
                .await?
        }
        None => {
            sqlx::query("SELECT id FROM ledger_accounts WHERE kind = $1 AND region_code = $2")
                .bind(kind.as_str())
                .bind(region_code)
                .fetch_optional(&mut **tx)
                .await?
        }
    };
    row.map(|r| r.try_get("id")).transpose()
}

/// Opens the account unless another transaction just did (then nothing happens).
pub async fn insert_account(
    tx: &mut Tx,
    kind: AccountKind,
    region_code: &str,
    person_id: Option<i64>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO ledger_accounts (kind, region_code, person_id, no_overdraft, created_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
    )
    .bind(kind.as_str())
    .bind(region_code)
    .bind(person_id)
    .bind(i64::from(kind.no_overdraft()))
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Opens a new account of `kind` for `region_code` that no one else shares (a shop's: a
/// region may hold several shops) and answers its id.
pub async fn open_account(
    tx: &mut Tx,
    kind: AccountKind,
    region_code: &str,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO ledger_accounts (kind, region_code, person_id, no_overdraft, created_at) \
         VALUES ($1, $2, NULL, $3, $4) RETURNING id",
    )
    .bind(kind.as_str())
    .bind(region_code)
    .bind(i64::from(kind.no_overdraft()))
    .bind(now)
    .fetch_one(&mut **tx)
    .await
}

/// The cached sums of an account, read through `exec` (a transaction or a pool).
pub async fn read_balance<'e>(
    exec: impl sqlx::Executor<'e, Database = sqlx::Any>,
    account_id: i64,
) -> Result<Option<Balance>, sqlx::Error> {
    sqlx::query(
        "SELECT debits_pending, debits_posted, credits_pending, credits_posted \
         FROM ledger_accounts WHERE id = $1",
    )
    .bind(account_id)
    .fetch_optional(exec)
    .await?
    .as_ref()
    .map(balance)
    .transpose()
}

/// The transfer with this idempotency key.
pub async fn transfer_by_key(tx: &mut Tx, key: &str) -> Result<Option<Transfer>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {TRANSFER_COLUMNS} FROM ledger_transfers WHERE transfer_key = $1"
    ))
    .bind(key)
    .fetch_optional(&mut **tx)
    .await?
    .as_ref()
    .map(transfer)
    .transpose()
}

/// The transfer with this id.
pub async fn transfer_by_id(tx: &mut Tx, id: i64) -> Result<Option<Transfer>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {TRANSFER_COLUMNS} FROM ledger_transfers WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?
    .as_ref()
    .map(transfer)
    .transpose()
}

/// The post or void that settled pending transfer `pending_id`, if any.
pub async fn settlement_of(tx: &mut Tx, pending_id: i64) -> Result<Option<Transfer>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {TRANSFER_COLUMNS} FROM ledger_transfers WHERE pending_id = $1"
    ))
    .bind(pending_id)
    .fetch_optional(&mut **tx)
    .await?
    .as_ref()
    .map(transfer)
    .transpose()
}

/// Inserts `t` (its id and time are assigned) unless its key, or for a post/void its pending
/// transfer's settlement, is already taken; returns the new id, `None` when taken. The
/// conflict does not abort the transaction (`ON CONFLICT DO NOTHING`), so the caller can read
/// what is there instead.
pub async fn insert_transfer(tx: &mut Tx, t: &Transfer) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query(
        "INSERT INTO ledger_transfers (transfer_key, debit_account_id, credit_account_id, amount, \
         phase, pending_id, reason, reference, actor_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(&t.key)
    .bind(t.debit_account_id)
    .bind(t.credit_account_id)
    .bind(t.amount)
    .bind(t.phase.as_str())
    .bind(t.pending_id)
    .bind(&t.reason)
    .bind(&t.reference)
    .bind(t.actor_id)
    .bind(t.created_at)
    .fetch_optional(&mut **tx)
    .await?
    .map(|r| r.try_get("id"))
    .transpose()
}

/// Locks the account's row until the transaction ends (a write that changes nothing).
pub async fn lock_account(tx: &mut Tx, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE ledger_accounts SET created_at = created_at WHERE id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Removes a transfer this transaction inserted but could not apply (no one else has seen
/// it: the transaction has not committed).
pub async fn delete_unapplied(tx: &mut Tx, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM ledger_transfers WHERE id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Adds to the debit side of `account_id`: `pending` and `posted` (either may be negative to
/// move points out of pending), refusing — `false` — when a no-overdraft account would then
/// owe more than its posted credits.
pub async fn debit(
    tx: &mut Tx,
    account_id: i64,
    pending: i64,
    posted: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE ledger_accounts SET debits_pending = debits_pending + $2, \
         debits_posted = debits_posted + $3 \
         WHERE id = $1 AND (no_overdraft = 0 \
         OR debits_posted + debits_pending + $2 + $3 <= credits_posted)",
    )
    .bind(account_id)
    .bind(pending)
    .bind(posted)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Adds to the credit side of `account_id` (`pending` may be negative, as in [`debit`]).
pub async fn credit(
    tx: &mut Tx,
    account_id: i64,
    pending: i64,
    posted: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE ledger_accounts SET credits_pending = credits_pending + $2, \
         credits_posted = credits_posted + $3 WHERE id = $1",
    )
    .bind(account_id)
    .bind(pending)
    .bind(posted)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Every account's cached sums next to the sums recomputed from its transfers:
/// `(account id, no_overdraft, cached, recomputed)`.
pub async fn audit_balances(db: &Db) -> Result<Vec<(i64, bool, Balance, Balance)>, sqlx::Error> {
    // Posted: single transfers and posts. Pending: pending transfers without a settlement.
    let rows = sqlx::query(
        "SELECT a.id, a.no_overdraft, a.debits_pending, a.debits_posted, a.credits_pending, \
         a.credits_posted, \
         CAST(COALESCE((SELECT SUM(t.amount) FROM ledger_transfers t WHERE t.debit_account_id = a.id \
           AND t.phase = 'pending' AND NOT EXISTS (SELECT 1 FROM ledger_transfers s WHERE s.pending_id = t.id)), 0) AS BIGINT) AS r_debits_pending, \
         CAST(COALESCE((SELECT SUM(t.amount) FROM ledger_transfers t WHERE t.debit_account_id = a.id \
           AND t.phase IN ('single', 'post')), 0) AS BIGINT) AS r_debits_posted, \
         CAST(COALESCE((SELECT SUM(t.amount) FROM ledger_transfers t WHERE t.credit_account_id = a.id \
           AND t.phase = 'pending' AND NOT EXISTS (SELECT 1 FROM ledger_transfers s WHERE s.pending_id = t.id)), 0) AS BIGINT) AS r_credits_pending, \
         CAST(COALESCE((SELECT SUM(t.amount) FROM ledger_transfers t WHERE t.credit_account_id = a.id \
           AND t.phase IN ('single', 'post')), 0) AS BIGINT) AS r_credits_posted \
         FROM ledger_accounts a ORDER BY a.id",
    )
    .fetch_all(db.reader())
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("id")?,
                r.try_get::<i64, _>("no_overdraft")? == 1,
                balance(r)?,
                Balance {
                    debits_pending: r.try_get("r_debits_pending")?,
                    debits_posted: r.try_get("r_debits_posted")?,
                    credits_pending: r.try_get("r_credits_pending")?,
                    credits_posted: r.try_get("r_credits_posted")?,
                },
            ))
        })
        .collect()
}

/// The villager account of a person, if they have one yet.
pub async fn villager_account(db: &Db, person_id: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query("SELECT id FROM ledger_accounts WHERE kind = 'villager' AND person_id = $1")
        .bind(person_id)
        .fetch_optional(db.reader())
        .await?
        .map(|r| r.try_get("id"))
        .transpose()
}

/// The signed amount of a transfer for account `$1`: + when credited, - when debited.
const SIGNED: &str = "CASE WHEN t.credit_account_id = $1 THEN t.amount ELSE -t.amount END";

/// The posted movements of account `$1` whose id is `{range}` (e.g. `< $2`), as a union of
/// one keyset read per side (`ledger_transfers_credit`, `ledger_transfers_debit`), each newest
/// first and at most `{limit}`: the cost is the page's, never the account's whole history.
fn posted_movements(columns: &str, range: &str, limit: &str) -> String {
    let side = |column: &str| {
        format!(
            "SELECT * FROM (SELECT {columns} FROM ledger_transfers t \
             WHERE t.{column} = $1 AND t.id {range} AND t.phase IN ('single', 'post') \
             ORDER BY t.id DESC {limit}) {column}_side"
        )
    };
    format!(
        "{} UNION ALL {}",
        side("credit_account_id"),
        side("debit_account_id")
    )
}

/// The posted movements of `account` older than `before_id`, newest first, at most `limit`,
/// each with the points held after it: the account's posted balance less what moved after the
/// page's newest movement, both read by one second statement (one snapshot: a transfer
/// committed since the page was read is in both and cancels out). The cost is the page's and
/// the movements newer than it (none on the first page), not the account's history.
pub async fn movements(
    db: &Db,
    account: i64,
    before_id: i64,
    limit: u32,
) -> Result<Vec<super::Movement>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT m.id, m.amount, m.reason, m.reference, m.created_at, p.name AS actor_name \
         FROM ({}) m LEFT JOIN people p ON p.id = m.actor_id ORDER BY m.id DESC LIMIT $3",
        posted_movements(
            &format!("t.id, {SIGNED} AS amount, t.reason, t.reference, t.created_at, t.actor_id"),
            "< $2",
            "LIMIT $3"
        )
    ))
    .bind(account)
    .bind(before_id)
    .bind(i64::from(limit))
    .fetch_all(db.reader())
    .await?;
    let Some(newest) = rows
        .first()
        .map(|r| r.try_get::<i64, _>("id"))
        .transpose()?
    else {
        return Ok(Vec::new());
    };
    let mut held: i64 = sqlx::query_scalar(&format!(
        "SELECT a.credits_posted - a.debits_posted - \
                (SELECT CAST(COALESCE(SUM(n.amount), 0) AS BIGINT) FROM ({}) n) AS held \
         FROM ledger_accounts a WHERE a.id = $1",
        posted_movements(&format!("{SIGNED} AS amount"), "> $2", "")
    ))
    .bind(account)
    .bind(newest)
    .fetch_one(db.reader())
    .await?;
    let mut movements = Vec::with_capacity(rows.len());
    for r in &rows {
        let amount: i64 = r.try_get("amount")?;
        movements.push(super::Movement {
            id: r.try_get("id")?,
            amount,
            held_after: held,
            reason: r.try_get("reason")?,
            reference: r.try_get("reference")?,
            actor_name: r.try_get("actor_name")?,
            created_at: r.try_get("created_at")?,
        });
        held -= amount;
    }
    Ok(movements)
}
