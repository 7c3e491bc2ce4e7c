//! Figures the ledger keeps as it writes, so that reads whose answer is bounded cost a bounded
//! time whatever the history (issue "Fast at any history"): the village board's movements and
//! its monthly and yearly rankings.
//!
//! - `ledger_earnings`: one row per posted transfer (single-phase, or the post of a pending
//!   one) between a villager's account and an issuance account — points earned (+) or
//!   deducted (-) — with the village the villager lives in. The board's latest movements are
//!   the village's last rows by transfer id (index `ledger_earnings_village`).
//! - `ledger_earned_totals`: their sums per villager per county month (`YYYY-MM`) and year
//!   (`YYYY`), upserted in the same statement; the rankings are the village's top rows of a
//!   period (index `ledger_earned_totals_rank`), never a scan of transfers.
//!
//! Both are written in the transfer's transaction ([`record`]), so they commit with it or not
//! at all, and are checked against the transfers by [`super::check_invariants`]
//! ([`problems`]). A villager who moves takes their figures to the new village ([`moved`]).
//!
//! The county's months are counted in its time zone ([`Calendar::county`], set at start from
//! `JIFEN_TIMEZONE`). The zone the totals were counted in is recorded in
//! `ledger_figures_state`; at start, [`ensure`] recounts the totals from `ledger_earnings`
//! when it differs (a first start after the migration, or a changed setting).

use std::collections::{BTreeMap, BTreeSet};

use sqlx::Row;

use super::{AccountKind, Transfer};
use crate::calendar::Calendar;
use crate::storage::{Backend, Db, Tx};

/// A party to a transfer, as the figures need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    pub account_id: i64,
    pub kind: String,
    /// The villager, for a villager's account.
    pub person_id: Option<i64>,
}

/// The parties of accounts `ids` (one statement).
pub async fn parties(tx: &mut Tx, ids: [i64; 2]) -> Result<Vec<Party>, sqlx::Error> {
    sqlx::query("SELECT id, kind, person_id FROM ledger_accounts WHERE id IN ($1, $2)")
        .bind(ids[0])
        .bind(ids[1])
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(|r| {
            Ok(Party {
                account_id: r.try_get("id")?,
                kind: r.try_get("kind")?,
                person_id: r.try_get("person_id")?,
            })
        })
        .collect()
}

/// What transfer `t` earned or deducted, as `(villager, signed points)`: for a transfer
/// between a villager's account and an issuance account, else `None`.
fn earning(t: &Transfer, parties: &[Party]) -> Option<(i64, i64)> {
    let of = |id: i64| parties.iter().find(|p| p.account_id == id);
    let (debit, credit) = (of(t.debit_account_id)?, of(t.credit_account_id)?);
    let (villager, issuance) = (
        AccountKind::Villager.as_str(),
        AccountKind::Issuance.as_str(),
    );
    let (villager, sign) = match (debit.kind.as_str(), credit.kind.as_str()) {
        (d, c) if d == issuance && c == villager => (credit, 1),
        (d, c) if d == villager && c == issuance => (debit, -1),
        _ => return None,
    };
    Some((villager.person_id?, sign * t.amount))
}

/// The county month and year of `at_ms`.
fn periods(calendar: &Calendar, at_ms: i64) -> [String; 2] {
    [calendar.month_label(at_ms), calendar.year_label(at_ms)]
}

/// Records transfer `t`, just posted inside `tx` between the accounts `parties`, when it is
/// an earning or a deduction of a villager (else nothing): three statements.
///
/// The village is read with a share lock on the villager's row (PostgreSQL; SQLite's single
/// writer serialises anyway): a move updates that row before [`moved`], so either the move
/// waits for this transaction and then moves what it recorded, or this one waits for the
/// move and reads the new village.
pub async fn record(tx: &mut Tx, t: &Transfer, parties: &[Party]) -> Result<(), sqlx::Error> {
    let Some((person_id, points)) = earning(t, parties) else {
        return Ok(());
    };
    let lock = match Backend::of(tx) {
        Backend::Postgres => " FOR SHARE",
        Backend::Sqlite => "",
    };
    let village: Option<String> = sqlx::query_scalar(&format!(
        "SELECT village_code FROM people WHERE id = $1{lock}"
    ))
    .bind(person_id)
    .fetch_one(&mut **tx)
    .await?;
    let Some(village) = village else {
        return Ok(());
    };
    sqlx::query(
        "INSERT INTO ledger_earnings (transfer_id, person_id, village_code, points) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(t.id)
    .bind(person_id)
    .bind(&village)
    .bind(points)
    .execute(&mut **tx)
    .await?;
    let [month, year] = periods(Calendar::county(), t.created_at);
    sqlx::query(
        "INSERT INTO ledger_earned_totals (person_id, period, village_code, points) \
         VALUES ($1, $2, $3, $4), ($1, $5, $3, $4) \
         ON CONFLICT (person_id, period) DO UPDATE \
         SET points = ledger_earned_totals.points + excluded.points, \
             village_code = excluded.village_code",
    )
    .bind(person_id)
    .bind(month)
    .bind(&village)
    .bind(points)
    .bind(year)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Moves `person_id`'s figures to `village` (they moved there: the board shows them with all
/// their points in the village they live in now), inside the transaction that changed their
/// `people` row — whose lock [`record`] waits for. Bounded by their own history.
pub async fn moved(tx: &mut Tx, person_id: i64, village: &str) -> Result<(), sqlx::Error> {
    for table in ["ledger_earnings", "ledger_earned_totals"] {
        sqlx::query(&format!(
            "UPDATE {table} SET village_code = $2 WHERE person_id = $1 AND village_code <> $2"
        ))
        .bind(person_id)
        .bind(village)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// A movement on the village board.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BoardRow {
    /// Earned (+) or deducted (-).
    pub points: i64,
    pub reference: Option<String>,
    pub reason: String,
    pub created_at: i64,
    /// The villager's name, unmasked.
    pub villager: String,
    /// The official who moved the points.
    pub actor: Option<String>,
    /// The villager.
    pub person_id: i64,
}

/// The latest `limit` points earned or deducted by the villagers living in `village`, newest
/// first: `limit` rows of `ledger_earnings_village` and their transfers and names.
pub async fn latest(db: &Db, village: &str, limit: i64) -> Result<Vec<BoardRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT e.points, t.reference, t.reason, t.created_at, p.name AS villager, \
                a.name AS actor, e.person_id \
         FROM ledger_earnings e JOIN ledger_transfers t ON t.id = e.transfer_id \
         JOIN people p ON p.id = e.person_id LEFT JOIN people a ON a.id = t.actor_id \
         WHERE e.village_code = $1 ORDER BY e.transfer_id DESC LIMIT $2",
    )
    .bind(village)
    .bind(limit)
    .fetch_all(db.reader())
    .await
}

/// The villagers living in `village` with the most points earned (net of deductions) in the
/// county month or year `period` (`YYYY-MM` or `YYYY`), as `(name unmasked, points)`: those
/// with more than 0, most first (equal points by person id), at most `limit`.
pub async fn ranking(
    db: &Db,
    village: &str,
    period: &str,
    limit: i64,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.name, e.points FROM ledger_earned_totals e JOIN people p ON p.id = e.person_id \
         WHERE e.village_code = $1 AND e.period = $2 AND e.points > 0 \
         ORDER BY e.points DESC, e.person_id LIMIT $3",
    )
    .bind(village)
    .bind(period)
    .bind(limit)
    .fetch_all(db.reader())
    .await
}

/// The totals as `ledger_earnings` gives them in `calendar`: by `(person, period)`, with the
/// village.
async fn counted(
    conn: &mut sqlx::AnyConnection,
    calendar: &Calendar,
) -> Result<BTreeMap<(i64, String), (String, i64)>, sqlx::Error> {
    let rows = sqlx::query_as::<_, (i64, String, i64, i64)>(
        "SELECT e.person_id, e.village_code, e.points, t.created_at FROM ledger_earnings e \
         JOIN ledger_transfers t ON t.id = e.transfer_id",
    )
    .fetch_all(conn)
    .await?;
    let mut totals = BTreeMap::new();
    for (person, village, points, at) in rows {
        for period in periods(calendar, at) {
            let entry = totals
                .entry((person, period))
                .or_insert_with(|| (village.clone(), 0));
            entry.1 += points;
        }
    }
    Ok(totals)
}

/// The zone the totals were counted in, if they were.
async fn recorded_zone(exec: impl sqlx::AnyExecutor<'_>) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT timezone FROM ledger_figures_state WHERE id = 1")
        .fetch_optional(exec)
        .await
}

/// Whether the totals were counted in another zone than the county's ([`Calendar::county`]),
/// as `Some(that zone)`.
pub async fn counted_elsewhere(db: &Db) -> Result<Option<String>, sqlx::Error> {
    let zone = Calendar::county().zone_name();
    Ok(recorded_zone(db.reader())
        .await?
        .filter(|recorded| *recorded != zone))
}

/// Recounts `ledger_earned_totals` when they were not counted in the county's zone
/// ([`Calendar::county`]): at the first start after the migration, or after the time zone
/// setting changed (stop every instance first: one still running would go on counting in the
/// old zone). One transaction, read and written on its own connection without the request
/// deadlines (a county's whole history); on PostgreSQL it holds the totals' table so that a
/// transfer committing meanwhile is neither lost nor counted twice, and a second server
/// starting meanwhile waits, then finds the zone recorded.
pub async fn ensure(db: &Db) -> Result<(), sqlx::Error> {
    let calendar = Calendar::county();
    let zone = calendar.zone_name();
    if recorded_zone(db.reader()).await?.as_deref() == Some(zone.as_str()) {
        return Ok(());
    }
    let mut tx = db.begin_write().await?;
    if db.backend() == crate::storage::Backend::Postgres {
        for statement in [
            "SET LOCAL statement_timeout = 0",
            "SET LOCAL idle_in_transaction_session_timeout = 0",
            "LOCK TABLE ledger_earned_totals IN EXCLUSIVE MODE",
        ] {
            sqlx::query(statement).execute(&mut *tx).await?;
        }
    }
    let claimed = sqlx::query(
        "INSERT INTO ledger_figures_state (id, timezone) VALUES (1, $1) \
         ON CONFLICT (id) DO UPDATE SET timezone = excluded.timezone \
         WHERE ledger_figures_state.timezone <> excluded.timezone",
    )
    .bind(&zone)
    .execute(&mut *tx)
    .await?;
    if claimed.rows_affected() == 0 {
        return Ok(());
    }
    recount(&mut tx, calendar).await?;
    tx.commit().await?;
    tracing::info!(target: "jifen::ledger", zone, "the ledger's monthly and yearly figures were counted");
    Ok(())
}

/// Counts `ledger_earned_totals` again from `ledger_earnings` in `calendar`, inside `tx` (at
/// start, [`ensure`]; after history seeded by the benchmarks).
pub async fn recount(tx: &mut Tx, calendar: &Calendar) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM ledger_earned_totals")
        .execute(&mut **tx)
        .await?;
    for ((person, period), (village, points)) in counted(tx, calendar).await? {
        sqlx::query(
            "INSERT INTO ledger_earned_totals (person_id, period, village_code, points) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(person)
        .bind(period)
        .bind(village)
        .bind(points)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Where the figures disagree with the transfers, as sentences (for
/// [`super::check_invariants`]): a missing, extra or wrong earning; a wrong total.
pub async fn problems(db: &Db) -> Result<Vec<String>, sqlx::Error> {
    let mut problems = Vec::new();
    // What the transfers say, from scratch (the backfill of migration 0036), and what is kept.
    let rows = |sql: &'static str| {
        sqlx::query_as::<_, (i64, i64, String, i64)>(sql).fetch_all(db.reader())
    };
    let expected: BTreeSet<_> = rows(
        "SELECT t.id, va.person_id, p.village_code, \
                CASE WHEN t.credit_account_id = va.id THEN t.amount ELSE -t.amount END AS points \
         FROM ledger_transfers t \
         JOIN ledger_accounts va ON va.id IN (t.credit_account_id, t.debit_account_id) \
              AND va.kind = 'villager' \
         JOIN ledger_accounts oa ON oa.id IN (t.credit_account_id, t.debit_account_id) \
              AND oa.id <> va.id AND oa.kind = 'issuance' \
         JOIN people p ON p.id = va.person_id \
         WHERE t.phase IN ('single', 'post') AND p.village_code IS NOT NULL",
    )
    .await?
    .into_iter()
    .collect();
    let kept: BTreeSet<_> =
        rows("SELECT transfer_id, person_id, village_code, points FROM ledger_earnings")
            .await?
            .into_iter()
            .collect();
    for missing in expected.difference(&kept) {
        problems.push(format!("ledger_earnings lacks {missing:?}"));
    }
    for extra in kept.difference(&expected) {
        problems.push(format!(
            "ledger_earnings has {extra:?}, which no transfer gives"
        ));
    }
    // In the zone they were counted in (a backup checked with other settings).
    let calendar = match recorded_zone(db.reader()).await? {
        Some(name) => jiff::tz::TimeZone::get(&name)
            .map(Calendar::new)
            .unwrap_or_else(|_| Calendar::county().clone()),
        None => Calendar::county().clone(),
    };
    let mut conn = db.reader().acquire().await?;
    let totals = counted(&mut conn, &calendar).await?;
    drop(conn);
    let stored: BTreeMap<(i64, String), (String, i64)> =
        sqlx::query_as::<_, (i64, String, String, i64)>(
            "SELECT person_id, period, village_code, points FROM ledger_earned_totals",
        )
        .fetch_all(db.reader())
        .await?
        .into_iter()
        .map(|(person, period, village, points)| ((person, period), (village, points)))
        .collect();
    // A total of 0 (earned, then taken back) may be kept or not.
    let nonzero = |m: &BTreeMap<(i64, String), (String, i64)>| -> BTreeMap<_, _> {
        m.iter()
            .filter(|(_, (_, p))| *p != 0)
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    };
    if nonzero(&totals) != nonzero(&stored) {
        problems.push(format!(
            "ledger_earned_totals differ from ledger_earnings: {:?} kept, {:?} counted",
            nonzero(&stored),
            nonzero(&totals)
        ));
    }
    Ok(problems)
}
