//! The points supermarket (积分超市, the issue "Points supermarket and recycling"): shops,
//! their keepers and goods, stock changes, and redemptions ([`redemptions`]).
//!
//! Rules:
//! - a shop belongs to a village or a township (a township's shop serves all its villages)
//!   and has its own ledger account (kind `shop`, no overdraft): the points it has collected,
//!   which the township reimburses (政府买单);
//! - admins of the shop's region ([`crate::policy::Action::ManageShops`]) open shops, stock
//!   them and appoint keepers; a keeper gets the `keeper` role over the shop's region and is
//!   recorded as a keeper of that very shop: keeper authority is per shop
//!   ([`crate::policy::Action::KeepShop`] and `shop_keepers`);
//! - goods: name, points price, market price in fen, stock, per-person limit per county
//!   month. The county's rule that points prices sit below market value is checked as
//!   `points_price × POINT_VALUE_FEN ≤ market_price_fen` with one point reckoned at 10 fen
//!   ([`jifen_shared::shop::POINT_VALUE_FEN`]): a 300-fen bag of salt at most 30 points, a
//!   7,000-fen bottle of oil at most 700;
//! - stock changes by staff (restock, correction, write-off) are recorded with who and why in
//!   `stock_movements` and the audit log; stock never goes below zero (a conditional update,
//!   backed by a CHECK); a write-off says why (its note may not be empty);
//! - a shop can be renamed, closed (停业) and opened again by its admins. A closed shop is not
//!   listed to villagers (`GET /shops`) and refuses new reservations (`shop_closed`); the
//!   reservations already made are still handed over by its keepers, cancelled by the
//!   villager, or lapse and return their points, so no points are stranded. Its admins still
//!   see it, its goods and stock, and its keepers still see it in `GET /shop/kept`;
//! - goods may have a low-stock threshold: goods on the shelf at or below it are low on stock
//!   ([`jifen_shared::shop::Goods::low_on_stock`]) and on the admin's low-stock list (open
//!   shops only).
//!
//! The counter ([`counter`]) holds both QR token formats (the redemption token and the member
//! code, in [`counter::token`]) and names the villager at the counter, for redemptions and
//! recycling drop-offs ([`crate::recycling`]) alike.

pub mod counter;
pub mod payments;
pub mod redemptions;
pub mod reports;
pub mod routes;
pub mod storage;

use crate::error::DomainError;
use jifen_shared::ErrorCode;
use jifen_shared::Page;
use jifen_shared::auth::{Role, RoleGrant};
use jifen_shared::regions::{RegionCode, RegionLevel};
use jifen_shared::shop::{
    Created, Goods, GoodsUpdate, Keepers, LowStockGoods, NewGoods, NewKeeper, NewShop,
    POINT_VALUE_FEN, Shop, ShopDetail, ShopSummary, ShopUpdate, StockChange, StockMovement,
    StockReason,
};

use crate::audit::Record;
use crate::ledger::{self, AccountKind};
use crate::policy::{self, Action};
use crate::storage::{Db, Tx, now_ms};

/// The longest shop or goods name, in characters.
pub const MAX_NAME_CHARS: usize = 50;
/// The highest points price.
pub const MAX_POINTS_PRICE: i64 = 100_000;
/// The highest market price, in fen (1,000,000 yuan).
pub const MAX_MARKET_PRICE_FEN: i64 = 100_000_000;
/// The most units in stock, and the largest stock change.
pub const MAX_STOCK: i64 = 1_000_000;
/// The highest per-person monthly limit.
pub const MAX_LIMIT: i64 = 1000;
/// The longest stock-change note, in characters.
pub const MAX_NOTE_CHARS: usize = 200;

/// Why a shop, keeper, goods or stock change was refused.
#[derive(Debug, thiserror::Error)]
pub enum ShopError {
    #[error("village_code: {0} is not a loaded village or township")]
    NoSuchRegion(String),
    #[error("name: {0}")]
    Name(crate::text::NameError),
    #[error("name: {0} already has a shop called {1}")]
    Taken(String, String),
    #[error("no shop {0}")]
    NoSuchShop(i64),
    #[error("no goods {0}")]
    NoSuchGoods(i64),
    #[error("region_code: {0} is not a village, township or county code")]
    NotARegion(String),
    #[error("you are not an admin of {0}")]
    OutsideRegion(String),
    #[error("user_id: no person has the id {0}")]
    NoSuchPerson(i64),
    #[error("{0}")]
    Invalid(String),
    #[error("photo_id: {0} is not a photo you uploaded")]
    NotYourPhoto(i64),
    #[error("delta: the stock is {stock}; taking {wanted} would go below zero")]
    BelowZero { stock: i64, wanted: i64 },
    #[error(transparent)]
    Storage(#[from] sqlx::Error),
}

impl DomainError for ShopError {
    fn code(&self) -> ErrorCode {
        match self {
            ShopError::OutsideRegion(_) => ErrorCode::Forbidden,
            ShopError::NoSuchShop(_) | ShopError::NoSuchGoods(_) | ShopError::NoSuchPerson(_) => {
                ErrorCode::NotFound
            }
            ShopError::Taken(..) => ErrorCode::AlreadyExists,
            ShopError::BelowZero { .. } => ErrorCode::OutOfStock,
            ShopError::Storage(_) => ErrorCode::Internal,
            _ => ErrorCode::InvalidInput,
        }
    }

    fn wrapped(&self) -> Option<&dyn DomainError> {
        match self {
            ShopError::Storage(e) => Some(e),
            _ => None,
        }
    }
}

/// A shop's region: a loaded village or township.
async fn shop_region(db: &Db, code: &str) -> Result<RegionCode, ShopError> {
    let region = RegionCode::parse(code)
        .ok()
        .filter(|c| matches!(c.level(), RegionLevel::Village | RegionLevel::Township))
        .ok_or_else(|| ShopError::NoSuchRegion(code.to_owned()))?;
    if crate::regions::storage::find(db, region.as_str())
        .await?
        .is_none()
    {
        return Err(ShopError::NoSuchRegion(code.to_owned()));
    }
    Ok(region)
}

fn admin_of(grants: &[RoleGrant], region: &RegionCode) -> Result<(), ShopError> {
    if policy::may(grants, Action::ManageShops, region) {
        Ok(())
    } else {
        Err(ShopError::OutsideRegion(region.to_string()))
    }
}

/// The shop and its region, for an admin of that region.
async fn managed_shop(
    db: &Db,
    grants: &[RoleGrant],
    shop_id: i64,
) -> Result<(storage::ShopRow, RegionCode), ShopError> {
    let shop = storage::shop(db.reader(), shop_id)
        .await?
        .ok_or(ShopError::NoSuchShop(shop_id))?;
    let region =
        RegionCode::parse(&shop.region_code).map_err(|_| ShopError::NoSuchShop(shop_id))?;
    admin_of(grants, &region)?;
    Ok((shop, region))
}

/// Opens a shop (`POST /admin/shops`) with its own ledger account, by `actor_id` holding
/// `grants`; audited as `shop.create`.
///
/// Errors: [`ShopError::NoSuchRegion`], [`ShopError::OutsideRegion`], [`ShopError::Name`],
/// [`ShopError::Taken`].
pub async fn create_shop(
    db: &Db,
    actor_id: i64,
    grants: &[RoleGrant],
    request: &NewShop,
) -> Result<Created, ShopError> {
    let region = shop_region(db, &request.village_code).await?;
    admin_of(grants, &region)?;
    let name = crate::text::name(&request.name, MAX_NAME_CHARS).map_err(ShopError::Name)?;
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let account =
        ledger::storage::open_account(&mut tx, AccountKind::Shop, region.as_str(), now).await?;
    let id = storage::insert_shop(&mut tx, &name, region.as_str(), account, actor_id, now)
        .await?
        .ok_or_else(|| ShopError::Taken(region.to_string(), name.clone()))?;
    let record = Record {
        actor_id: Some(actor_id),
        action: "shop.create",
        region: &region,
        target: format!("shop:{id}"),
        before: None,
        after: Some(serde_json::json!({"name": name, "account_id": account})),
    };
    crate::audit::record(&mut tx, record, now).await?;
    tx.commit().await?;
    Ok(Created { id })
}

/// Whether `shop` serves villagers of `village`: the village's own shop, or its township's.
pub fn serves(shop: &storage::ShopRow, village: &RegionCode) -> bool {
    shop.region_code == village.as_str()
        || village
            .parent()
            .is_some_and(|t| t.as_str() == shop.region_code)
}

/// Whether `grants` hold the keeper role over a shop's region (`shop_region`). Keeping a shop
/// takes that and the appointment to the shop itself (`shop_keepers`): a keeper whose role was
/// revoked keeps nothing, even while the appointment row stays.
pub fn keeper_role_over(grants: &[RoleGrant], shop_region: &str) -> bool {
    RegionCode::parse(shop_region).is_ok_and(|r| policy::may(grants, Action::KeepShop, &r))
}

/// Whether `person_id` (holding `grants`) keeps `shop`: the keeper role over its region, and
/// appointed to that very shop.
pub async fn keeps(
    tx: &mut crate::storage::Tx,
    person_id: i64,
    grants: &[RoleGrant],
    shop_id: i64,
    shop_region: &str,
) -> Result<bool, sqlx::Error> {
    Ok(keeper_role_over(grants, shop_region) && storage::is_keeper(tx, shop_id, person_id).await?)
}

/// The shops `person_id` (holding `grants`) keeps, by id (`GET /shop/kept`).
pub async fn kept_shops(
    db: &Db,
    person_id: i64,
    grants: &[RoleGrant],
) -> Result<Vec<Shop>, sqlx::Error> {
    let mut list = Vec::new();
    for id in storage::kept_by(db, person_id).await? {
        if let Some(s) = storage::shop(db.reader(), id).await?
            && keeper_role_over(grants, &s.region_code)
        {
            list.push(Shop {
                id: s.id,
                name: s.name,
                village_code: s.region_code,
            });
        }
    }
    Ok(list)
}

/// The shops serving a village: its own and its township's (`GET /shops`).
pub async fn shops_for(db: &Db, village: &RegionCode) -> Result<Vec<Shop>, sqlx::Error> {
    let township = village.parent().unwrap_or_else(|| village.clone());
    storage::shops_in(db, village.as_str(), township.as_str()).await
}

/// Appoints a keeper (`POST /admin/shops/{id}/keepers`): the `keeper` role over the shop's
/// region and a keeper of this shop, in one transaction, audited as `shop.keeper.add` (and
/// `role.grant` when the role is new). The person must be one the admin may manage
/// ([`policy::may_manage_person`]). Appointing a keeper again changes nothing.
///
/// Errors: [`ShopError::NoSuchShop`], [`ShopError::OutsideRegion`],
/// [`ShopError::NoSuchPerson`].
pub async fn add_keeper(
    db: &Db,
    actor_id: i64,
    grants: &[RoleGrant],
    shop_id: i64,
    request: &NewKeeper,
) -> Result<Keepers, ShopError> {
    let (shop, region) = managed_shop(db, grants, shop_id).await?;
    let grant = RoleGrant {
        role: Role::Keeper,
        region_code: region.clone(),
    };
    if !policy::may_grant(grants, Role::Keeper, &region) {
        return Err(ShopError::OutsideRegion(region.to_string()));
    }
    let person = crate::auth::storage::account_by_id(db, request.user_id)
        .await?
        .ok_or(ShopError::NoSuchPerson(request.user_id))?;
    let village = person
        .village_code
        .as_deref()
        .and_then(|c| RegionCode::parse(c).ok());
    let roles = crate::auth::storage::roles(db, person.id).await?;
    if !policy::may_manage_person(grants, village.as_ref(), &roles) {
        return Err(ShopError::OutsideRegion(format!(
            "the region of person {}",
            person.id
        )));
    }
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    if crate::auth::storage::insert_role(&mut tx, person.id, &grant, now).await? {
        let record = Record {
            actor_id: Some(actor_id),
            action: "role.grant",
            region: &region,
            target: format!("person:{}", person.id),
            before: None,
            after: Some(serde_json::json!(grant)),
        };
        crate::audit::record(&mut tx, record, now).await?;
    }
    if storage::insert_keeper(&mut tx, shop.id, person.id, actor_id, now).await? {
        let record = Record {
            actor_id: Some(actor_id),
            action: "shop.keeper.add",
            region: &region,
            target: format!("shop:{}", shop.id),
            before: None,
            after: Some(serde_json::json!({"person_id": person.id})),
        };
        crate::audit::record(&mut tx, record, now).await?;
    }
    let keepers = keepers_of(&mut tx, shop.id).await?;
    tx.commit().await?;
    Ok(keepers)
}

/// The keepers of a shop, by id and named.
async fn keepers_of(tx: &mut crate::storage::Tx, shop_id: i64) -> Result<Keepers, sqlx::Error> {
    let keepers = storage::keepers(&mut **tx, shop_id).await?;
    Ok(Keepers {
        shop_id,
        keeper_ids: keepers.iter().map(|k| k.id).collect(),
        keepers,
    })
}

/// Removes a keeper of a shop (`DELETE /admin/shops/{id}/keepers/{user_id}`), audited as
/// `shop.keeper.remove`; when they keep no other shop of the shop's region, their `keeper`
/// role over it is revoked too (audited as `role.revoke`). Removing someone who is not a
/// keeper of the shop changes nothing.
///
/// Errors: [`ShopError::NoSuchShop`], [`ShopError::OutsideRegion`].
pub async fn remove_keeper(
    db: &Db,
    actor_id: i64,
    grants: &[RoleGrant],
    shop_id: i64,
    person_id: i64,
) -> Result<Keepers, ShopError> {
    let (shop, region) = managed_shop(db, grants, shop_id).await?;
    if !policy::may_grant(grants, Role::Keeper, &region) {
        return Err(ShopError::OutsideRegion(region.to_string()));
    }
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    if storage::delete_keeper(&mut tx, shop.id, person_id).await? {
        let record = Record {
            actor_id: Some(actor_id),
            action: "shop.keeper.remove",
            region: &region,
            target: format!("shop:{}", shop.id),
            before: Some(serde_json::json!({"person_id": person_id})),
            after: None,
        };
        crate::audit::record(&mut tx, record, now).await?;
        let grant = RoleGrant {
            role: Role::Keeper,
            region_code: region.clone(),
        };
        if storage::kept_in(&mut tx, person_id, region.as_str()).await? == 0
            && crate::auth::storage::delete_role(&mut tx, person_id, &grant).await?
        {
            let record = Record {
                actor_id: Some(actor_id),
                action: "role.revoke",
                region: &region,
                target: format!("person:{person_id}"),
                before: Some(serde_json::json!(grant)),
                after: None,
            };
            crate::audit::record(&mut tx, record, now).await?;
        }
    }
    let keepers = keepers_of(&mut tx, shop.id).await?;
    tx.commit().await?;
    Ok(keepers)
}

/// A region an admin lists shops of: a village, township or county the caller administers.
fn listed_region(grants: &[RoleGrant], code: &str) -> Result<RegionCode, ShopError> {
    let region = RegionCode::parse(code)
        .ok()
        .filter(|c| {
            matches!(
                c.level(),
                RegionLevel::Village | RegionLevel::Township | RegionLevel::County
            )
        })
        .ok_or_else(|| ShopError::NotARegion(code.to_owned()))?;
    admin_of(grants, &region)?;
    Ok(region)
}

/// The shops of a region and the regions inside it, closed ones too, for its admins
/// (`GET /admin/shops`), by region and id.
///
/// Errors: [`ShopError::NotARegion`], [`ShopError::OutsideRegion`].
pub async fn admin_shops(
    db: &Db,
    grants: &[RoleGrant],
    region_code: &str,
) -> Result<Vec<ShopSummary>, ShopError> {
    let region = listed_region(grants, region_code)?;
    Ok(storage::summaries(db.reader(), region.as_str(), None).await?)
}

/// The goods on the shelf of a region's open shops at or below their low-stock threshold
/// (`GET /admin/low-stock`), the emptiest first.
///
/// Errors: [`ShopError::NotARegion`], [`ShopError::OutsideRegion`].
pub async fn low_stock(
    db: &Db,
    grants: &[RoleGrant],
    region_code: &str,
) -> Result<Vec<LowStockGoods>, ShopError> {
    let region = listed_region(grants, region_code)?;
    Ok(storage::low_stock(db, region.as_str()).await?)
}

/// The summary of one shop.
async fn summary<'e>(
    exec: impl sqlx::Executor<'e, Database = sqlx::Any>,
    shop: &storage::ShopRow,
) -> Result<ShopSummary, ShopError> {
    storage::summaries(exec, &shop.region_code, Some(shop.id))
        .await?
        .pop()
        .ok_or(ShopError::NoSuchShop(shop.id))
}

/// A shop with all its goods and its keepers, for its admins (`GET /admin/shops/{id}`).
///
/// Errors: [`ShopError::NoSuchShop`], [`ShopError::OutsideRegion`].
pub async fn shop_detail(
    db: &Db,
    grants: &[RoleGrant],
    shop_id: i64,
) -> Result<ShopDetail, ShopError> {
    let (shop, _) = managed_shop(db, grants, shop_id).await?;
    Ok(ShopDetail {
        shop: summary(db.reader(), &shop).await?,
        goods: storage::goods_in(db, shop.id, false).await?,
        keepers: storage::keepers(db.reader(), shop.id).await?,
    })
}

/// Renames a shop, closes or opens it (`PUT /admin/shops/{id}`; closing: module docs),
/// audited as `shop.update` with before and after when something changed.
///
/// Errors: [`ShopError::NoSuchShop`], [`ShopError::OutsideRegion`], [`ShopError::Name`],
/// [`ShopError::Taken`].
pub async fn update_shop(
    db: &Db,
    actor_id: i64,
    grants: &[RoleGrant],
    shop_id: i64,
    request: &ShopUpdate,
) -> Result<ShopSummary, ShopError> {
    let (_, region) = managed_shop(db, grants, shop_id).await?;
    let name = crate::text::name(&request.name, MAX_NAME_CHARS).map_err(ShopError::Name)?;
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let before = storage::shop(&mut *tx, shop_id)
        .await?
        .ok_or(ShopError::NoSuchShop(shop_id))?;
    let closed_at = match request.closed {
        true => before.closed_at.or(Some(now)),
        false => None,
    };
    if !storage::update_shop(&mut tx, shop_id, &name, closed_at).await? {
        return Err(ShopError::Taken(region.to_string(), name));
    }
    if before.name != name || before.closed_at.is_some() != request.closed {
        let record = Record {
            actor_id: Some(actor_id),
            action: "shop.update",
            region: &region,
            target: format!("shop:{shop_id}"),
            before: Some(
                serde_json::json!({"name": before.name, "closed": before.closed_at.is_some()}),
            ),
            after: Some(serde_json::json!({"name": name, "closed": request.closed})),
        };
        crate::audit::record(&mut tx, record, now).await?;
    }
    let after = storage::shop(&mut *tx, shop_id)
        .await?
        .ok_or(ShopError::NoSuchShop(shop_id))?;
    let summary = summary(&mut *tx, &after).await?;
    tx.commit().await?;
    Ok(summary)
}

/// Checks a points price against the market price and the bounds (module docs).
fn check_prices(points_price: i64, market_price_fen: i64) -> Result<(), ShopError> {
    if !(1..=MAX_POINTS_PRICE).contains(&points_price) {
        return Err(ShopError::Invalid(format!(
            "points_price: a whole number of points from 1 to {MAX_POINTS_PRICE}"
        )));
    }
    if !(1..=MAX_MARKET_PRICE_FEN).contains(&market_price_fen) {
        return Err(ShopError::Invalid(format!(
            "market_price_fen: a whole number of fen from 1 to {MAX_MARKET_PRICE_FEN}"
        )));
    }
    if points_price * POINT_VALUE_FEN > market_price_fen {
        return Err(ShopError::Invalid(format!(
            "points_price: points prices sit below market value: at most {} points for \
             {market_price_fen} fen (a point counts as {POINT_VALUE_FEN} fen)",
            market_price_fen / POINT_VALUE_FEN
        )));
    }
    Ok(())
}

fn check_limit(limit: Option<i64>) -> Result<(), ShopError> {
    match limit {
        Some(l) if !(1..=MAX_LIMIT).contains(&l) => Err(ShopError::Invalid(format!(
            "per_person_limit: from 1 to {MAX_LIMIT} units a month, or null for no limit"
        ))),
        _ => Ok(()),
    }
}

fn check_threshold(threshold: Option<i64>) -> Result<(), ShopError> {
    match threshold {
        Some(t) if !(0..=MAX_STOCK).contains(&t) => Err(ShopError::Invalid(format!(
            "low_stock_threshold: from 0 to {MAX_STOCK} units, or null for none"
        ))),
        _ => Ok(()),
    }
}

/// Refuses `photo` unless `actor_id` uploaded it.
async fn check_photo(
    tx: &mut crate::storage::Tx,
    actor_id: i64,
    photo: Option<i64>,
) -> Result<(), ShopError> {
    if let Some(photo) = photo
        && crate::media::storage::not_owned(&mut **tx, actor_id, &[photo])
            .await?
            .is_some()
    {
        return Err(ShopError::NotYourPhoto(photo));
    }
    Ok(())
}

/// Adds goods to a shop (`POST /admin/shops/{id}/goods`), audited as `goods.create`; the
/// initial stock is recorded as a stock movement (`initial`).
///
/// The change is made in `tx` (the caller commits: [`crate::http::idempotency::run`] keeps a
/// retried request from adding the goods twice); the shop is read from `db` first.
///
/// Errors: [`ShopError::NoSuchShop`], [`ShopError::OutsideRegion`], [`ShopError::Name`],
/// [`ShopError::Invalid`] (prices, stock, limit), [`ShopError::NotYourPhoto`].
pub async fn create_goods(
    db: &Db,
    tx: &mut Tx,
    actor_id: i64,
    grants: &[RoleGrant],
    shop_id: i64,
    request: &NewGoods,
) -> Result<Goods, ShopError> {
    let (shop, region) = managed_shop(db, grants, shop_id).await?;
    let name = crate::text::name(&request.name, MAX_NAME_CHARS).map_err(ShopError::Name)?;
    check_prices(request.points_price, request.market_price_fen)?;
    if !(0..=MAX_STOCK).contains(&request.stock) {
        return Err(ShopError::Invalid(format!(
            "stock: from 0 to {MAX_STOCK} units"
        )));
    }
    check_limit(request.per_person_limit)?;
    check_threshold(request.low_stock_threshold)?;
    let now = now_ms();
    check_photo(tx, actor_id, request.photo_id).await?;
    let mut goods = Goods {
        id: 0,
        shop_id: shop.id,
        name,
        points_price: request.points_price,
        market_price_fen: request.market_price_fen,
        stock: request.stock,
        per_person_limit: request.per_person_limit,
        photo_id: request.photo_id,
        active: true,
        low_stock_threshold: request.low_stock_threshold,
    };
    goods.id = storage::insert_goods(tx, &goods, now).await?;
    storage::insert_movement(
        tx,
        goods.id,
        goods.stock,
        "initial",
        "",
        goods.stock,
        actor_id,
        now,
    )
    .await?;
    let record = Record {
        actor_id: Some(actor_id),
        action: "goods.create",
        region: &region,
        target: format!("goods:{}", goods.id),
        before: None,
        after: Some(serde_json::json!(goods)),
    };
    crate::audit::record(tx, record, now).await?;
    Ok(goods)
}

/// The goods and the region of their shop, for an admin of that region.
async fn managed_goods(
    db: &Db,
    grants: &[RoleGrant],
    goods_id: i64,
) -> Result<(Goods, RegionCode), ShopError> {
    let goods = storage::goods_by_id(db.reader(), goods_id)
        .await?
        .ok_or(ShopError::NoSuchGoods(goods_id))?;
    let (_, region) = managed_shop(db, grants, goods.shop_id).await?;
    Ok((goods, region))
}

/// Changes the name, photo, price and terms of goods from now on (`PUT /admin/goods/{id}`),
/// audited as `goods.update` with before and after. Reservations already made keep their
/// names and prices. A new photo must be one the caller uploaded; the goods' present photo
/// may be sent again whoever uploaded it.
///
/// Errors: [`ShopError::NoSuchGoods`], [`ShopError::OutsideRegion`], [`ShopError::Name`],
/// [`ShopError::Invalid`], [`ShopError::NotYourPhoto`].
pub async fn update_goods(
    db: &Db,
    actor_id: i64,
    grants: &[RoleGrant],
    goods_id: i64,
    request: &GoodsUpdate,
) -> Result<Goods, ShopError> {
    let (_, region) = managed_goods(db, grants, goods_id).await?;
    check_prices(request.points_price, request.market_price_fen)?;
    check_limit(request.per_person_limit)?;
    check_threshold(request.low_stock_threshold)?;
    let name = match &request.name {
        Some(n) => Some(crate::text::name(n, MAX_NAME_CHARS).map_err(ShopError::Name)?),
        None => None,
    };
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let before = storage::goods_by_id(&mut *tx, goods_id)
        .await?
        .ok_or(ShopError::NoSuchGoods(goods_id))?;
    if request.photo_id != before.photo_id {
        check_photo(&mut tx, actor_id, request.photo_id).await?;
    }
    let after = Goods {
        name: name.unwrap_or_else(|| before.name.clone()),
        photo_id: request.photo_id.or(before.photo_id),
        low_stock_threshold: request.low_stock_threshold,
        points_price: request.points_price,
        market_price_fen: request.market_price_fen,
        per_person_limit: request.per_person_limit,
        active: request.active,
        ..before.clone()
    };
    storage::update_goods(&mut tx, &after, now).await?;
    let record = Record {
        actor_id: Some(actor_id),
        action: "goods.update",
        region: &region,
        target: format!("goods:{goods_id}"),
        before: Some(serde_json::json!(before)),
        after: Some(serde_json::json!(after)),
    };
    crate::audit::record(&mut tx, record, now).await?;
    tx.commit().await?;
    Ok(after)
}

/// The goods on offer at a shop (active ones), by id (`GET /shops/{id}/goods`).
///
/// Errors: [`ShopError::NoSuchShop`].
pub async fn goods_of(db: &Db, shop_id: i64) -> Result<Vec<Goods>, ShopError> {
    storage::shop(db.reader(), shop_id)
        .await?
        .ok_or(ShopError::NoSuchShop(shop_id))?;
    Ok(storage::goods_in(db, shop_id, true).await?)
}

/// Changes stock (`POST /admin/goods/{id}/stock`): a restock adds, a write-off takes, a
/// correction either way; never below zero. Recorded in `stock_movements` and audited as
/// `goods.stock`.
///
/// The change is made in `tx` (the caller commits: a retried request with the same
/// `Idempotency-Key` changes stock once).
///
/// Errors: [`ShopError::NoSuchGoods`], [`ShopError::OutsideRegion`], [`ShopError::Invalid`]
/// (delta 0, beyond ±1,000,000, or of the wrong sign for the reason; a long note),
/// [`ShopError::BelowZero`].
pub async fn change_stock(
    db: &Db,
    tx: &mut Tx,
    actor_id: i64,
    grants: &[RoleGrant],
    goods_id: i64,
    request: &StockChange,
) -> Result<Goods, ShopError> {
    let (_, region) = managed_goods(db, grants, goods_id).await?;
    let delta = request.delta;
    if delta == 0 || delta.unsigned_abs() > MAX_STOCK as u64 {
        return Err(ShopError::Invalid(format!(
            "delta: a whole number of units from -{MAX_STOCK} to {MAX_STOCK}, not 0"
        )));
    }
    match request.reason {
        StockReason::Restock if delta < 0 => {
            return Err(ShopError::Invalid(
                "delta: a restock adds units (delta > 0)".into(),
            ));
        }
        StockReason::WriteOff if delta > 0 => {
            return Err(ShopError::Invalid(
                "delta: a write-off takes units (delta < 0)".into(),
            ));
        }
        _ => {}
    }
    let note = if request.note.trim().is_empty() {
        if request.reason == StockReason::WriteOff {
            return Err(ShopError::Invalid(
                "note: a write-off says why (过期, 破损…)".into(),
            ));
        }
        String::new()
    } else {
        crate::text::note(&request.note, MAX_NOTE_CHARS)
            .map_err(|e| ShopError::Invalid(format!("note: {e}")))?
    };
    let now = now_ms();
    let Some(stock) = storage::adjust_stock(tx, goods_id, delta, now).await? else {
        let stock = storage::goods_by_id(&mut **tx, goods_id)
            .await?
            .map(|g| g.stock)
            .unwrap_or(0);
        return Err(ShopError::BelowZero {
            stock,
            wanted: -delta,
        });
    };
    if stock > MAX_STOCK {
        return Err(ShopError::Invalid(format!(
            "delta: at most {MAX_STOCK} units in stock"
        )));
    }
    storage::insert_movement(
        tx,
        goods_id,
        delta,
        request.reason.as_str(),
        &note,
        stock,
        actor_id,
        now,
    )
    .await?;
    let record = Record {
        actor_id: Some(actor_id),
        action: "goods.stock",
        region: &region,
        target: format!("goods:{goods_id}"),
        before: Some(serde_json::json!({"stock": stock - delta})),
        after: Some(
            serde_json::json!({"stock": stock, "reason": request.reason.as_str(), "note": note}),
        ),
    };
    crate::audit::record(tx, record, now).await?;
    let goods = storage::goods_by_id(&mut **tx, goods_id)
        .await?
        .ok_or(ShopError::NoSuchGoods(goods_id))?;
    Ok(goods)
}

/// A goods item's stock changes by staff, newest first (`GET /admin/goods/{id}/movements`),
/// for the admins of its shop's region.
///
/// Errors: [`ShopError::NoSuchGoods`], [`ShopError::OutsideRegion`].
pub async fn movements(
    db: &Db,
    grants: &[RoleGrant],
    goods_id: i64,
    after_id: Option<i64>,
    limit: u32,
) -> Result<Page<StockMovement>, ShopError> {
    managed_goods(db, grants, goods_id).await?;
    let rows = storage::movements(db, goods_id, after_id.unwrap_or(i64::MAX), limit + 1).await?;
    Ok(Page::from_overfetch(rows, limit as usize, |m| m.id))
}
