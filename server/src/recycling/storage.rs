//! SQL of the `recycling_dropoffs` and `recycling_lines` tables (owned by this module; the
//! `recycling_categories` catalogue goes through [`crate::catalogue`]). Times are UTC milliseconds.

use jifen_shared::recycling::{CategoryWeight, DropoffItem};
use sqlx::Row;

use crate::calendar::Period;
use crate::storage::Tx;

/// The categories' catalogue table ([`crate::catalogue`]).
pub const CATEGORIES: crate::catalogue::Table = crate::catalogue::Table {
    name: "recycling_categories",
    value: "points_per_kg",
    max_value: crate::recycling::MAX_RATE,
    max_name_chars: crate::recycling::MAX_NAME_CHARS,
    action: "recycling.category",
    target: "recycling_category",
};

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
    sqlx::query_scalar(
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
    .await
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
