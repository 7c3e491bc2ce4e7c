//! SQL of the `recycling_categories`, `recycling_dropoffs` and `recycling_lines` tables
//! (owned by this module). Times are UTC milliseconds.

use jifen_shared::recycling::{CategoryWeight, DropoffItem, RecyclingCategory};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::calendar::Period;
use crate::storage::Tx;

const COLUMNS: &str = "id, code, name, points_per_kg, active, county_code";

fn category(r: &AnyRow) -> Result<RecyclingCategory, sqlx::Error> {
    Ok(RecyclingCategory {
        id: r.try_get("id")?,
        code: r.try_get("code")?,
        name: r.try_get("name")?,
        points_per_kg: r.try_get("points_per_kg")?,
        active: r.try_get::<i64, _>("active")? == 1,
        county_code: r.try_get("county_code")?,
    })
}

/// The categories in use in `county`, by id: the shipped ones whose code the county has not
/// set, and the county's own.
pub async fn effective<'e>(
    exec: impl sqlx::Executor<'e, Database = sqlx::Any>,
    county: &str,
) -> Result<Vec<RecyclingCategory>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM recycling_categories c WHERE c.scope = $1 \
         OR (c.scope = '*' AND NOT EXISTS (SELECT 1 FROM recycling_categories o \
             WHERE o.scope = $1 AND o.code = c.code)) ORDER BY id"
    ))
    .bind(county)
    .fetch_all(exec)
    .await?
    .iter()
    .map(category)
    .collect()
}

/// The category of this scope (a county code) and code, if set.
pub async fn in_scope(
    tx: &mut Tx,
    scope: &str,
    code: &str,
) -> Result<Option<RecyclingCategory>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM recycling_categories WHERE scope = $1 AND code = $2"
    ))
    .bind(scope)
    .bind(code)
    .fetch_optional(&mut **tx)
    .await?
    .as_ref()
    .map(category)
    .transpose()
}

/// Inserts or changes a county's category (its `county_code` is the scope); its id.
pub async fn upsert(tx: &mut Tx, c: &RecyclingCategory, now: i64) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO recycling_categories (code, name, points_per_kg, active, county_code, scope, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $5, $6, $6) \
         ON CONFLICT (scope, code) DO UPDATE SET name = excluded.name, \
           points_per_kg = excluded.points_per_kg, active = excluded.active, updated_at = excluded.updated_at \
         RETURNING id",
    )
    .bind(&c.code)
    .bind(&c.name)
    .bind(c.points_per_kg)
    .bind(i64::from(c.active))
    .bind(&c.county_code)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")
}

/// Inserts a drop-off (no transfer yet); its id.
pub async fn insert_dropoff(
    tx: &mut Tx,
    shop_id: i64,
    person_id: i64,
    keeper_id: i64,
    points: i64,
    summary: &str,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO recycling_dropoffs (shop_id, person_id, keeper_id, points, summary, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(shop_id)
    .bind(person_id)
    .bind(keeper_id)
    .bind(points)
    .bind(summary)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")
}

/// Inserts a line of a drop-off.
pub async fn insert_line(tx: &mut Tx, dropoff_id: i64, i: &DropoffItem) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO recycling_lines (dropoff_id, category_id, name, grams, points_per_kg, points) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(dropoff_id)
    .bind(i.category_id)
    .bind(&i.name)
    .bind(i.grams)
    .bind(i.points_per_kg)
    .bind(i.points)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Records the ledger transfer that credited a drop-off.
pub async fn set_transfer(tx: &mut Tx, id: i64, transfer_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE recycling_dropoffs SET transfer_id = $1 WHERE id = $2")
        .bind(transfer_id)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A shop's drop-offs in `period`: how many, and the points they credited.
pub async fn totals_in<'e>(
    exec: impl sqlx::Executor<'e, Database = sqlx::Any>,
    shop_id: i64,
    period: Period,
) -> Result<(i64, i64), sqlx::Error> {
    let r = sqlx::query(
        "SELECT CAST(COUNT(*) AS BIGINT) AS n, CAST(COALESCE(SUM(points), 0) AS BIGINT) AS points \
         FROM recycling_dropoffs WHERE shop_id = $1 AND created_at >= $2 AND created_at < $3",
    )
    .bind(shop_id)
    .bind(period.start)
    .bind(period.end)
    .fetch_one(exec)
    .await?;
    Ok((r.try_get("n")?, r.try_get("points")?))
}

/// A shop's weights by category in `period`, by category id.
pub async fn weights_in<'e>(
    exec: impl sqlx::Executor<'e, Database = sqlx::Any>,
    shop_id: i64,
    period: Period,
) -> Result<Vec<CategoryWeight>, sqlx::Error> {
    sqlx::query(
        "SELECT l.category_id, MIN(l.name) AS name, CAST(SUM(l.grams) AS BIGINT) AS grams, \
           CAST(SUM(l.points) AS BIGINT) AS points \
         FROM recycling_lines l JOIN recycling_dropoffs d ON d.id = l.dropoff_id \
         WHERE d.shop_id = $1 AND d.created_at >= $2 AND d.created_at < $3 \
         GROUP BY l.category_id ORDER BY l.category_id",
    )
    .bind(shop_id)
    .bind(period.start)
    .bind(period.end)
    .fetch_all(exec)
    .await?
    .iter()
    .map(|r| {
        Ok(CategoryWeight {
            category_id: r.try_get("category_id")?,
            name: r.try_get("name")?,
            grams: r.try_get("grams")?,
            points: r.try_get("points")?,
        })
    })
    .collect()
}
