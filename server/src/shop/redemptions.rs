//! Redemptions (兑换): two-phase and single use, on top of the ledger's pending transfers.
//!
//! - Reserve (`POST /redemptions`, idempotent): in one transaction the villager's and the
//!   shop's accounts are locked (so two requests of one villager take turns on both
//!   databases), each line's per-person monthly limit is checked (units reserved or
//!   fulfilled in the county month, [`crate::calendar`]), its stock taken by a conditional
//!   update that also reads the price — the price of the reservation, whatever happens to the
//!   goods later — and a pending transfer villager → shop reserves the points (the ledger
//!   refuses an overdraft). Any refusal rolls everything back.
//! - The villager gets a signed QR token and an 8-character short code ([`super::counter::token`], beside the member code);
//!   the reservation lapses after `JIFEN_REDEMPTION_TTL_HOURS` (24 by default).
//! - The keeper of that shop (and only that shop) scans the token or types the code and
//!   sees the villager's masked name, the items and the points; fulfilling posts the pending
//!   transfer. The status moves from `reserved` by one conditional update, so of two keepers
//!   at the same moment exactly one succeeds and the villager is debited once.
//! - The villager may cancel while reserved; a lapsed reservation is voided by the background
//!   sweep ([`sweep`], once a minute while the server runs) or when it is touched first (scan,
//!   fulfil). Either way the pending transfer is voided and the stock returns; a lapsed one
//!   no longer counts against the villager's limit even before that.

use crate::error::DomainError;
use jifen_shared::ErrorCode;
use std::collections::HashMap;

use jifen_shared::Page;
use jifen_shared::auth::RoleGrant;
use jifen_shared::points::mask_name;
use jifen_shared::regions::RegionCode;
use jifen_shared::shop::{
    NewRedemption, Redemption, RedemptionItem, RedemptionStatus, ScanRequest, normalize_short_code,
};

use super::counter::token;
use super::storage::{self, RedemptionRow};
use crate::auth::keys::Keys;
use crate::calendar::Calendar;
use crate::ledger::{self, AccountKind, LedgerError, NewTransfer};
use crate::storage::{Db, Tx, rfc3339};

/// The most lines in one redemption.
pub const MAX_LINES: usize = 20;
/// The most units of one goods in one redemption.
pub const MAX_QTY: i64 = 100;

/// Why a redemption could not be made, seen, handed over or cancelled.
#[derive(Debug, thiserror::Error)]
pub enum RedemptionError {
    #[error("{0}")]
    Invalid(String),
    #[error("only villagers registered in a village redeem points")]
    NotVillager,
    #[error("shop_id: no shop {0}")]
    NoSuchShop(i64),
    #[error("shop_id: shop {0} does not serve your village")]
    NotServed(i64),
    #[error("shop_id: {0} is closed")]
    ShopClosed(String),
    #[error("items: goods {0} are not sold at this shop")]
    NoSuchGoods(i64),
    #[error("items: {0} is no longer on offer")]
    Unavailable(String),
    #[error("items: {name}: {stock} left")]
    OutOfStock { name: String, stock: i64 },
    #[error("items: {name}: at most {limit} a month per person; {used} already")]
    LimitReached { name: String, limit: i64, used: i64 },
    #[error("not enough points: {available} available, {wanted} needed")]
    InsufficientPoints { available: i64, wanted: i64 },
    #[error("no such redemption")]
    NotFound,
    /// A member card or code was scanned: the villager has nothing reserved to collect.
    #[error("this villager has nothing reserved to collect")]
    NothingToCollect,
    #[error("this member card was reported lost and replaced: ask for the new card")]
    CardRevoked,
    #[error("this member card's account is closed")]
    PersonClosed,
    #[error("you do not keep the shop of this redemption")]
    NotKeeper,
    /// The keeper reserved it as the villager's proxy (代办): another keeper hands it over.
    #[error(
        "you reserved this for the villager as their proxy (代办): another keeper hands it over"
    )]
    OwnProxy,
    #[error("redemption {0} was already handed over")]
    AlreadyFulfilled(i64),
    #[error("redemption {0} is {status}: its points and stock have returned", status = .1.as_str())]
    Closed(i64, RedemptionStatus),
    #[error("redemption {0} is {status}; only a reserved one can be cancelled", status = .1.as_str())]
    NotCancellable(i64, RedemptionStatus),
    #[error(transparent)]
    Ledger(LedgerError),
    #[error(transparent)]
    Storage(#[from] sqlx::Error),
}

impl DomainError for RedemptionError {
    fn code(&self) -> ErrorCode {
        match self {
            RedemptionError::Invalid(_) | RedemptionError::NoSuchGoods(_) => {
                ErrorCode::InvalidInput
            }
            RedemptionError::NotVillager
            | RedemptionError::NotServed(_)
            | RedemptionError::NotKeeper => ErrorCode::Forbidden,
            RedemptionError::OwnProxy => ErrorCode::OwnProxyAction,
            RedemptionError::NoSuchShop(_)
            | RedemptionError::NotFound
            | RedemptionError::NothingToCollect => ErrorCode::NotFound,
            RedemptionError::CardRevoked => ErrorCode::CardRevoked,
            RedemptionError::PersonClosed => ErrorCode::PersonClosed,
            RedemptionError::Unavailable(_) => ErrorCode::GoodsUnavailable,
            RedemptionError::ShopClosed(_) => ErrorCode::ShopClosed,
            RedemptionError::OutOfStock { .. } => ErrorCode::OutOfStock,
            RedemptionError::LimitReached { .. } => ErrorCode::LimitReached,
            RedemptionError::InsufficientPoints { .. } => ErrorCode::InsufficientPoints,
            RedemptionError::AlreadyFulfilled(_) => ErrorCode::AlreadyFulfilled,
            RedemptionError::Closed(..) => ErrorCode::Expired,
            RedemptionError::NotCancellable(..) => ErrorCode::NotCancellable,
            RedemptionError::Ledger(_) | RedemptionError::Storage(_) => ErrorCode::Internal,
        }
    }

    fn wrapped(&self) -> Option<&dyn DomainError> {
        match self {
            RedemptionError::Storage(e) => Some(e),
            _ => None,
        }
    }
}

impl From<LedgerError> for RedemptionError {
    fn from(e: LedgerError) -> Self {
        match e {
            LedgerError::InsufficientPoints { available, wanted } => {
                RedemptionError::InsufficientPoints { available, wanted }
            }
            LedgerError::Storage(e) => RedemptionError::Storage(e),
            e => RedemptionError::Ledger(e),
        }
    }
}

/// Who a redemption is shown to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Viewer {
    /// The villager: with the QR token and short code while reserved.
    Owner,
    /// The keeper: with the villager's masked name.
    Keeper,
}

/// Reserves points and stock for `person_id` inside `tx` at `now` (UTC ms); the reservation
/// lapses `ttl_ms` later. Answers the redemption with its QR token and short code.
///
/// Errors: [`RedemptionError::Invalid`] (no lines, more than [`MAX_LINES`], a goods twice, a
/// quantity outside 1–[`MAX_QTY`]), [`RedemptionError::NotVillager`],
/// [`RedemptionError::NoSuchShop`], [`RedemptionError::NotServed`],
/// [`RedemptionError::ShopClosed`],
/// [`RedemptionError::NoSuchGoods`], [`RedemptionError::Unavailable`],
/// [`RedemptionError::LimitReached`], [`RedemptionError::OutOfStock`],
/// [`RedemptionError::InsufficientPoints`]. The caller rolls `tx` back on any error.
pub async fn reserve(
    tx: &mut Tx,
    keys: &Keys,
    calendar: &Calendar,
    ttl_ms: i64,
    person_id: i64,
    request: &NewRedemption,
    now: i64,
) -> Result<Redemption, RedemptionError> {
    let mut lines = request.items.clone();
    if lines.is_empty() || lines.len() > MAX_LINES {
        return Err(RedemptionError::Invalid(format!(
            "items: 1 to {MAX_LINES} lines"
        )));
    }
    if let Some(bad) = lines.iter().find(|l| !(1..=MAX_QTY).contains(&l.qty)) {
        return Err(RedemptionError::Invalid(format!(
            "items: qty must be a whole number from 1 to {MAX_QTY}, not {}",
            bad.qty
        )));
    }
    lines.sort_by_key(|l| l.goods_id);
    if lines.windows(2).any(|w| w[0].goods_id == w[1].goods_id) {
        return Err(RedemptionError::Invalid(
            "items: each goods at most once (add up the quantity)".into(),
        ));
    }
    let person = crate::people::storage::find_many_in(tx, &[person_id])
        .await?
        .pop()
        .ok_or(RedemptionError::NotVillager)?;
    let village = person.village().ok_or(RedemptionError::NotVillager)?;
    let shop = storage::shop(&mut **tx, request.shop_id)
        .await?
        .ok_or(RedemptionError::NoSuchShop(request.shop_id))?;
    if !super::serves(&shop, &village) {
        return Err(RedemptionError::NotServed(shop.id));
    }
    if shop.closed_at.is_some() {
        return Err(RedemptionError::ShopClosed(shop.name));
    }
    let villager =
        ledger::account(tx, AccountKind::Villager, village.as_str(), Some(person_id)).await?;
    ledger::lock_accounts(tx, &mut vec![villager, shop.account_id]).await?;
    let month = calendar.month(now);
    let mut items = Vec::with_capacity(lines.len());
    for line in &lines {
        let goods = storage::goods_by_id(&mut **tx, line.goods_id)
            .await?
            .filter(|g| g.shop_id == shop.id)
            .ok_or(RedemptionError::NoSuchGoods(line.goods_id))?;
        if !goods.active {
            return Err(RedemptionError::Unavailable(goods.name));
        }
        if let Some(limit) = goods.per_person_limit {
            let used = storage::redeemed_in(tx, person_id, goods.id, month, now).await?;
            if used + line.qty > limit {
                return Err(RedemptionError::LimitReached {
                    name: goods.name,
                    limit,
                    used,
                });
            }
        }
        let Some(taken) = storage::take_stock(tx, goods.id, line.qty).await? else {
            let now_goods = storage::goods_by_id(&mut **tx, goods.id).await?;
            return Err(match now_goods {
                Some(g) if !g.active => RedemptionError::Unavailable(g.name),
                g => RedemptionError::OutOfStock {
                    name: goods.name,
                    stock: g.map(|g| g.stock).unwrap_or(0),
                },
            });
        };
        super::watch_stock(tx, taken.id, now).await?;
        items.push(RedemptionItem {
            goods_id: taken.id,
            name: taken.name,
            qty: line.qty,
            unit_points: taken.points_price,
            points: line.qty * taken.points_price,
            market_price_fen: taken.market_price_fen,
            price_changed_from: line.seen_points.filter(|&p| p != taken.points_price),
        });
    }
    let points: i64 = items.iter().map(|i| i.points).sum();
    let nonce = token::new_nonce();
    let expires_at = now + ttl_ms;
    let mut id = None;
    for _ in 0..8 {
        let code = token::new_short_code();
        id = storage::insert_redemption(
            tx, person_id, shop.id, points, &nonce, &code, expires_at, now,
        )
        .await?;
        if id.is_some() {
            break;
        }
    }
    let id = id.ok_or_else(|| {
        RedemptionError::Storage(sqlx::Error::Protocol(
            "no free short code after 8 draws".into(),
        ))
    })?;
    let (transfer, _) = ledger::transfer(
        tx,
        &NewTransfer {
            key: format!("redemption:{id}:reserve"),
            debit_account_id: villager,
            credit_account_id: shop.account_id,
            amount: points,
            reason: "redemption".into(),
            reference: Some(format!("redemption:{id}")),
            actor_id: Some(person_id),
        },
        true,
    )
    .await?;
    storage::set_transfer(tx, id, transfer.id).await?;
    for item in &items {
        storage::insert_item(tx, id, item).await?;
    }
    let row = storage::redemption_by_id(&mut **tx, id)
        .await?
        .ok_or(RedemptionError::NotFound)?;
    Ok(view(keys, row, items, Viewer::Owner, None, now))
}

/// The redemption as `viewer` sees it. A reserved one past its expiry shows as `expired`.
fn view(
    keys: &Keys,
    row: RedemptionRow,
    items: Vec<RedemptionItem>,
    viewer: Viewer,
    villager_name: Option<String>,
    now: i64,
) -> Redemption {
    let status = match row.status {
        RedemptionStatus::Reserved if row.expires_at <= now => RedemptionStatus::Expired,
        s => s,
    };
    let open = status == RedemptionStatus::Reserved && viewer == Viewer::Owner;
    Redemption {
        id: row.id,
        shop_id: row.shop_id,
        shop_name: row.shop_name,
        status,
        points: row.points,
        items,
        qr_token: open.then(|| {
            token::sign(
                &keys.redemption,
                token::Purpose::Redemption,
                &row.token_nonce,
            )
        }),
        short_code: open.then_some(row.short_code),
        villager_name: villager_name.filter(|_| viewer == Viewer::Keeper),
        expires_at: rfc3339(row.expires_at),
        created_at: rfc3339(row.created_at),
        settled_at: row.settled_at.map(rfc3339),
        proxy: row.proxy,
    }
}

async fn items_in(tx: &mut Tx, id: i64) -> Result<Vec<RedemptionItem>, sqlx::Error> {
    Ok(storage::items_of(&mut **tx, &[id])
        .await?
        .into_iter()
        .map(|(_, i)| i)
        .collect())
}

/// The person's redemptions, newest first (`GET /redemptions/mine`); `after_id` is the
/// previous page's `next_cursor`.
pub async fn mine(
    db: &Db,
    keys: &Keys,
    person_id: i64,
    after_id: Option<i64>,
    limit: u32,
    now: i64,
) -> Result<Page<Redemption>, sqlx::Error> {
    let rows =
        storage::redemptions_of(db, person_id, after_id.unwrap_or(i64::MAX), limit + 1).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut items: HashMap<i64, Vec<RedemptionItem>> = HashMap::new();
    for (id, item) in storage::items_of(db.reader(), &ids).await? {
        items.entry(id).or_default().push(item);
    }
    let list = rows
        .into_iter()
        .map(|r| {
            let lines = items.remove(&r.id).unwrap_or_default();
            view(keys, r, lines, Viewer::Owner, None, now)
        })
        .collect();
    Ok(Page::from_overfetch(list, limit as usize, |r| r.id))
}

/// Voids a reserved redemption's pending transfer and returns its stock, moving it to
/// `status` (cancelled or expired) by `by`; `false` when it was no longer reserved.
async fn release(
    tx: &mut Tx,
    row: &RedemptionRow,
    status: RedemptionStatus,
    by: Option<i64>,
    now: i64,
) -> Result<bool, RedemptionError> {
    if !storage::settle_status(tx, row.id, status, by, now, None).await? {
        return Ok(false);
    }
    if let Some(transfer) = row.transfer_id {
        ledger::settle(
            tx,
            transfer,
            false,
            &format!("redemption:{}:void", row.id),
            by,
        )
        .await?;
    }
    for item in items_in(tx, row.id).await? {
        storage::return_stock(tx, item.goods_id, item.qty).await?;
        super::watch_stock(tx, item.goods_id, now).await?;
    }
    Ok(true)
}

/// How many lapsed reservations one sweep lets go at most (the next sweep takes the rest).
pub const SWEEP_BATCH: i64 = 200;

/// Lets reservations past their expiry lapse (the background sweep): each voided, its stock
/// returned and marked `expired`, in its own transaction, so a keeper handing one over at
/// that very moment either wins (and the sweep skips it) or finds it expired; one that fails
/// is logged and skipped. Answers how many lapsed.
pub async fn sweep(db: &Db, now: i64) -> Result<usize, RedemptionError> {
    let mut lapsed = 0;
    for id in storage::lapsed_ids(db, now, SWEEP_BATCH).await? {
        match lapse_one(db, id, now).await {
            Ok(true) => lapsed += 1,
            Ok(false) => {}
            Err(e) => tracing::error!(redemption = id, error = %e, "a redemption could not lapse"),
        }
    }
    Ok(lapsed)
}

/// Redemption `id` as it stands in `tx`; [`RedemptionError::NotFound`] when there is none.
async fn existing(tx: &mut Tx, id: i64) -> Result<storage::RedemptionRow, RedemptionError> {
    storage::redemption_by_id(&mut **tx, id)
        .await?
        .ok_or(RedemptionError::NotFound)
}

/// Lets redemption `id` lapse if it is still reserved past its expiry; whether it did.
async fn lapse_one(db: &Db, id: i64, now: i64) -> Result<bool, RedemptionError> {
    let mut tx = db.begin_write().await?;
    let Some(row) = storage::redemption_by_id(&mut *tx, id).await? else {
        return Ok(false);
    };
    if row.status == RedemptionStatus::Reserved
        && row.expires_at <= now
        && release(&mut tx, &row, RedemptionStatus::Expired, None, now).await?
    {
        tx.commit().await?;
        return Ok(true);
    }
    Ok(false)
}

/// Whether `keeper_id` (holding `grants`) keeps the redemption's shop: the keeper role over
/// its region, and appointed to that very shop.
async fn check_keeper(
    tx: &mut Tx,
    keeper_id: i64,
    grants: &[RoleGrant],
    row: &RedemptionRow,
) -> Result<(), RedemptionError> {
    if !super::keeps(tx, keeper_id, grants, row.shop_id, &row.shop_region).await? {
        return Err(RedemptionError::NotKeeper);
    }
    // A second person checks every proxy act: who reserved it for the villager does not
    // also hand it over (issue "Villagers without a smartphone").
    if crate::proxy::did(tx, &format!("redemption:{}", row.id), keeper_id).await? {
        return Err(RedemptionError::OwnProxy);
    }
    Ok(())
}

/// Lets a reservation past its expiry lapse (voided, stock returned, `expired`) and commits
/// that; answers the error to report.
async fn lapse(mut tx: Tx, row: &RedemptionRow, now: i64) -> RedemptionError {
    match release(&mut tx, row, RedemptionStatus::Expired, None, now).await {
        Ok(_) => match tx.commit().await {
            Ok(()) => RedemptionError::Closed(row.id, RedemptionStatus::Expired),
            Err(e) => e.into(),
        },
        Err(e) => e,
    }
}

async fn keeper_view(
    db: &Db,
    keys: &Keys,
    row: RedemptionRow,
    now: i64,
) -> Result<Redemption, RedemptionError> {
    let items = storage::items_of(db.reader(), &[row.id])
        .await?
        .into_iter()
        .map(|(_, i)| i)
        .collect();
    let name = crate::people::storage::find(db, row.person_id)
        .await?
        .map(|p| mask_name(&p.name));
    Ok(view(keys, row, items, Viewer::Keeper, name, now))
}

/// The keeper's preview at the counter (`POST /shop/scan`): by QR token or short code, or by
/// the villager's member code or card number (their reservation at the keeper's shops that
/// lapses first), the villager's masked name, items and points. A reservation past its expiry
/// lapses now.
///
/// Errors: [`RedemptionError::Invalid`] (not exactly one field; a card number without its
/// check digit), [`RedemptionError::CardRevoked`], [`RedemptionError::NothingToCollect`],
/// [`RedemptionError::NotFound`] (a forged or tampered token, a code never given out), [`RedemptionError::NotKeeper`] (another shop's keeper),
/// [`RedemptionError::AlreadyFulfilled`], [`RedemptionError::Closed`].
pub async fn scan(
    db: &Db,
    keys: &Keys,
    keeper_id: i64,
    grants: &[RoleGrant],
    request: &ScanRequest,
    now: i64,
) -> Result<Redemption, RedemptionError> {
    use crate::shop::counter::{self, CardLookup};
    let mut tx = db.begin_write().await?;
    let card = match (
        request.qr_token.as_deref(),
        request.short_code.as_deref(),
        request.card_no.as_deref(),
    ) {
        (Some(t), None, None) => {
            match token::verify(&keys.redemption, token::Purpose::Redemption, t) {
                Some(nonce) => Err(storage::redemption_by_nonce(&mut tx, &nonce).await?),
                None => Ok(counter::lookup_code(&mut tx, keys, t).await?),
            }
        }
        (None, Some(c), None) => Err(match normalize_short_code(c) {
            Some(code) => storage::redemption_by_code(&mut tx, &code).await?,
            None => None,
        }),
        (None, None, Some(no)) => match jifen_shared::proxy::normalize_card_no(no) {
            Some(no) => Ok(counter::lookup_card(&mut tx, &no).await?),
            None => {
                return Err(RedemptionError::Invalid(
                    "card_no: 10 digits with a valid check digit".into(),
                ));
            }
        },
        _ => {
            return Err(RedemptionError::Invalid(
                "give one of qr_token, short_code and card_no".into(),
            ));
        }
    };
    let row = match card {
        Err(found) => found.ok_or(RedemptionError::NotFound)?,
        Ok(CardLookup::Person(id)) => to_collect(&mut tx, keeper_id, grants, id, now).await?,
        Ok(CardLookup::Revoked) => return Err(RedemptionError::CardRevoked),
        Ok(CardLookup::Closed) => return Err(RedemptionError::PersonClosed),
        Ok(CardLookup::Unknown) => return Err(RedemptionError::NotFound),
    };
    check_keeper(&mut tx, keeper_id, grants, &row).await?;
    match row.status {
        RedemptionStatus::Fulfilled => return Err(RedemptionError::AlreadyFulfilled(row.id)),
        RedemptionStatus::Reserved if row.expires_at <= now => {
            return Err(lapse(tx, &row, now).await);
        }
        RedemptionStatus::Reserved => {}
        s => return Err(RedemptionError::Closed(row.id, s)),
    }
    drop(tx);
    keeper_view(db, keys, row, now).await
}

/// The reservation of `person_id` that `keeper_id` may hand over (at a shop they keep, not
/// reserved by them as the villager's proxy) that lapses first.
///
/// Errors: [`RedemptionError::OwnProxy`] (theirs here were all reserved by this keeper as
/// their proxy), [`RedemptionError::NotKeeper`] (theirs are all at other shops),
/// [`RedemptionError::NothingToCollect`].
async fn to_collect(
    tx: &mut Tx,
    keeper_id: i64,
    grants: &[RoleGrant],
    person_id: i64,
    now: i64,
) -> Result<RedemptionRow, RedemptionError> {
    let open = storage::reserved_of(tx, person_id, now).await?;
    // Why none is answered, when none is: the keeper's own proxy reservations first.
    let mut refusal = RedemptionError::NothingToCollect;
    for row in open {
        match check_keeper(tx, keeper_id, grants, &row).await {
            Ok(()) => return Ok(row),
            Err(RedemptionError::OwnProxy) => refusal = RedemptionError::OwnProxy,
            Err(RedemptionError::NotKeeper) => {
                if !matches!(refusal, RedemptionError::OwnProxy) {
                    refusal = RedemptionError::NotKeeper;
                }
            }
            Err(e) => return Err(e),
        }
    }
    Err(refusal)
}

/// Hands a reserved redemption over (`POST /shop/redemptions/{id}/fulfil`): posts the pending
/// transfer, audited as `redemption.fulfil`. Exactly one of any number of concurrent calls
/// succeeds; the same keeper again answers the redemption as it is (a retried tap).
///
/// Errors: [`RedemptionError::NotFound`], [`RedemptionError::NotKeeper`],
/// [`RedemptionError::AlreadyFulfilled`], [`RedemptionError::Closed`] (cancelled, or expired —
/// then voided now).
pub async fn fulfil(
    db: &Db,
    keys: &Keys,
    keeper_id: i64,
    grants: &[RoleGrant],
    id: i64,
    now: i64,
) -> Result<Redemption, RedemptionError> {
    let mut tx = db.begin_write().await?;
    let row = existing(&mut tx, id).await?;
    check_keeper(&mut tx, keeper_id, grants, &row).await?;
    if storage::settle_status(
        &mut tx,
        id,
        RedemptionStatus::Fulfilled,
        Some(keeper_id),
        now,
        Some(now),
    )
    .await?
    {
        let transfer = row.transfer_id.ok_or(RedemptionError::NotFound)?;
        ledger::settle(
            &mut tx,
            transfer,
            true,
            &format!("redemption:{id}:fulfil"),
            Some(keeper_id),
        )
        .await?;
        let region = RegionCode::parse(&row.shop_region).map_err(|_| RedemptionError::NotKeeper)?;
        let record = crate::audit::Record {
            actor_id: Some(keeper_id),
            action: "redemption.fulfil",
            region: &region,
            target: format!("redemption:{id}"),
            before: Some(serde_json::json!({"status": "reserved"})),
            after: Some(serde_json::json!({"status": "fulfilled", "points": row.points})),
        };
        crate::audit::record(&mut tx, record, now).await?;
        let text = format!(
            "您在“{}”的兑换已领取，扣除 {} 积分",
            row.shop_name, row.points
        );
        crate::inbox::notify(
            &mut tx,
            row.person_id,
            "redemption_fulfilled",
            &text,
            &format!("redemption:{id}"),
            now,
        )
        .await?;
        tx.commit().await?;
    } else {
        // Another transaction settled it first (and has committed: its row lock is gone),
        // or it lapsed.
        let now_row = existing(&mut tx, id).await?;
        match now_row.status {
            RedemptionStatus::Fulfilled if now_row.settled_by == Some(keeper_id) => {}
            RedemptionStatus::Fulfilled => return Err(RedemptionError::AlreadyFulfilled(id)),
            RedemptionStatus::Reserved => return Err(lapse(tx, &now_row, now).await),
            s => return Err(RedemptionError::Closed(id, s)),
        }
        drop(tx);
    }
    let row = storage::redemption_by_id(db.reader(), id)
        .await?
        .ok_or(RedemptionError::NotFound)?;
    keeper_view(db, keys, row, now).await
}

/// Cancels the person's reserved redemption (`POST /redemptions/{id}/cancel`): the pending
/// transfer is voided and the stock returns. Cancelling again answers it as it is.
///
/// Errors: [`RedemptionError::NotFound`] (no such redemption of this person),
/// [`RedemptionError::NotCancellable`] (fulfilled or expired).
pub async fn cancel(
    db: &Db,
    keys: &Keys,
    person_id: i64,
    id: i64,
    now: i64,
) -> Result<Redemption, RedemptionError> {
    let mut tx = db.begin_write().await?;
    let row = storage::redemption_by_id(&mut *tx, id)
        .await?
        .filter(|r| r.person_id == person_id)
        .ok_or(RedemptionError::NotFound)?;
    if !release(
        &mut tx,
        &row,
        RedemptionStatus::Cancelled,
        Some(person_id),
        now,
    )
    .await?
    {
        let now_row = existing(&mut tx, id).await?;
        if now_row.status != RedemptionStatus::Cancelled {
            return Err(RedemptionError::NotCancellable(id, now_row.status));
        }
    }
    let row = existing(&mut tx, id).await?;
    let items = items_in(&mut tx, id).await?;
    tx.commit().await?;
    Ok(view(keys, row, items, Viewer::Owner, None, now))
}

/// Cancels every reserved redemption of `person_id` inside `tx` (their account is being
/// closed, `crate::people::villager`), by `by`: each pending transfer voided, the stock
/// returned, as [`cancel`] does; the ids cancelled.
pub async fn cancel_all_of(
    tx: &mut Tx,
    person_id: i64,
    by: Option<i64>,
    now: i64,
) -> Result<Vec<i64>, RedemptionError> {
    let mut cancelled = Vec::new();
    for id in storage::reserved_ids_of(tx, person_id).await? {
        let row = existing(tx, id).await?;
        if release(tx, &row, RedemptionStatus::Cancelled, by, now).await? {
            cancelled.push(id);
        }
    }
    Ok(cancelled)
}
