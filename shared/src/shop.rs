//! The points supermarket (积分超市) on the wire: shops, goods, stock changes, redemptions
//! and the keeper's scan. Points are integers; market prices are integer fen (分) of CNY;
//! times are RFC 3339 strings in UTC.

use serde::{Deserialize, Serialize};

/// What one point is reckoned at, in fen, when checking a goods' points price against its
/// market price: 10 fen (1 角). The county's rule is that points prices sit below market
/// value, so `points_price × POINT_VALUE_FEN ≤ market_price_fen`: a 300-fen bag of salt may
/// cost at most 30 points (shops ask 10), a 7,000-fen bottle of oil at most 700 (shops ask
/// 100).
pub const POINT_VALUE_FEN: i64 = 10;

/// A shop of `GET /shops`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Shop {
    pub id: i64,
    pub name: String,
    /// The village (12 digits) or township (9 digits) the shop belongs to.
    pub village_code: String,
}

/// Body of `POST /admin/shops`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewShop {
    /// 1–50 characters, unique in the region.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 50))]
    pub name: String,
    /// The village or township (its code) the shop serves: a township's shop serves all its
    /// villages.
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "^([0-9]{9}|[0-9]{12})$", example = "410783101201")
    )]
    pub village_code: String,
}

/// Answer of a create: `{id}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Created {
    pub id: i64,
}

/// Body of `POST /admin/shops/{id}/keepers`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewKeeper {
    pub user_id: i64,
}

/// Answer of `POST /admin/shops/{id}/keepers` and `DELETE /admin/shops/{id}/keepers/{user_id}`:
/// the shop's keepers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Keepers {
    pub shop_id: i64,
    pub keeper_ids: Vec<i64>,
    /// The same keepers with their names, by id.
    #[serde(default)]
    pub keepers: Vec<Keeper>,
}

/// Goods of a shop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Goods {
    pub id: i64,
    pub shop_id: i64,
    pub name: String,
    /// Points per unit.
    pub points_price: i64,
    /// Market price per unit, in fen (shown crossed out).
    pub market_price_fen: i64,
    /// Units in stock, never below zero.
    pub stock: i64,
    /// Units one person may redeem per county month; `null`: no limit.
    pub per_person_limit: Option<i64>,
    pub photo_id: Option<i64>,
    pub active: bool,
    /// At or below this many units (active goods) the goods are low on stock (库存不足) and on
    /// the admin's low-stock list; `null`: no threshold.
    #[serde(default)]
    pub low_stock_threshold: Option<i64>,
}

impl Goods {
    /// Whether the goods are on the shelf and their stock is at or below their threshold.
    pub fn low_on_stock(&self) -> bool {
        self.active && self.low_stock_threshold.is_some_and(|t| self.stock <= t)
    }
}

/// Body of `POST /admin/shops/{id}/goods`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewGoods {
    /// 1–50 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 50))]
    pub name: String,
    /// 1–100,000 points, and `points_price × 10 ≤ market_price_fen` (see [`POINT_VALUE_FEN`]).
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100000))]
    pub points_price: i64,
    /// 1–100,000,000 fen.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100000000))]
    pub market_price_fen: i64,
    /// 0–1,000,000 units.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1000000))]
    pub stock: i64,
    /// 1–1,000 units per person per county month; `null` or absent: no limit.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1000))]
    pub per_person_limit: Option<i64>,
    /// A photo the caller uploaded (`POST /media`).
    #[serde(default)]
    pub photo_id: Option<i64>,
    /// 0–1,000,000 units; `null` or absent: no threshold (see [`Goods::low_stock_threshold`]).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1000000))]
    pub low_stock_threshold: Option<i64>,
}

/// Body of `PUT /admin/goods/{id}`: the goods' price and terms from now on (reservations
/// already made keep theirs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GoodsUpdate {
    /// As in [`NewGoods`].
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100000))]
    pub points_price: i64,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100000000))]
    pub market_price_fen: i64,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1000))]
    pub per_person_limit: Option<i64>,
    /// `false` takes the goods off the shelf (not listed, not redeemable).
    pub active: bool,
    /// A new name (1–50 characters); absent: unchanged. Reservations keep the name they were
    /// made with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 50))]
    pub name: Option<String>,
    /// A new photo the caller uploaded (`POST /media`), or the goods' present one; absent:
    /// unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo_id: Option<i64>,
    /// As in [`NewGoods`]: `null` or absent clears it.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1000000))]
    pub low_stock_threshold: Option<i64>,
}

/// Why stock changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StockReason {
    /// Goods arrived (进货).
    Restock,
    /// The count was wrong (盘点更正).
    Correction,
    /// Spoiled, broken or lost (报损).
    WriteOff,
}

impl StockReason {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            StockReason::Restock => "restock",
            StockReason::Correction => "correction",
            StockReason::WriteOff => "write_off",
        }
    }
}

/// Body of `POST /admin/goods/{id}/stock`: a restock adds (delta > 0), a write-off takes
/// (delta < 0) and must say why in `note`, a correction either way; never below zero.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StockChange {
    /// Units, non-zero, at most 1,000,000 either way.
    #[cfg_attr(feature = "openapi", schema(minimum = -1000000, maximum = 1000000))]
    pub delta: i64,
    pub reason: StockReason,
    /// 0–200 characters; 1–200 for a write-off (its reason: 过期, 破损…).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub note: String,
}

/// A keeper of a shop, named (the admin's shop screen).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Keeper {
    /// The person's id.
    pub id: i64,
    pub name: String,
}

/// A shop as its admins see it (`GET /admin/shops`): closed ones too, with counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShopSummary {
    pub id: i64,
    pub name: String,
    /// The village (12 digits) or township (9 digits) the shop belongs to.
    pub region_code: String,
    pub region_name: String,
    /// Closed (停业): not listed to villagers and no new reservations; reservations already
    /// made are still handed over or cancelled.
    pub closed: bool,
    /// Goods in all, on the shelf or not.
    pub goods: i64,
    /// Goods on the shelf at or below their low-stock threshold.
    pub low_stock: i64,
    /// Keepers appointed.
    pub keepers: i64,
}

/// Answer of `GET /admin/shops/{id}`: the shop, all its goods (off the shelf too, those on it
/// first, then by id) and its keepers by id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShopDetail {
    pub shop: ShopSummary,
    pub goods: Vec<Goods>,
    pub keepers: Vec<Keeper>,
}

/// Body of `PUT /admin/shops/{id}`: the shop's name and whether it is closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ShopUpdate {
    /// 1–50 characters, unique in the region.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 50))]
    pub name: String,
    /// `true` closes the shop (停业), `false` opens it again (see [`ShopSummary::closed`]).
    pub closed: bool,
}

/// Query of `GET /admin/shops` and `GET /admin/low-stock`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct AdminShopsQuery {
    /// A village, township or county the caller administers: its shops and those of the
    /// regions inside it.
    #[cfg_attr(
        feature = "openapi",
        param(pattern = "^([0-9]{6}|[0-9]{9}|[0-9]{12})$", example = "410783")
    )]
    pub region_code: String,
}

/// A line of `GET /admin/low-stock`: goods on the shelf of an open shop, at or below their
/// threshold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LowStockGoods {
    pub shop_name: String,
    pub goods: Goods,
}

/// A stock change made by staff (`GET /admin/goods/{id}/movements`). Redemptions move stock
/// too but are not listed here (they are the redemptions' lines), so `stock_after` is the
/// stock right after this change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StockMovement {
    pub id: i64,
    /// Units, + in, − out.
    pub delta: i64,
    /// `initial` (the stock the goods were added with), `restock`, `correction` or
    /// `write_off`.
    pub reason: String,
    /// Why (a write-off's reason, a delivery's note); may be empty.
    pub note: String,
    pub stock_after: i64,
    /// Who made it.
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    /// RFC 3339, UTC.
    pub created_at: String,
}

/// A line of `POST /redemptions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RedemptionLine {
    pub goods_id: i64,
    /// 1–100 units.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100))]
    pub qty: i64,
    /// The points price per unit the villager was shown, if the app sends it: when the price
    /// changed since, the redemption still takes the price of reservation time and its item
    /// says so in `price_changed_from`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seen_points: Option<i64>,
}

/// Body of `POST /redemptions` (I).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewRedemption {
    pub shop_id: i64,
    /// 1–20 lines, each goods at most once.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 20))]
    pub items: Vec<RedemptionLine>,
}

/// Where a redemption stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RedemptionStatus {
    /// Points and stock reserved; show the QR code at the counter (待兑换).
    Reserved,
    /// Handed over; the points went to the shop (已兑换).
    Fulfilled,
    /// Cancelled by the villager; points and stock returned (已取消).
    Cancelled,
    /// Not collected in time; points and stock returned (已过期).
    Expired,
}

impl RedemptionStatus {
    /// The wire and storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            RedemptionStatus::Reserved => "reserved",
            RedemptionStatus::Fulfilled => "fulfilled",
            RedemptionStatus::Cancelled => "cancelled",
            RedemptionStatus::Expired => "expired",
        }
    }

    /// Parses the wire and storage name.
    pub fn parse(s: &str) -> Option<RedemptionStatus> {
        [
            RedemptionStatus::Reserved,
            RedemptionStatus::Fulfilled,
            RedemptionStatus::Cancelled,
            RedemptionStatus::Expired,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
    }
}

/// A line of a redemption, at the price of reservation time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RedemptionItem {
    pub goods_id: i64,
    /// The goods' name when reserved.
    pub name: String,
    pub qty: i64,
    /// Points per unit when reserved (a later price change does not touch it).
    pub unit_points: i64,
    /// `qty × unit_points`.
    pub points: i64,
    /// Market price per unit when reserved, in fen.
    pub market_price_fen: i64,
    /// Only in the answer of `POST /redemptions`: the price per unit the villager was shown
    /// (`seen_points`) when it differs from `unit_points` (价格已变).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_changed_from: Option<i64>,
}

/// A redemption (兑换单).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Redemption {
    pub id: i64,
    pub shop_id: i64,
    pub shop_name: String,
    pub status: RedemptionStatus,
    /// Points in all.
    pub points: i64,
    pub items: Vec<RedemptionItem>,
    /// The signed, opaque token to show as a QR code: only to the villager, only while
    /// reserved.
    pub qr_token: Option<String>,
    /// 8 characters (no 0/O/1/I/L) to type when the camera fails: only to the villager, only
    /// while reserved.
    pub short_code: Option<String>,
    /// The villager's masked name (张*明): only to the keeper.
    pub villager_name: Option<String>,
    /// RFC 3339, UTC: after this the reservation lapses.
    pub expires_at: String,
    pub created_at: String,
    /// When it was fulfilled, cancelled or expired.
    pub settled_at: Option<String>,
    /// 代办: done for the villager by a proxy agent or family delegate (`null` otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy: Option<crate::proxy::ProxyNote>,
}

/// Body of `POST /shop/scan` (exactly one field): a QR read — a reservation's, or a villager's
/// member code (the app's or a printed member card's) — the reservation's short code typed
/// in, or a member card's number typed in. By the villager's code or card the answer is their
/// reservation to collect at the keeper's shops that lapses first: a villager without a phone
/// collects what a 代办员 reserved for them by showing their card (issue "Villagers without a
/// smartphone"); with two, the keeper scans again after handing the first over.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ScanRequest {
    #[serde(default)]
    pub qr_token: Option<String>,
    #[serde(default)]
    pub short_code: Option<String>,
    /// A member card's number (10 digits, spaces ignored).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_no: Option<String>,
}

/// Units of one goods.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GoodsCount {
    pub goods_id: i64,
    pub name: String,
    pub qty: i64,
    pub points: i64,
    /// Market value in fen.
    pub market_value_fen: i64,
}

/// A month's statement of one shop (结算单): what the township pays the shop for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShopSettlement {
    pub shop_id: i64,
    pub shop_name: String,
    /// The shop's village or township code.
    pub region_code: String,
    pub region_name: String,
    /// Redemptions handed over in the month.
    pub redemptions: i64,
    /// Points collected (the shop account's posted credits from them).
    pub points: i64,
    /// Market value of the goods handed over, in fen: the amount to reimburse.
    pub market_value_fen: i64,
    /// By goods, at the prices of reservation time.
    pub goods: Vec<GoodsCount>,
    /// Of `redemptions`, those handed over in an earlier month that was already paid when
    /// they were (a late one goes into the next month: a paid month never changes).
    pub late_redemptions: i64,
    /// How the month was paid; `None`: not paid (yet). A paid month's figures are the ones
    /// paid and never change.
    pub payment: Option<ShopPayment>,
    /// The shop's points the township has not paid for yet, all months (its account's
    /// balance now).
    pub unpaid_points: i64,
    /// Whether the caller may mark this month paid now (`POST /admin/shops/{id}/payments`):
    /// a township or county admin over the shop, the month over and not paid, no earlier
    /// month unpaid.
    pub may_pay: bool,
    /// The earliest earlier month with redemptions not yet paid, which must be paid first
    /// (`YYYY-MM`), if any.
    pub unpaid_before: Option<String>,
}

/// How a shop's month was paid (结算付款), recorded by a township admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShopPayment {
    /// The payment's reference, e.g. a bank transfer's number.
    pub reference: String,
    /// The day the township paid, `YYYY-MM-DD` (county calendar).
    pub paid_on: String,
    /// Who recorded it.
    pub paid_by_name: String,
    /// When it was recorded, RFC 3339 UTC.
    pub recorded_at: String,
}

/// Body of `POST /admin/shops/{id}/payments`: a shop's month paid.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewShopPayment {
    /// The county month paid, `YYYY-MM`; it must be over.
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "^2[0-9]{3}-(0[1-9]|1[0-2])$", example = "2026-11")
    )]
    pub month: String,
    /// The payment's reference, 1–[`MAX_PAYMENT_REFERENCE_CHARS`] characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub reference: String,
    /// The day the township paid, `YYYY-MM-DD`: in the month or after it, not in the future.
    #[cfg_attr(feature = "openapi", schema(format = Date, pattern = "^2[0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$", example = "2026-12-05"))]
    pub paid_on: String,
}

/// The longest payment reference, in characters.
pub const MAX_PAYMENT_REFERENCE_CHARS: usize = 64;

/// Answer of `GET /shop/settlements?month=YYYY-MM`: every shop the caller manages, for a
/// county month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Settlements {
    /// `YYYY-MM`, a month of the county's calendar.
    pub month: String,
    pub shops: Vec<ShopSettlement>,
}

/// How a villager's member code (the app's QR, or a printed member card's) begins:
/// `JFM1.<nonce>.<signature>`. The counter tells it from a reservation's QR by it.
pub const MEMBER_CODE_PREFIX: &str = "JFM1";

/// Whether a QR read is a villager's member code rather than a reservation's.
pub fn is_member_code(read: &str) -> bool {
    read.strip_prefix(MEMBER_CODE_PREFIX)
        .is_some_and(|rest| rest.starts_with('.'))
}

/// The alphabet of short codes: digits and capitals without 0, O, 1, I and L.
pub const SHORT_CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// A typed short code as stored: spaces and dashes dropped, upper case; `None` when it cannot
/// be one (not 8 characters of [`SHORT_CODE_ALPHABET`]).
pub fn normalize_short_code(typed: &str) -> Option<String> {
    normalize_code(typed, 8)
}

/// A typed code of `len` characters of [`SHORT_CODE_ALPHABET`] as stored (spaces and dashes
/// dropped, upper case), `None` when it cannot be one: short codes (8) and 代办 receipt numbers
/// (10, [`crate::proxy::normalize_receipt_no`]).
pub fn normalize_code(typed: &str, len: usize) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .take(len + 1)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (code.len() == len && code.bytes().all(|b| SHORT_CODE_ALPHABET.contains(&b))).then_some(code)
}

/// Query of `GET /shops`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct ShopsQuery {
    /// A village's 12-digit code.
    #[cfg_attr(
        feature = "openapi",
        param(pattern = "^[0-9]{12}$", example = "410783101201")
    )]
    pub village_code: String,
}

/// Query of `GET /shop/settlements`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct SettlementsQuery {
    /// A county month, `YYYY-MM`.
    #[cfg_attr(
        feature = "openapi",
        param(pattern = "^2[0-9]{3}-(0[1-9]|1[0-2])$", example = "2026-11")
    )]
    pub month: String,
    /// `json` (the default), `csv` or `xlsx`.
    #[serde(default)]
    pub format: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_codes_have_no_ambiguous_letters() {
        for c in b"01OIL" {
            assert!(!SHORT_CODE_ALPHABET.contains(c));
        }
        assert_eq!(
            normalize_short_code("abcd-2345").as_deref(),
            Some("ABCD2345")
        );
        assert_eq!(normalize_short_code("ABCD1234"), None);
        assert_eq!(normalize_short_code("ABC"), None);
    }
}
