//! SQL of the `shops`, `shop_keepers`, `shop_goods`, `stock_movements`, `redemptions` and
//! `redemption_items` tables (owned by this module; `member_codes` is the counter's,
//! [`super::counter::storage`]). Times are UTC milliseconds.

use jifen_shared::shop::{
    Goods, GoodsCount, Keeper, LowStockGoods, RedemptionItem, RedemptionStatus, Shop, ShopSummary,
    StockMovement,
};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::calendar::Period;
use crate::storage::{Db, Tx};

/// A shop as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShopRow {
    pub id: i64,
    pub name: String,
    /// A village or township code.
    pub region_code: String,
    /// Its ledger account (kind `shop`).
    pub account_id: i64,
    /// When it was closed (UTC ms); `None`: open.
    pub closed_at: Option<i64>,
}

fn shop_row(r: &AnyRow) -> Result<ShopRow, sqlx::Error> {
    Ok(ShopRow {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        region_code: r.try_get("region_code")?,
        account_id: r.try_get("account_id")?,
        closed_at: r.try_get("closed_at")?,
    })
}

/// Inserts a shop unless its region has one of that name (`None` then).
pub async fn insert_shop(
    tx: &mut Tx,
    name: &str,
    region_code: &str,
    account_id: i64,
    actor_id: i64,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query(
        "INSERT INTO shops (name, region_code, account_id, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(name)
    .bind(region_code)
    .bind(account_id)
    .bind(actor_id)
    .bind(now)
    .fetch_optional(&mut **tx)
    .await?
    .map(|r| r.try_get("id"))
    .transpose()
}

/// The shop with this id.
pub async fn shop<'e>(
    exec: impl sqlx::Executor<'e, Database = sqlx::Any>,
    id: i64,
) -> Result<Option<ShopRow>, sqlx::Error> {
    sqlx::query("SELECT id, name, region_code, account_id, closed_at FROM shops WHERE id = $1")
        .bind(id)
        .fetch_optional(exec)
        .await?
        .as_ref()
        .map(shop_row)
        .transpose()
}

/// The open shops of the regions `codes` (a village and its township), by id.
pub async fn shops_in(db: &Db, village: &str, township: &str) -> Result<Vec<Shop>, sqlx::Error> {
    sqlx::query(
        "SELECT id, name, region_code FROM shops \
         WHERE (region_code = $1 OR region_code = $2) AND closed_at IS NULL ORDER BY id",
    )
    .bind(village)
    .bind(township)
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(|r| {
        Ok(Shop {
            id: r.try_get("id")?,
            name: r.try_get("name")?,
            village_code: r.try_get("region_code")?,
        })
    })
    .collect()
}

/// Records `person_id` as a keeper of the shop; `false` when they already were.
pub async fn insert_keeper(
    tx: &mut Tx,
    shop_id: i64,
    person_id: i64,
    actor_id: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO shop_keepers (shop_id, person_id, created_by, created_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
    )
    .bind(shop_id)
    .bind(person_id)
    .bind(actor_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The keepers of a shop, by id.
pub async fn keeper_ids(tx: &mut Tx, shop_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT person_id FROM shop_keepers WHERE shop_id = $1 ORDER BY person_id")
        .bind(shop_id)
        .fetch_all(&mut **tx)
        .await
}

/// Whether `person_id` keeps the shop.
pub async fn is_keeper(tx: &mut Tx, shop_id: i64, person_id: i64) -> Result<bool, sqlx::Error> {
    Ok(
        sqlx::query("SELECT 1 AS one FROM shop_keepers WHERE shop_id = $1 AND person_id = $2")
            .bind(shop_id)
            .bind(person_id)
            .fetch_optional(&mut **tx)
            .await?
            .is_some(),
    )
}

const GOODS_COLUMNS: &str = "id, shop_id, name, points_price, market_price_fen, stock, \
     per_person_limit, photo_id, active, low_stock_threshold";

fn goods(r: &AnyRow) -> Result<Goods, sqlx::Error> {
    Ok(Goods {
        id: r.try_get("id")?,
        shop_id: r.try_get("shop_id")?,
        name: r.try_get("name")?,
        points_price: r.try_get("points_price")?,
        market_price_fen: r.try_get("market_price_fen")?,
        stock: r.try_get("stock")?,
        per_person_limit: r.try_get("per_person_limit")?,
        photo_id: r.try_get("photo_id")?,
        active: r.try_get::<i64, _>("active")? == 1,
        low_stock_threshold: r.try_get("low_stock_threshold")?,
    })
}

/// Inserts goods (active) and answers their id.
pub async fn insert_goods(tx: &mut Tx, g: &Goods, now: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO shop_goods (shop_id, name, points_price, market_price_fen, stock, \
         per_person_limit, photo_id, active, created_at, updated_at, low_stock_threshold) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8, $9) RETURNING id",
    )
    .bind(g.shop_id)
    .bind(&g.name)
    .bind(g.points_price)
    .bind(g.market_price_fen)
    .bind(g.stock)
    .bind(g.per_person_limit)
    .bind(g.photo_id)
    .bind(now)
    .bind(g.low_stock_threshold)
    .fetch_one(&mut **tx)
    .await
}

/// The goods with this id.
pub async fn goods_by_id<'e>(
    exec: impl sqlx::Executor<'e, Database = sqlx::Any>,
    id: i64,
) -> Result<Option<Goods>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {GOODS_COLUMNS} FROM shop_goods WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(exec)
    .await?
    .as_ref()
    .map(goods)
    .transpose()
}

/// The goods of a shop: with `on_shelf_only` the active ones by id, else all of them, the
/// active ones first, then by id.
pub async fn goods_in(
    db: &Db,
    shop_id: i64,
    on_shelf_only: bool,
) -> Result<Vec<Goods>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {GOODS_COLUMNS} FROM shop_goods WHERE shop_id = $1 AND ($2 = 0 OR active = 1) \
         ORDER BY active DESC, id"
    ))
    .bind(shop_id)
    .bind(i64::from(on_shelf_only))
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(goods)
    .collect()
}

/// Sets the name, photo, price and terms of goods.
pub async fn update_goods(tx: &mut Tx, g: &Goods, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE shop_goods SET points_price = $2, market_price_fen = $3, per_person_limit = $4, \
         active = $5, updated_at = $6, name = $7, photo_id = $8, low_stock_threshold = $9 \
         WHERE id = $1",
    )
    .bind(g.id)
    .bind(g.points_price)
    .bind(g.market_price_fen)
    .bind(g.per_person_limit)
    .bind(i64::from(g.active))
    .bind(now)
    .bind(&g.name)
    .bind(g.photo_id)
    .bind(g.low_stock_threshold)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Adds `delta` (either sign) to the stock unless it would go below zero (`None` then);
/// answers the stock after.
pub async fn adjust_stock(
    tx: &mut Tx,
    id: i64,
    delta: i64,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query(
        "UPDATE shop_goods SET stock = stock + $2, updated_at = $3 \
         WHERE id = $1 AND stock + $2 >= 0 RETURNING stock",
    )
    .bind(id)
    .bind(delta)
    .bind(now)
    .fetch_optional(&mut **tx)
    .await?
    .map(|r| r.try_get("stock"))
    .transpose()
}

/// Records a stock change made by staff.
#[allow(clippy::too_many_arguments)]
pub async fn insert_movement(
    tx: &mut Tx,
    goods_id: i64,
    delta: i64,
    reason: &str,
    note: &str,
    stock_after: i64,
    actor_id: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO stock_movements (goods_id, delta, reason, note, stock_after, actor_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(goods_id)
    .bind(delta)
    .bind(reason)
    .bind(note)
    .bind(stock_after)
    .bind(actor_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Takes `qty` units of active goods out of stock, unless there are fewer (`None` then);
/// answers the goods as they are now (their price is the price of this reservation).
pub async fn take_stock(tx: &mut Tx, id: i64, qty: i64) -> Result<Option<Goods>, sqlx::Error> {
    sqlx::query(&format!(
        "UPDATE shop_goods SET stock = stock - $2 WHERE id = $1 AND active = 1 AND stock >= $2 \
         RETURNING {GOODS_COLUMNS}"
    ))
    .bind(id)
    .bind(qty)
    .fetch_optional(&mut **tx)
    .await?
    .as_ref()
    .map(goods)
    .transpose()
}

/// Puts `qty` units back in stock (a redemption cancelled or expired).
pub async fn return_stock(tx: &mut Tx, id: i64, qty: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE shop_goods SET stock = stock + $2 WHERE id = $1")
        .bind(id)
        .bind(qty)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Goods of `shop_goods` low on stock in a way worth telling: on the shelf, with a threshold,
/// their stock at or below it, in an open shop.
const LOW_NOW: &str = "active = 1 AND low_stock_threshold IS NOT NULL \
     AND stock <= low_stock_threshold \
     AND shop_id IN (SELECT id FROM shops WHERE closed_at IS NULL)";

/// Remembers that goods `id` are low on stock (`LOW_NOW`) when they are and nobody was told
/// yet: the goods as they are when it did (then tell), `None` when nothing changed.
pub async fn mark_low(tx: &mut Tx, id: i64) -> Result<Option<Goods>, sqlx::Error> {
    sqlx::query(&format!(
        "UPDATE shop_goods SET low_stock_alerted = 1 \
         WHERE id = $1 AND low_stock_alerted = 0 AND {LOW_NOW} RETURNING {GOODS_COLUMNS}"
    ))
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?
    .as_ref()
    .map(goods)
    .transpose()
}

/// Forgets that goods `id` were low on stock when they no longer are (so that the next fall
/// is told again).
pub async fn rearm_low(tx: &mut Tx, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query(&format!(
        "UPDATE shop_goods SET low_stock_alerted = 0 \
         WHERE id = $1 AND low_stock_alerted = 1 AND NOT ({LOW_NOW})"
    ))
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A redemption as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedemptionRow {
    pub id: i64,
    pub person_id: i64,
    pub shop_id: i64,
    pub shop_name: String,
    pub shop_region: String,
    pub status: RedemptionStatus,
    pub points: i64,
    pub transfer_id: Option<i64>,
    pub token_nonce: String,
    pub short_code: String,
    pub expires_at: i64,
    pub settled_by: Option<i64>,
    pub settled_at: Option<i64>,
    pub created_at: i64,
    /// Reserved by a proxy (代办).
    pub proxy: Option<jifen_shared::proxy::ProxyNote>,
}

const REDEMPTION_COLUMNS: &str = "r.id, r.person_id, r.shop_id, s.name AS shop_name, \
     s.region_code AS shop_region, r.status, r.points, r.transfer_id, r.token_nonce, \
     r.short_code, r.expires_at, r.settled_by, r.settled_at, r.created_at, \
     pa.receipt_no AS proxy_receipt, pag.name AS proxy_agent, pas.kind AS proxy_kind";

/// A redemption `r` of shop `s`, with the proxy action that reserved it (`pa`, if any:
/// [`crate::proxy::storage::note_of`]).
const REDEMPTION_FROM: &str = "redemptions r JOIN shops s ON s.id = r.shop_id \
     LEFT JOIN proxy_actions pa ON pa.subject = 'redemption:' || CAST(r.id AS TEXT) \
     LEFT JOIN proxy_sessions pas ON pas.id = pa.session_id \
     LEFT JOIN people pag ON pag.id = pa.agent_id";

fn redemption(r: &AnyRow) -> Result<RedemptionRow, sqlx::Error> {
    let status: String = r.try_get("status")?;
    Ok(RedemptionRow {
        id: r.try_get("id")?,
        person_id: r.try_get("person_id")?,
        shop_id: r.try_get("shop_id")?,
        shop_name: r.try_get("shop_name")?,
        shop_region: r.try_get("shop_region")?,
        status: RedemptionStatus::parse(&status).ok_or_else(|| sqlx::Error::ColumnDecode {
            index: "status".into(),
            source: format!("unknown redemption status {status:?}").into(),
        })?,
        points: r.try_get("points")?,
        transfer_id: r.try_get("transfer_id")?,
        token_nonce: r.try_get("token_nonce")?,
        short_code: r.try_get("short_code")?,
        expires_at: r.try_get("expires_at")?,
        settled_by: r.try_get("settled_by")?,
        settled_at: r.try_get("settled_at")?,
        created_at: r.try_get("created_at")?,
        proxy: crate::proxy::storage::note_of(r)?,
    })
}

/// Inserts a reserved redemption unless its short code is taken by another reserved one
/// (`None` then: draw another code).
#[allow(clippy::too_many_arguments)]
pub async fn insert_redemption(
    tx: &mut Tx,
    person_id: i64,
    shop_id: i64,
    points: i64,
    token_nonce: &str,
    short_code: &str,
    expires_at: i64,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query(
        "INSERT INTO redemptions (person_id, shop_id, status, points, token_nonce, short_code, \
         expires_at, created_at) VALUES ($1, $2, 'reserved', $3, $4, $5, $6, $7) \
         ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(person_id)
    .bind(shop_id)
    .bind(points)
    .bind(token_nonce)
    .bind(short_code)
    .bind(expires_at)
    .bind(now)
    .fetch_optional(&mut **tx)
    .await?
    .map(|r| r.try_get("id"))
    .transpose()
}

/// Names the pending ledger transfer of a redemption.
pub async fn set_transfer(tx: &mut Tx, id: i64, transfer_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE redemptions SET transfer_id = $2 WHERE id = $1")
        .bind(id)
        .bind(transfer_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Inserts a line of a redemption.
pub async fn insert_item(
    tx: &mut Tx,
    redemption_id: i64,
    item: &RedemptionItem,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO redemption_items (redemption_id, goods_id, name, qty, unit_points, \
         market_price_fen) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(redemption_id)
    .bind(item.goods_id)
    .bind(&item.name)
    .bind(item.qty)
    .bind(item.unit_points)
    .bind(item.market_price_fen)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The redemption with this id.
pub async fn redemption_by_id<'e>(
    exec: impl sqlx::Executor<'e, Database = sqlx::Any>,
    id: i64,
) -> Result<Option<RedemptionRow>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {REDEMPTION_COLUMNS} FROM {REDEMPTION_FROM} \
         WHERE r.id = $1"
    ))
    .bind(id)
    .fetch_optional(exec)
    .await?
    .as_ref()
    .map(redemption)
    .transpose()
}

/// The redemption of a QR token's nonce.
pub async fn redemption_by_nonce(
    tx: &mut Tx,
    nonce: &str,
) -> Result<Option<RedemptionRow>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {REDEMPTION_COLUMNS} FROM {REDEMPTION_FROM} \
         WHERE r.token_nonce = $1"
    ))
    .bind(nonce)
    .fetch_optional(&mut **tx)
    .await?
    .as_ref()
    .map(redemption)
    .transpose()
}

/// The redemption with this short code: the reserved one (codes are unique among those),
/// else the latest that had it — so a code typed again after the hand-over is answered
/// "already handed over", not "unknown".
pub async fn redemption_by_code(
    tx: &mut Tx,
    code: &str,
) -> Result<Option<RedemptionRow>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {REDEMPTION_COLUMNS} FROM {REDEMPTION_FROM} \
         WHERE r.short_code = $1 \
         ORDER BY CASE WHEN r.status = 'reserved' THEN 0 ELSE 1 END, r.id DESC LIMIT 1"
    ))
    .bind(code)
    .fetch_optional(&mut **tx)
    .await?
    .as_ref()
    .map(redemption)
    .transpose()
}

/// A person's reservations still to collect at `now`, the one lapsing first first (at most
/// 20: a villager holds a few at a time; index `redemptions_person`).
pub async fn reserved_of(
    tx: &mut Tx,
    person_id: i64,
    now: i64,
) -> Result<Vec<RedemptionRow>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {REDEMPTION_COLUMNS} FROM {REDEMPTION_FROM} \
         WHERE r.person_id = $1 AND r.status = 'reserved' AND r.expires_at > $2 \
         ORDER BY r.expires_at, r.id LIMIT 20"
    ))
    .bind(person_id)
    .bind(now)
    .fetch_all(&mut **tx)
    .await?
    .iter()
    .map(redemption)
    .collect()
}

/// Reserved redemptions past their expiry at `now`, oldest first, at most `limit`.
pub async fn lapsed_ids(db: &Db, now: i64, limit: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM redemptions WHERE status = 'reserved' AND expires_at <= $1 \
         ORDER BY expires_at, id LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(db.reader())
    .await
}

/// A person's redemptions older than `before_id`, newest first, at most `limit`.
pub async fn redemptions_of(
    db: &Db,
    person_id: i64,
    before_id: i64,
    limit: u32,
) -> Result<Vec<RedemptionRow>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {REDEMPTION_COLUMNS} FROM {REDEMPTION_FROM} \
         WHERE r.person_id = $1 AND r.id < $2 ORDER BY r.id DESC LIMIT $3"
    ))
    .bind(person_id)
    .bind(before_id)
    .bind(i64::from(limit))
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(redemption)
    .collect()
}

/// The lines of the redemptions `ids`: `(redemption id, line)`, by goods id.
pub async fn items_of<'e>(
    exec: impl sqlx::Executor<'e, Database = sqlx::Any>,
    ids: &[i64],
) -> Result<Vec<(i64, RedemptionItem)>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = ids
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    sqlx::query(&format!(
        "SELECT redemption_id, goods_id, name, qty, unit_points, market_price_fen \
         FROM redemption_items WHERE redemption_id IN ({list}) ORDER BY redemption_id, goods_id"
    ))
    .fetch_all(exec)
    .await?
    .iter()
    .map(|r| {
        let qty: i64 = r.try_get("qty")?;
        let unit_points: i64 = r.try_get("unit_points")?;
        Ok((
            r.try_get("redemption_id")?,
            RedemptionItem {
                goods_id: r.try_get("goods_id")?,
                name: r.try_get("name")?,
                qty,
                unit_points,
                points: qty * unit_points,
                market_price_fen: r.try_get("market_price_fen")?,
                price_changed_from: None,
            },
        ))
    })
    .collect()
}

/// Units of goods the person has redeemed in `period` (by reservation time): fulfilled, or
/// reserved and not yet lapsed at `now`.
pub async fn redeemed_in(
    tx: &mut Tx,
    person_id: i64,
    goods_id: i64,
    period: Period,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(i.qty), 0) AS BIGINT) AS n FROM redemption_items i \
         JOIN redemptions r ON r.id = i.redemption_id \
         WHERE r.person_id = $1 AND i.goods_id = $2 AND r.created_at >= $3 AND r.created_at < $4 \
         AND (r.status = 'fulfilled' OR (r.status = 'reserved' AND r.expires_at > $5))",
    )
    .bind(person_id)
    .bind(goods_id)
    .bind(period.start)
    .bind(period.end)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
}

/// Moves a reserved redemption to `status`, settled by `by` at `now`; with `unexpired_at`
/// only if it has not lapsed by then. `false` when it was not reserved (or had lapsed): a
/// concurrent settlement won.
pub async fn settle_status(
    tx: &mut Tx,
    id: i64,
    status: RedemptionStatus,
    by: Option<i64>,
    now: i64,
    unexpired_at: Option<i64>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE redemptions SET status = $2, settled_by = $3, settled_at = $4 \
         WHERE id = $1 AND status = 'reserved' AND ($5 = 0 OR expires_at > $6)",
    )
    .bind(id)
    .bind(status.as_str())
    .bind(by)
    .bind(now)
    .bind(i64::from(unexpired_at.is_some()))
    .bind(unexpired_at.unwrap_or(0))
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Every shop, by id.
pub async fn all_shops(db: &Db) -> Result<Vec<ShopRow>, sqlx::Error> {
    sqlx::query("SELECT id, name, region_code, account_id, closed_at FROM shops ORDER BY id")
        .fetch_all(db.reader())
        .await?
        .iter()
        .map(shop_row)
        .collect()
}

/// The shops `person_id` is appointed to, by id.
pub async fn kept_by(db: &Db, person_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT shop_id FROM shop_keepers WHERE person_id = $1 ORDER BY shop_id")
        .bind(person_id)
        .fetch_all(db.reader())
        .await
}

/// Renames a shop and closes (`closed_at`) or opens it (`None`); `false` when another shop of
/// its region has the name.
pub async fn update_shop(
    tx: &mut Tx,
    id: i64,
    name: &str,
    closed_at: Option<i64>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE shops SET name = $2, closed_at = $3 WHERE id = $1 AND NOT EXISTS \
         (SELECT 1 FROM shops o WHERE o.region_code = shops.region_code AND o.name = $2 \
          AND o.id <> $1)",
    )
    .bind(id)
    .bind(name)
    .bind(closed_at)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The condition "goods on the shelf at or below their threshold", on `shop_goods g`.
const LOW: &str = "g.active = 1 AND g.low_stock_threshold IS NOT NULL \
     AND g.stock <= g.low_stock_threshold";

/// The shops whose region code starts with `prefix` (a village, township or county code), or
/// the one shop `id`, as their admins see them, by region and id.
pub async fn summaries<'e>(
    exec: impl sqlx::Executor<'e, Database = sqlx::Any>,
    prefix: &str,
    id: Option<i64>,
) -> Result<Vec<ShopSummary>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT s.id, s.name, s.region_code, r.name AS region_name, s.closed_at, \
           (SELECT CAST(COUNT(*) AS BIGINT) FROM shop_goods g WHERE g.shop_id = s.id) AS goods, \
           (SELECT CAST(COUNT(*) AS BIGINT) FROM shop_goods g WHERE g.shop_id = s.id AND {LOW}) AS low, \
           (SELECT CAST(COUNT(*) AS BIGINT) FROM shop_keepers k WHERE k.shop_id = s.id) AS keepers \
         FROM shops s JOIN regions r ON r.code = s.region_code \
         WHERE s.region_code LIKE $1 AND ($2 = 0 OR s.id = $2) ORDER BY s.region_code, s.id"
    ))
    .bind(format!("{prefix}%"))
    .bind(id.unwrap_or(0))
    .fetch_all(exec)
    .await?
    .iter()
    .map(|r| {
        Ok(ShopSummary {
            id: r.try_get("id")?,
            name: r.try_get("name")?,
            region_code: r.try_get("region_code")?,
            region_name: r.try_get("region_name")?,
            closed: r.try_get::<Option<i64>, _>("closed_at")?.is_some(),
            goods: r.try_get("goods")?,
            low_stock: r.try_get("low")?,
            keepers: r.try_get("keepers")?,
        })
    })
    .collect()
}

/// The most lines of the low-stock list.
pub const LOW_STOCK_LINES: i64 = 500;

/// Goods on the shelf of open shops whose region code starts with `prefix`, at or below their
/// threshold: the emptiest first (stock, then id), at most [`LOW_STOCK_LINES`].
pub async fn low_stock(db: &Db, prefix: &str) -> Result<Vec<LowStockGoods>, sqlx::Error> {
    let columns = GOODS_COLUMNS
        .split(", ")
        .map(|c| format!("g.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    sqlx::query(&format!(
        "SELECT {columns}, s.name AS shop_name FROM shop_goods g JOIN shops s ON s.id = g.shop_id \
         WHERE s.region_code LIKE $1 AND s.closed_at IS NULL AND {LOW} \
         ORDER BY g.stock, g.id LIMIT {LOW_STOCK_LINES}"
    ))
    .bind(format!("{prefix}%"))
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(|r| {
        Ok(LowStockGoods {
            shop_name: r.try_get("shop_name")?,
            goods: goods(r)?,
        })
    })
    .collect()
}

/// The keepers of a shop with their names, by id.
pub async fn keepers<'e>(
    exec: impl sqlx::Executor<'e, Database = sqlx::Any>,
    shop_id: i64,
) -> Result<Vec<Keeper>, sqlx::Error> {
    sqlx::query(
        "SELECT p.id, p.name FROM shop_keepers k JOIN people p ON p.id = k.person_id \
         WHERE k.shop_id = $1 ORDER BY p.id",
    )
    .bind(shop_id)
    .fetch_all(exec)
    .await?
    .iter()
    .map(|r| {
        Ok(Keeper {
            id: r.try_get("id")?,
            name: r.try_get("name")?,
        })
    })
    .collect()
}

/// Takes `person_id` off the shop's keepers; `false` when they were not one.
pub async fn delete_keeper(tx: &mut Tx, shop_id: i64, person_id: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM shop_keepers WHERE shop_id = $1 AND person_id = $2")
        .bind(shop_id)
        .bind(person_id)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// How many shops of `region_code` `person_id` keeps.
pub async fn kept_in(tx: &mut Tx, person_id: i64, region_code: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM shop_keepers k JOIN shops s ON s.id = k.shop_id \
         WHERE k.person_id = $1 AND s.region_code = $2",
    )
    .bind(person_id)
    .bind(region_code)
    .fetch_one(&mut **tx)
    .await
}

/// A goods item's stock movements older than `before_id`, newest first, at most `limit`.
pub async fn movements(
    db: &Db,
    goods_id: i64,
    before_id: i64,
    limit: u32,
) -> Result<Vec<StockMovement>, sqlx::Error> {
    sqlx::query(
        "SELECT m.id, m.delta, m.reason, m.note, m.stock_after, m.actor_id, p.name AS actor_name, \
           m.created_at FROM stock_movements m LEFT JOIN people p ON p.id = m.actor_id \
         WHERE m.goods_id = $1 AND m.id < $2 ORDER BY m.id DESC LIMIT $3",
    )
    .bind(goods_id)
    .bind(before_id)
    .bind(i64::from(limit))
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(|r| {
        Ok(StockMovement {
            id: r.try_get("id")?,
            delta: r.try_get("delta")?,
            reason: r.try_get("reason")?,
            note: r.try_get("note")?,
            stock_after: r.try_get("stock_after")?,
            actor_id: r.try_get("actor_id")?,
            actor_name: r.try_get("actor_name")?,
            created_at: crate::storage::rfc3339(r.try_get("created_at")?),
        })
    })
    .collect()
}

/// The ids of `person_id`'s reserved redemptions, oldest first.
pub async fn reserved_ids_of(tx: &mut Tx, person_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM redemptions WHERE person_id = $1 AND status = 'reserved' ORDER BY id",
    )
    .bind(person_id)
    .fetch_all(&mut **tx)
    .await
}

// ---- Payments of statements (结算付款): `shop_payments`, `shop_payment_goods` and
// `redemptions.payment_id` ([`super::payments`]).

/// Which handed-over redemptions of a shop a report counts (times: UTC ms, `[from, to)`).
#[derive(Debug, Clone, Copy)]
pub enum Handed {
    /// Handed over in `[from, to)`, paid or not (the counter's day).
    All { shop_id: i64, from: i64, to: i64 },
    /// Handed over in `[from, to)` and not paid yet.
    Unpaid { shop_id: i64, from: i64, to: i64 },
    /// Paid by the payment.
    PaidBy(i64),
}

impl Handed {
    /// The condition on `redemptions r` and its three binds.
    fn filter(self) -> (&'static str, [i64; 3]) {
        match self {
            Handed::All { shop_id, from, to } => (
                "r.shop_id = $1 AND r.status = 'fulfilled' \
                 AND r.settled_at >= $2 AND r.settled_at < $3",
                [shop_id, from, to],
            ),
            Handed::Unpaid { shop_id, from, to } => (
                "r.shop_id = $1 AND r.status = 'fulfilled' AND r.payment_id IS NULL \
                 AND r.settled_at >= $2 AND r.settled_at < $3",
                [shop_id, from, to],
            ),
            Handed::PaidBy(id) => (
                "r.payment_id = $1 AND r.settled_at >= $2 AND r.settled_at < $3",
                [id, 0, i64::MAX],
            ),
        }
    }
}

/// How many redemptions `which` holds, their points, and how many of them were handed over
/// before `late_before` (UTC ms).
pub async fn handed_totals<'e>(
    exec: impl sqlx::Executor<'e, Database = sqlx::Any>,
    which: Handed,
    late_before: i64,
) -> Result<(i64, i64, i64), sqlx::Error> {
    let (filter, [a, b, c]) = which.filter();
    let r = sqlx::query(&format!(
        "SELECT CAST(COUNT(*) AS BIGINT) AS n, CAST(COALESCE(SUM(r.points), 0) AS BIGINT) AS points, \
           CAST(COALESCE(SUM(CASE WHEN r.settled_at < $4 THEN 1 ELSE 0 END), 0) AS BIGINT) AS late \
         FROM redemptions r WHERE {filter}"
    ))
    .bind(a)
    .bind(b)
    .bind(c)
    .bind(late_before)
    .fetch_one(exec)
    .await?;
    Ok((r.try_get("n")?, r.try_get("points")?, r.try_get("late")?))
}

/// The goods of the redemptions `which` holds, at the prices of reservation time, named as
/// the goods are named now, by goods id.
pub async fn handed_goods<'e>(
    exec: impl sqlx::Executor<'e, Database = sqlx::Any>,
    which: Handed,
) -> Result<Vec<GoodsCount>, sqlx::Error> {
    let (filter, [a, b, c]) = which.filter();
    sqlx::query(&format!(
        "SELECT i.goods_id, MIN(g.name) AS name, CAST(SUM(i.qty) AS BIGINT) AS qty, \
           CAST(SUM(i.qty * i.unit_points) AS BIGINT) AS points, \
           CAST(SUM(i.qty * i.market_price_fen) AS BIGINT) AS value \
         FROM redemption_items i JOIN redemptions r ON r.id = i.redemption_id \
         JOIN shop_goods g ON g.id = i.goods_id \
         WHERE {filter} GROUP BY i.goods_id ORDER BY i.goods_id"
    ))
    .bind(a)
    .bind(b)
    .bind(c)
    .fetch_all(exec)
    .await?
    .iter()
    .map(goods_count)
    .collect()
}

fn goods_count(r: &AnyRow) -> Result<GoodsCount, sqlx::Error> {
    Ok(GoodsCount {
        goods_id: r.try_get("goods_id")?,
        name: r.try_get("name")?,
        qty: r.try_get("qty")?,
        points: r.try_get("points")?,
        market_value_fen: r.try_get("value")?,
    })
}

/// When the earliest redemption of the shop handed over before `before` and not paid yet
/// was handed over (UTC ms).
pub async fn earliest_unpaid<'e>(
    exec: impl sqlx::Executor<'e, Database = sqlx::Any>,
    shop_id: i64,
    before: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT MIN(settled_at) FROM redemptions \
         WHERE shop_id = $1 AND status = 'fulfilled' AND payment_id IS NULL AND settled_at < $2",
    )
    .bind(shop_id)
    .bind(before)
    .fetch_one(exec)
    .await
}

/// A payment as stored, with the name of who recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRow {
    pub id: i64,
    pub redemptions: i64,
    pub points: i64,
    pub market_value_fen: i64,
    pub late_redemptions: i64,
    pub reference: String,
    pub paid_on: String,
    pub actor_name: String,
    pub created_at: i64,
}

/// The payment of a shop's month (`YYYY-MM`), if it was paid.
pub async fn payment<'e>(
    exec: impl sqlx::Executor<'e, Database = sqlx::Any>,
    shop_id: i64,
    month: &str,
) -> Result<Option<PaymentRow>, sqlx::Error> {
    sqlx::query(
        "SELECT s.id, s.redemptions, s.points, s.market_value_fen, s.late_redemptions, \
           s.reference, s.paid_on, p.name AS actor_name, s.created_at \
         FROM shop_payments s JOIN people p ON p.id = s.actor_id \
         WHERE s.shop_id = $1 AND s.month = $2",
    )
    .bind(shop_id)
    .bind(month)
    .fetch_optional(exec)
    .await?
    .map(|r| {
        Ok(PaymentRow {
            id: r.try_get("id")?,
            redemptions: r.try_get("redemptions")?,
            points: r.try_get("points")?,
            market_value_fen: r.try_get("market_value_fen")?,
            late_redemptions: r.try_get("late_redemptions")?,
            reference: r.try_get("reference")?,
            paid_on: r.try_get("paid_on")?,
            actor_name: r.try_get("actor_name")?,
            created_at: r.try_get("created_at")?,
        })
    })
    .transpose()
}

/// The latest month of the shop that was paid (`YYYY-MM`).
pub async fn last_paid_month<'e>(
    exec: impl sqlx::Executor<'e, Database = sqlx::Any>,
    shop_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT MAX(month) FROM shop_payments WHERE shop_id = $1")
        .bind(shop_id)
        .fetch_one(exec)
        .await
}

/// The goods lines a payment paid, as they were at payment.
pub async fn payment_goods<'e>(
    exec: impl sqlx::Executor<'e, Database = sqlx::Any>,
    payment_id: i64,
) -> Result<Vec<GoodsCount>, sqlx::Error> {
    sqlx::query(
        "SELECT goods_id, name, qty, points, market_value_fen AS value \
         FROM shop_payment_goods WHERE payment_id = $1 ORDER BY goods_id",
    )
    .bind(payment_id)
    .fetch_all(exec)
    .await?
    .iter()
    .map(goods_count)
    .collect()
}

/// A payment to record (its figures are filled in by [`fill_payment`]).
pub struct NewPayment<'a> {
    pub shop_id: i64,
    pub month: &'a str,
    pub reference: &'a str,
    pub paid_on: &'a str,
    pub actor_id: i64,
}

/// Records a payment with zero figures and answers its id; `None` when the month was paid
/// already (by a transaction that committed first).
pub async fn insert_payment(
    tx: &mut Tx,
    p: &NewPayment<'_>,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO shop_payments (shop_id, month, redemptions, points, market_value_fen, \
           late_redemptions, reference, paid_on, actor_id, created_at) \
         VALUES ($1, $2, 0, 0, 0, 0, $3, $4, $5, $6) \
         ON CONFLICT (shop_id, month) DO NOTHING RETURNING id",
    )
    .bind(p.shop_id)
    .bind(p.month)
    .bind(p.reference)
    .bind(p.paid_on)
    .bind(p.actor_id)
    .bind(now)
    .fetch_optional(&mut **tx)
    .await
}

/// Marks the shop's unpaid redemptions handed over before `before` as paid by `payment_id`;
/// how many.
pub async fn mark_paid(
    tx: &mut Tx,
    payment_id: i64,
    shop_id: i64,
    before: i64,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE redemptions SET payment_id = $1 \
         WHERE shop_id = $2 AND status = 'fulfilled' AND payment_id IS NULL AND settled_at < $3",
    )
    .bind(payment_id)
    .bind(shop_id)
    .bind(before)
    .execute(&mut **tx)
    .await?
    .rows_affected())
}

/// Writes a payment's figures, its goods lines and its transfer (shop → settlement account).
pub async fn fill_payment(
    tx: &mut Tx,
    payment_id: i64,
    (redemptions, points, late): (i64, i64, i64),
    goods: &[GoodsCount],
    transfer_id: i64,
) -> Result<(), sqlx::Error> {
    let market_value_fen: i64 = goods.iter().map(|g| g.market_value_fen).sum();
    sqlx::query(
        "UPDATE shop_payments SET redemptions = $1, points = $2, market_value_fen = $3, \
           late_redemptions = $4, transfer_id = $5 WHERE id = $6",
    )
    .bind(redemptions)
    .bind(points)
    .bind(market_value_fen)
    .bind(late)
    .bind(transfer_id)
    .bind(payment_id)
    .execute(&mut **tx)
    .await?;
    for g in goods {
        sqlx::query(
            "INSERT INTO shop_payment_goods (payment_id, goods_id, name, qty, points, market_value_fen) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(payment_id)
        .bind(g.goods_id)
        .bind(&g.name)
        .bind(g.qty)
        .bind(g.points)
        .bind(g.market_value_fen)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
