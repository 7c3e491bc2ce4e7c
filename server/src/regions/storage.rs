//! SQL for the `regions` table (owned by this module).

use jifen_shared::regions::RegionLevel;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::storage::{Db, Tx, now_ms};

/// A region as stored (codes as text; see `migrations/*/0001_regions.sql`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionRow {
    pub code: String,
    pub name: String,
    pub level: RegionLevel,
    pub parent_code: Option<String>,
}

fn from_row(row: &AnyRow) -> Result<RegionRow, sqlx::Error> {
    let level: String = row.try_get("level")?;
    Ok(RegionRow {
        code: row.try_get("code")?,
        name: row.try_get("name")?,
        level: RegionLevel::parse(&level).ok_or_else(|| sqlx::Error::ColumnDecode {
            index: "level".into(),
            source: format!("unknown region level {level:?}").into(),
        })?,
        parent_code: row.try_get("parent_code")?,
    })
}

/// The region with this code, if any.
pub async fn find(db: &Db, code: &str) -> Result<Option<RegionRow>, sqlx::Error> {
    sqlx::query("SELECT code, name, level, parent_code FROM regions WHERE code = $1")
        .bind(code)
        .fetch_optional(db.reader())
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// The direct children of `code`, ordered by code.
pub async fn children(db: &Db, code: &str) -> Result<Vec<RegionRow>, sqlx::Error> {
    sqlx::query(
        "SELECT code, name, level, parent_code FROM regions WHERE parent_code = $1 ORDER BY code",
    )
    .bind(code)
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// The regions among `codes` that exist, ordered by code (shorter codes — higher levels —
/// first along one path).
pub async fn find_many(db: &Db, codes: &[String]) -> Result<Vec<RegionRow>, sqlx::Error> {
    if codes.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (1..=codes.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT code, name, level, parent_code FROM regions WHERE code IN ({}) ORDER BY LENGTH(code), code",
        placeholders.join(", ")
    );
    let mut query = sqlx::query(&sql);
    for code in codes {
        query = query.bind(code);
    }
    query
        .fetch_all(db.reader())
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// How many regions are stored.
pub async fn count(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM regions")
        .fetch_one(db.reader())
        .await
}

/// Result of [`upsert`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UpsertCounts {
    pub inserted: u64,
    pub updated: u64,
}

/// Rows per `INSERT` statement: 4 parameters each (plus the shared time) keeps us far below
/// SQLite's 32,766 and PostgreSQL's 65,535 parameter limits.
const BATCH: usize = 1000;

/// Rows per transaction: each commit releases SQLite's write lock, so a server sharing the
/// file waits well under a second for it, not for the whole national file.
const ROWS_PER_TRANSACTION: usize = 10 * BATCH;

/// Inserts new codes and updates changed ones, in transactions of
/// `ROWS_PER_TRANSACTION` rows. Rows already stored exactly as given are not touched (their
/// `updated_at` stays), so after a failure half-way a second run completes the work. Counts
/// come from the rows the upsert itself returns, so a concurrent writer cannot skew them.
pub async fn upsert(db: &Db, rows: &[RegionRow]) -> Result<UpsertCounts, sqlx::Error> {
    let mut counts = UpsertCounts {
        inserted: 0,
        updated: 0,
    };
    for part in rows.chunks(ROWS_PER_TRANSACTION) {
        let now = now_ms();
        let mut tx = db.begin_write().await?;
        upsert_in(&mut tx, part, now, &mut counts).await?;
        tx.commit().await?;
    }
    Ok(counts)
}

async fn upsert_in(
    tx: &mut Tx,
    rows: &[RegionRow],
    now: i64,
    counts: &mut UpsertCounts,
) -> Result<(), sqlx::Error> {
    for chunk in rows.chunks(BATCH) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| {
                let p = i * 4;
                format!("(${}, ${}, ${}, ${}, $1, $1)", p + 2, p + 3, p + 4, p + 5)
            })
            .collect();
        // Every inserted or updated row comes back once; it is new if this statement created it.
        let sql = format!(
            "INSERT INTO regions (code, name, level, parent_code, created_at, updated_at) VALUES {} \
             ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level, \
             parent_code = excluded.parent_code, updated_at = excluded.updated_at \
             WHERE regions.name <> excluded.name OR regions.level <> excluded.level \
             OR regions.parent_code IS DISTINCT FROM excluded.parent_code \
             RETURNING created_at",
            values.join(", ")
        );
        let mut query = sqlx::query(&sql).bind(now);
        for row in chunk {
            query = query
                .bind(row.code.as_str())
                .bind(row.name.as_str())
                .bind(row.level.as_str())
                .bind(row.parent_code.as_deref());
        }
        for touched in query.fetch_all(&mut **tx).await? {
            if touched.try_get::<i64, _>("created_at")? == now {
                counts.inserted += 1;
            } else {
                counts.updated += 1;
            }
        }
    }
    Ok(())
}

/// [`find`] inside a write transaction.
pub async fn find_in(tx: &mut Tx, code: &str) -> Result<Option<RegionRow>, sqlx::Error> {
    sqlx::query("SELECT code, name, level, parent_code FROM regions WHERE code = $1")
        .bind(code)
        .fetch_optional(&mut **tx)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// [`children`] inside a write transaction.
pub async fn children_in(tx: &mut Tx, code: &str) -> Result<Vec<RegionRow>, sqlx::Error> {
    sqlx::query(
        "SELECT code, name, level, parent_code FROM regions WHERE parent_code = $1 ORDER BY code",
    )
    .bind(code)
    .fetch_all(&mut **tx)
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// Inserts one region (a grid).
pub async fn insert_in(tx: &mut Tx, row: &RegionRow, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO regions (code, name, level, parent_code, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)",
    )
    .bind(&row.code)
    .bind(&row.name)
    .bind(row.level.as_str())
    .bind(&row.parent_code)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Locks the region's row until the transaction ends (a write that changes nothing).
pub async fn lock_in(tx: &mut Tx, code: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE regions SET updated_at = updated_at WHERE code = $1")
        .bind(code)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
