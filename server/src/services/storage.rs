//! SQL of the `service_orders`, `service_order_photos`, `service_order_events`,
//! `service_ratings` and `rectifications` tables (owned by this module; the `service_types`
//! catalogue goes through [`crate::catalogue`]). Times are UTC milliseconds.

use jifen_shared::services::OrderStatus;
use sqlx::Row;

use crate::storage::Tx;

/// The service types' catalogue table ([`crate::catalogue`]).
pub const TYPES: crate::catalogue::Table = crate::catalogue::Table {
    name: "service_types",
    value: "reward_points",
    max_value: crate::services::MAX_REWARD,
    max_name_chars: crate::services::MAX_TYPE_NAME_CHARS,
    action: "services.type",
    target: "service_type",
};

/// An order as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrderRow {
    pub id: i64,
    pub orderer_id: i64,
    pub village_code: String,
    pub grid_code: Option<String>,
    pub type_id: i64,
    pub type_name: String,
    pub reward_points: i64,
    pub description: String,
    pub address: Option<String>,
    #[sqlx(try_from = "String")]
    pub status: OrderStatus,
    pub volunteer_id: Option<i64>,
    pub escalation_level: i64,
    /// When it was ordered, released or last escalated.
    pub open_since: i64,
    pub completion_note: Option<String>,
    pub completed_at: Option<i64>,
    pub paid_transfer_id: Option<i64>,
    pub created_at: i64,
}

const COLUMNS: &str = "id, orderer_id, village_code, grid_code, type_id, type_name, \
    reward_points, description, address, status, volunteer_id, escalation_level, open_since, \
    completion_note, completed_at, paid_transfer_id, created_at";

/// Inserts an open order; its id.
pub async fn insert_order(tx: &mut Tx, o: &OrderRow, now: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO service_orders (orderer_id, village_code, grid_code, type_id, type_name, \
           reward_points, description, address, status, open_since, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9, $9, $9) RETURNING id",
    )
    .bind(o.orderer_id)
    .bind(&o.village_code)
    .bind(&o.grid_code)
    .bind(o.type_id)
    .bind(&o.type_name)
    .bind(o.reward_points)
    .bind(&o.description)
    .bind(&o.address)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
}

/// Attaches photos (`kind` `order` or `completion`) in order.
pub async fn insert_photos(
    tx: &mut Tx,
    order_id: i64,
    kind: &str,
    media_ids: &[i64],
) -> Result<(), sqlx::Error> {
    for (position, media_id) in media_ids.iter().enumerate() {
        sqlx::query(
            "INSERT INTO service_order_photos (order_id, media_id, kind, position) VALUES ($1, $2, $3, $4)",
        )
        .bind(order_id)
        .bind(media_id)
        .bind(kind)
        .bind(position as i64)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// The photos of an order as `(kind, media id)`, in order.
pub async fn photos<'e>(
    exec: impl sqlx::Executor<'e, Database = sqlx::Any>,
    order_id: i64,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT kind, media_id FROM service_order_photos WHERE order_id = $1 ORDER BY kind, position",
    )
    .bind(order_id)
    .fetch_all(exec)
    .await
}

/// The order with this id.
pub async fn order_by_id<'e>(
    exec: impl sqlx::Executor<'e, Database = sqlx::Any>,
    id: i64,
) -> Result<Option<OrderRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM service_orders WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(exec)
    .await
}

/// The value bound to `$1` of a filter.
#[derive(Debug, Clone, Copy)]
pub enum Bind<'a> {
    Id(i64),
    Text(&'a str),
}

/// Orders matching `filter` (an SQL condition over `service_orders` with `$1` bound to
/// `param`), older than `before_id`, newest first, at most `limit`.
pub async fn orders_where<'e>(
    exec: impl sqlx::Executor<'e, Database = sqlx::Any>,
    filter: &str,
    param: Bind<'_>,
    before_id: i64,
    limit: u32,
) -> Result<Vec<OrderRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM service_orders WHERE ({filter}) AND id < $2 ORDER BY id DESC LIMIT $3"
    );
    let query = sqlx::query_as(&sql);
    let query = match param {
        Bind::Id(id) => query.bind(id),
        Bind::Text(text) => query.bind(text.to_owned()),
    };
    query
        .bind(before_id)
        .bind(i64::from(limit))
        .fetch_all(exec)
        .await
}

/// Moves an order by one conditional update: `set` (SQL assignments using `$2` = now and
/// `$3` = `who`) where `condition` (over the row, may use `$3`); whether it moved.
pub async fn transition(
    tx: &mut Tx,
    id: i64,
    set: &str,
    condition: &str,
    who: Option<i64>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(&format!(
        "UPDATE service_orders SET {set}, updated_at = $2 WHERE id = $1 AND {condition}"
    ))
    .bind(id)
    .bind(now)
    .bind(who)
    .execute(&mut **tx)
    .await?
    .rows_affected()
        == 1)
}

/// How many orders each of the people `ids` holds as volunteer now (claimed, not completed),
/// by person id; absent: none.
pub async fn claimed_counts(
    tx: &mut Tx,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, i64>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    // Integers only, so the list can be inlined safely.
    let list: Vec<String> = ids.iter().map(i64::to_string).collect();
    let rows: Vec<(i64, i64)> = sqlx::query_as(&format!(
        "SELECT volunteer_id, CAST(COUNT(*) AS BIGINT) FROM service_orders \
         WHERE status = 'claimed' AND volunteer_id IN ({}) GROUP BY volunteer_id",
        list.join(", ")
    ))
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().collect())
}

/// Completes a claimed order of `volunteer_id` with `note`; whether it moved.
pub async fn complete(
    tx: &mut Tx,
    id: i64,
    volunteer_id: i64,
    note: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE service_orders SET status = 'completed', completed_at = $3, completion_note = $4, \
           updated_at = $3 WHERE id = $1 AND status = 'claimed' AND volunteer_id = $2",
    )
    .bind(id)
    .bind(volunteer_id)
    .bind(now)
    .bind(note)
    .execute(&mut **tx)
    .await?
    .rows_affected()
        == 1)
}

/// Records the transfer that paid an order's volunteer.
pub async fn set_paid(tx: &mut Tx, id: i64, transfer_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE service_orders SET paid_transfer_id = $2 WHERE id = $1")
        .bind(id)
        .bind(transfer_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Records a step of an order's timeline.
pub async fn insert_event(
    tx: &mut Tx,
    order_id: i64,
    kind: &str,
    actor_id: Option<i64>,
    note: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO service_order_events (order_id, kind, actor_id, note, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(order_id)
    .bind(kind)
    .bind(actor_id)
    .bind(note)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A step of the timeline as stored, with the actor's full name.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRow {
    pub kind: String,
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    pub note: String,
    pub created_at: i64,
}

/// An order's timeline, oldest first.
pub async fn events<'e>(
    exec: impl sqlx::Executor<'e, Database = sqlx::Any>,
    order_id: i64,
) -> Result<Vec<EventRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT e.kind, e.actor_id, p.name AS actor_name, e.note, e.created_at \
         FROM service_order_events e LEFT JOIN people p ON p.id = e.actor_id \
         WHERE e.order_id = $1 ORDER BY e.id",
    )
    .bind(order_id)
    .fetch_all(exec)
    .await
}

/// Open orders whose next escalation is due at `now` with SLA `sla_ms` (one SLA after they
/// were ordered, released or last escalated), oldest first, at most `limit`.
pub async fn escalation_due<'e>(
    exec: impl sqlx::Executor<'e, Database = sqlx::Any>,
    sla_ms: i64,
    now: i64,
    limit: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM service_orders WHERE status = 'open' AND escalation_level < 3 \
         AND open_since + $1 <= $2 ORDER BY open_since, id LIMIT $3",
    )
    .bind(sla_ms)
    .bind(now)
    .bind(limit)
    .fetch_all(exec)
    .await
}

/// A rating as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RatingRow {
    pub round: i64,
    pub stars: i64,
    pub comment: String,
    #[sqlx(try_from = "crate::storage::Flag")]
    pub automatic: bool,
    pub created_at: i64,
}

/// Inserts round `round` of an order's rating unless it exists; whether it was inserted.
pub async fn insert_rating(tx: &mut Tx, order_id: i64, r: &RatingRow) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "INSERT INTO service_ratings (order_id, round, stars, comment, automatic, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
    )
    .bind(order_id)
    .bind(r.round)
    .bind(r.stars)
    .bind(&r.comment)
    .bind(i64::from(r.automatic))
    .bind(r.created_at)
    .execute(&mut **tx)
    .await?
    .rows_affected()
        == 1
        && sqlx::query("UPDATE service_orders SET rated = 1 WHERE id = $1")
            .bind(order_id)
            .execute(&mut **tx)
            .await?
            .rows_affected()
            == 1)
}

/// The latest rating of an order.
pub async fn latest_rating<'e>(
    exec: impl sqlx::Executor<'e, Database = sqlx::Any>,
    order_id: i64,
) -> Result<Option<RatingRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT round, stars, comment, automatic, created_at FROM service_ratings \
         WHERE order_id = $1 ORDER BY round DESC LIMIT 1",
    )
    .bind(order_id)
    .fetch_optional(exec)
    .await
}

/// Completed orders left unrated since before `completed_before`, oldest first.
pub async fn unrated_since<'e>(
    exec: impl sqlx::Executor<'e, Database = sqlx::Any>,
    completed_before: i64,
    limit: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM service_orders WHERE status = 'completed' AND rated = 0 \
         AND completed_at <= $1 ORDER BY completed_at, id LIMIT $2",
    )
    .bind(completed_before)
    .bind(limit)
    .fetch_all(exec)
    .await
}

/// A rectification as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RectificationRow {
    pub id: i64,
    pub order_id: i64,
    pub village_code: String,
    pub status: String,
    pub follow_up: Option<String>,
    pub opened_at: i64,
    pub due_at: i64,
    pub closed_at: Option<i64>,
}

const RECTIFICATION_COLUMNS: &str =
    "id, order_id, village_code, status, follow_up, opened_at, due_at, closed_at";

/// Opens an order's rectification unless it has one; whether it was opened.
pub async fn open_rectification(
    tx: &mut Tx,
    order_id: i64,
    village_code: &str,
    now: i64,
    due_at: i64,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "INSERT INTO rectifications (order_id, village_code, status, opened_at, due_at) \
         VALUES ($1, $2, 'open', $3, $4) ON CONFLICT DO NOTHING",
    )
    .bind(order_id)
    .bind(village_code)
    .bind(now)
    .bind(due_at)
    .execute(&mut **tx)
    .await?
    .rows_affected()
        == 1)
}

/// The rectification of an order, or with an id.
pub async fn rectification_where<'e>(
    exec: impl sqlx::Executor<'e, Database = sqlx::Any>,
    column: &str,
    value: i64,
) -> Result<Option<RectificationRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {RECTIFICATION_COLUMNS} FROM rectifications WHERE {column} = $1"
    ))
    .bind(value)
    .fetch_optional(exec)
    .await
}

/// Closes an open rectification; whether it was open.
pub async fn close_rectification(
    tx: &mut Tx,
    id: i64,
    follow_up: &str,
    by: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE rectifications SET status = 'closed', follow_up = $2, closed_at = $3, closed_by = $4 \
         WHERE id = $1 AND status = 'open'",
    )
    .bind(id)
    .bind(follow_up)
    .bind(now)
    .bind(by)
    .execute(&mut **tx)
    .await?
    .rows_affected()
        == 1)
}

/// Rectifications of villages under `prefix` (a region code), with `status` (or any), newest
/// first, at most 200.
pub async fn rectifications_under<'e>(
    exec: impl sqlx::Executor<'e, Database = sqlx::Any>,
    prefix: &str,
    status: Option<&str>,
) -> Result<Vec<RectificationRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {RECTIFICATION_COLUMNS} FROM rectifications \
         WHERE village_code LIKE $1 AND ($2 = '' OR status = $2) ORDER BY id DESC LIMIT 200"
    ))
    .bind(format!("{prefix}%"))
    .bind(status.unwrap_or(""))
    .fetch_all(exec)
    .await
}

/// Counts for the ratings summary of villages under `prefix`: each order's latest rating as of
/// the end of `period`, when given in `period` (good, neutral, bad, sum of stars) — so a past
/// month's report never changes —, and the rectifications opened in `period` (open now,
/// closed, closed in time).
pub async fn rating_counts<'e, E>(
    exec: E,
    prefix: &str,
    period: crate::calendar::Period,
) -> Result<[i64; 7], sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any> + Copy,
{
    let like = format!("{prefix}%");
    let r = sqlx::query(
        "SELECT CAST(COALESCE(SUM(CASE WHEN r.stars >= 4 THEN 1 ELSE 0 END), 0) AS BIGINT) AS good, \
           CAST(COALESCE(SUM(CASE WHEN r.stars = 3 THEN 1 ELSE 0 END), 0) AS BIGINT) AS neutral, \
           CAST(COALESCE(SUM(CASE WHEN r.stars <= 2 THEN 1 ELSE 0 END), 0) AS BIGINT) AS bad, \
           CAST(COALESCE(SUM(r.stars), 0) AS BIGINT) AS stars \
         FROM service_ratings r JOIN service_orders o ON o.id = r.order_id \
         WHERE o.village_code LIKE $1 AND r.created_at >= $2 AND r.created_at < $3 \
         AND r.round = (SELECT MAX(x.round) FROM service_ratings x \
             WHERE x.order_id = r.order_id AND x.created_at < $3)",
    )
    .bind(&like)
    .bind(period.start)
    .bind(period.end)
    .fetch_one(exec)
    .await?;
    let q = sqlx::query(
        "SELECT CAST(COALESCE(SUM(CASE WHEN status = 'open' THEN 1 ELSE 0 END), 0) AS BIGINT) AS open, \
           CAST(COALESCE(SUM(CASE WHEN status = 'closed' THEN 1 ELSE 0 END), 0) AS BIGINT) AS closed, \
           CAST(COALESCE(SUM(CASE WHEN status = 'closed' AND closed_at <= due_at THEN 1 ELSE 0 END), 0) AS BIGINT) AS in_time \
         FROM rectifications WHERE village_code LIKE $1 AND opened_at >= $2 AND opened_at < $3",
    )
    .bind(&like)
    .bind(period.start)
    .bind(period.end)
    .fetch_one(exec)
    .await?;
    Ok([
        r.try_get("good")?,
        r.try_get("neutral")?,
        r.try_get("bad")?,
        r.try_get("stars")?,
        q.try_get("open")?,
        q.try_get("closed")?,
        q.try_get("in_time")?,
    ])
}

/// The orders photo `media_id` belongs to (`service_order_photos`).
pub async fn orders_of_photo<'e>(
    exec: impl sqlx::Executor<'e, Database = sqlx::Any>,
    media_id: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT order_id FROM service_order_photos WHERE media_id = $1")
        .bind(media_id)
        .fetch_all(exec)
        .await
}

/// The ids of the orders in `status` whose `party` (`orderer_id` or `volunteer_id`) is
/// `person_id`, oldest first.
pub async fn order_ids_of(
    tx: &mut Tx,
    party: &'static str,
    person_id: i64,
    status: &str,
) -> Result<Vec<i64>, sqlx::Error> {
    debug_assert!(matches!(party, "orderer_id" | "volunteer_id"));
    sqlx::query_scalar(&format!(
        "SELECT id FROM service_orders WHERE {party} = $1 AND status = $2 ORDER BY id"
    ))
    .bind(person_id)
    .bind(status)
    .fetch_all(&mut **tx)
    .await
}
