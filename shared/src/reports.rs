//! The officials' overview (数据概览): `GET /admin/reports/overview?region_code=&from=&to=`.
//!
//! Units: points are whole points; weights are grams; durations are milliseconds; dates are
//! county dates (`YYYY-MM-DD` in `JIFEN_TIMEZONE`); instants are RFC 3339 in UTC. Shares are
//! fractions from 0 to 1 with four decimals, `None` when there is nothing to divide by.

use serde::{Deserialize, Serialize};

/// The CSV tables of the overview (`&format=csv&table=`), in the order the page shows them.
pub const TABLES: [&str; 7] = [
    "points",
    "regions",
    "claims",
    "orders",
    "ratings",
    "recycling",
    "rules",
];

/// The longest period the overview covers, in county days.
pub const MAX_DAYS: i64 = 366;

/// The overview of a county, township or village over county days `from` to `to`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Overview {
    pub region_code: String,
    pub region_name: String,
    /// `county`, `township` or `village`.
    pub level: String,
    /// The first county day counted, `YYYY-MM-DD`.
    pub from: String,
    /// The last county day counted (included), `YYYY-MM-DD`.
    pub to: String,
    /// The start of `from` in UTC (RFC 3339, included).
    pub period_start: String,
    /// The end of `to` in UTC (RFC 3339, excluded).
    pub period_end: String,
    /// The points of the region's villagers.
    pub points: PointsFigures,
    pub claims: ClaimFigures,
    pub orders: OrderFigures,
    pub ratings: RatingFigures,
    /// Recyclables weighed for villagers of the region in the period, by category, heaviest
    /// first.
    pub recycling: Vec<RecyclingFigures>,
    /// The rules that earned most points in the period (approved claims and awards by
    /// rule), at most 10, most points first.
    pub rules: Vec<RuleFigures>,
    /// The same points figures for each region one level down: a county's townships, a
    /// township's villages (none for a village), by code.
    pub regions: Vec<RegionFigures>,
}

/// Points of villagers' accounts (a villager's account belongs to their village).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PointsFigures {
    /// Points credited to villagers in the period from the townships' issuance and service
    /// budget accounts: approved claims, awards, recycling, service rewards.
    pub issued: i64,
    /// Points deducted from villagers in the period (deductions, back to issuance).
    pub deducted: i64,
    /// Points villagers spent in the period: redemptions handed over at a shop.
    pub spent: i64,
    /// Points the villagers held at the end of the period (posted; reservations not
    /// subtracted).
    pub outstanding: i64,
    /// People registered in the region's villages now.
    pub villagers: i64,
    /// Villagers who were issued points in the period (by their points account's region, the
    /// village it was opened in).
    pub earners: i64,
    /// `earners / villagers`. The two are counted by different regions (the account's and the
    /// registration's), so in a village people recently moved to or from it can be above 1 or
    /// `None` with earners; county-wide they agree.
    pub participation: Option<f64>,
}

/// [`PointsFigures`] of one region one level down.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegionFigures {
    pub region_code: String,
    pub region_name: String,
    pub issued: i64,
    pub deducted: i64,
    pub spent: i64,
    pub outstanding: i64,
    pub villagers: i64,
    pub earners: i64,
    pub participation: Option<f64>,
}

/// Claims (申报) of villagers of the region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClaimFigures {
    /// Waiting for review now, whenever made.
    pub pending: i64,
    /// Made in the period.
    pub submitted: i64,
    /// Approved in the period.
    pub approved: i64,
    /// Rejected in the period.
    pub rejected: i64,
    /// Milliseconds from submission to decision, averaged over the claims decided in the
    /// period (rounded down).
    pub average_review_ms: Option<i64>,
}

/// Service orders (五单) of the region's villages placed in the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderFigures {
    /// All placed in the period, then by their status now.
    pub placed: i64,
    pub open: i64,
    pub claimed: i64,
    pub completed: i64,
    pub cancelled: i64,
    /// `JIFEN_SERVICE_SLA_HOURS`.
    pub sla_hours: i64,
    /// Orders whose SLA can be judged: taken by a volunteer (claimed or dispatched), or still
    /// open with their SLA past. Orders cancelled before anyone took them are not judged.
    pub sla_judged: i64,
    /// Of those, taken within the SLA of being placed.
    pub within_sla: i64,
    /// `within_sla / sla_judged`.
    pub within_sla_share: Option<f64>,
}

/// Ratings (好差评) given in the period to orders of the region's villages; each order counts
/// with its latest rating. 好评 4–5 stars, 中评 3, 差评 1–2.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatingFigures {
    pub good: i64,
    pub neutral: i64,
    pub bad: i64,
    /// Of all these, the automatic 中评 of orders left unrated for 7 days.
    pub automatic: i64,
    /// Two decimals.
    pub average_stars: Option<f64>,
}

/// One recycling category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecyclingFigures {
    pub category_id: i64,
    pub code: String,
    pub name: String,
    /// Grams weighed.
    pub grams: i64,
    /// Points credited for them.
    pub points: i64,
}

/// One rule of the catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleFigures {
    pub rule_id: i64,
    pub code: String,
    pub name: String,
    /// Points earned by it in the period.
    pub points: i64,
    /// How many times: approved claims plus villagers awarded.
    pub count: i64,
}

/// A share `part / whole` with four decimals; `None` when `whole` is 0.
pub fn share(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 / whole as f64 * 10_000.0).round() / 10_000.0)
}

/// Query of `GET /admin/reports/overview`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct OverviewQuery {
    /// A county, township or village the caller administers.
    #[cfg_attr(
        feature = "openapi",
        param(pattern = "^([0-9]{6}|[0-9]{9}|[0-9]{12})$", example = "410783")
    )]
    pub region_code: String,
    /// The first county day, `YYYY-MM-DD`; by default 29 days before `to`.
    #[cfg_attr(feature = "openapi", param(format = Date, pattern = "^2[0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$", example = "2026-11-01"))]
    pub from: Option<String>,
    /// The last county day (included), `YYYY-MM-DD`; by default today. At most 366 days in all.
    #[cfg_attr(feature = "openapi", param(format = Date, pattern = "^2[0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$", example = "2026-11-30"))]
    pub to: Option<String>,
    /// `json` (the default) or `csv`.
    pub format: Option<String>,
    /// With `format=csv`: `points`, `regions`, `claims`, `orders`, `ratings`, `recycling` or
    /// `rules`.
    pub table: Option<String>,
}
