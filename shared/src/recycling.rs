//! Recycling for points (垃圾—积分—商品) and the keeper's counter on the wire: the county's
//! recycling categories, a villager's member code, drop-offs, and the keeper's day.
//! Weights are integer grams; rates are points per kilogram; times are RFC 3339 in UTC.

use serde::{Deserialize, Serialize};

/// The highest rate a county sets, in points per kilogram (the lowest is 1).
pub const MAX_RATE: i64 = 1000;
/// The longest category name, in characters.
pub const MAX_NAME_CHARS: usize = 20;

/// A recycling category (回收品类) of `GET /recycling/categories`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecyclingCategory {
    pub id: i64,
    /// Stable within its scope (`paper`, `plastic_bottles`…); a county's own category of the
    /// same code replaces the shipped one.
    pub code: String,
    /// 废纸, 塑料瓶…
    pub name: String,
    /// Points credited per kilogram; each line earns `floor(grams × points_per_kg / 1000)`.
    pub points_per_kg: i64,
    pub active: bool,
    /// The county (6 digits) that set it; `None` for the shipped catalogue.
    pub county_code: Option<String>,
}

/// Body of `PUT /admin/recycling/categories`: a county admin sets the county's own category
/// (creating it, or replacing the shipped one of the same code, or changing it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CategoryUpdate {
    /// The county's 6-digit code.
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "^[0-9]{6}$", example = "410783")
    )]
    pub county_code: String,
    /// 1–40 of `a-z0-9_` ([`crate::catalogue::code_ok`]).
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "^[a-z0-9_]{1,40}$", example = "paper")
    )]
    pub code: String,
    /// 1–[`MAX_NAME_CHARS`] characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 20))]
    pub name: String,
    /// 1–[`MAX_RATE`] points per kilogram.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1000))]
    pub points_per_kg: i64,
    pub active: bool,
}

/// Answer of `GET /me/member-code`: the villager's member code (会员码), shown as a QR code at
/// the counter (or printed on a card). Opaque and signed: nothing about the person is readable
/// from it; it stays the same until the person asks for a new one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberCode {
    pub token: String,
}

/// How the keeper names the villager at the counter: the member code scanned (the app's, or
/// a printed member card's), the card's number or the 11-digit phone typed in. Exactly one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VillagerRef {
    #[serde(default)]
    pub member_code: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    /// A member card's number, typed (10 digits, spaces ignored).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_no: Option<String>,
}

/// Body of `POST /shop/identify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct IdentifyRequest {
    pub shop_id: i64,
    pub villager: VillagerRef,
}

/// Answer of `POST /shop/identify`: who the keeper is about to credit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IdentifiedVillager {
    /// Masked (张*明).
    pub name: String,
    pub village_name: String,
}

/// A line of a drop-off: a category and its weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DropoffLine {
    pub category_id: i64,
    /// 1–1,000,000 grams (one tonne).
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1000000))]
    pub grams: i64,
}

/// Body of `POST /shop/recycling` (idempotent: send an `Idempotency-Key`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewDropoff {
    pub shop_id: i64,
    pub villager: VillagerRef,
    /// 1–10 lines, each category at most once.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 10))]
    pub lines: Vec<DropoffLine>,
}

/// A line as credited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DropoffItem {
    pub category_id: i64,
    pub name: String,
    pub grams: i64,
    /// The rate when weighed.
    pub points_per_kg: i64,
    /// `floor(grams × points_per_kg / 1000)`.
    pub points: i64,
}

/// A recorded drop-off (回收记录).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dropoff {
    pub id: i64,
    pub shop_id: i64,
    /// Masked (张*明).
    pub villager_name: String,
    /// Points credited in all (0 when every line weighed too little to earn a point).
    pub points: i64,
    pub items: Vec<DropoffItem>,
    pub created_at: String,
}

/// Answer of `GET /shop/{id}/today`: the keeper's day at the counter (今日汇总), in the
/// county's day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DaySummary {
    pub shop_id: i64,
    /// The county date, `YYYY-MM-DD`.
    pub date: String,
    /// Redemptions handed over today and the points they brought in.
    pub redemptions: i64,
    pub points_collected: i64,
    /// Goods handed over today, by goods.
    pub goods: Vec<crate::shop::GoodsCount>,
    /// Drop-offs weighed today and the points they credited.
    pub dropoffs: i64,
    pub points_credited: i64,
    /// Weight by category.
    pub recycling: Vec<CategoryWeight>,
}

/// Weight of one category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CategoryWeight {
    pub category_id: i64,
    pub name: String,
    pub grams: i64,
    pub points: i64,
}

/// Query of `GET /recycling/categories`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct CategoriesQuery {
    /// Any region code inside the county (a village's, a township's or the county's own).
    #[cfg_attr(
        feature = "openapi",
        param(
            pattern = r"^([0-9]{6}|[0-9]{9}|[0-9]{12}(-[0-9]{3})?)$",
            example = "410783"
        )
    )]
    pub region_code: String,
}
