//! Service orders (五单: 派单 dispatch, 点单 order, 接单 claim, 买单 the government pays, 评单
//! rate) and ratings (好差评) on the wire. Points are integers; times are RFC 3339 in UTC.

use serde::{Deserialize, Serialize};

/// The highest reward a county sets for a service type, in points (the lowest is 1).
pub const MAX_REWARD: i64 = 1000;
/// The longest service type name, in characters.
pub const MAX_TYPE_NAME_CHARS: usize = 20;
/// The most stars of a rating (the fewest is 1).
pub const MAX_STARS: i64 = 5;

/// A service type (服务事项) of `GET /services/types`, with the points a volunteer earns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceType {
    pub id: i64,
    /// Stable within its scope (`errand`, `elder_visit`…); a county's own type of the same
    /// code replaces the shipped one.
    pub code: String,
    /// 代办跑腿, 助老探访…
    pub name: String,
    /// Points paid to the volunteer when the order is rated 中评 or better.
    pub reward_points: i64,
    pub active: bool,
    /// The county (6 digits) that set it; `None` for the shipped catalogue.
    pub county_code: Option<String>,
}

/// Body of `PUT /admin/services/types`: a county admin sets the county's own type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ServiceTypeUpdate {
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "^[0-9]{6}$", example = "410783")
    )]
    pub county_code: String,
    /// 1–40 of `a-z0-9_` ([`crate::catalogue::code_ok`]).
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "^[a-z0-9_]{1,40}$", example = "errand")
    )]
    pub code: String,
    /// 1–[`MAX_TYPE_NAME_CHARS`] characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 20))]
    pub name: String,
    /// 1–[`MAX_REWARD`] points.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1000))]
    pub reward_points: i64,
    pub active: bool,
}

/// Body of `POST /services/orders` (idempotent: send an `Idempotency-Key`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewOrder {
    pub type_id: i64,
    /// 1–1,000 characters: what is needed.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 1000))]
    pub description: String,
    /// Where; absent or empty for "my home" (我家).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub address: Option<String>,
    /// At most 6 photos the villager uploaded (`POST /media`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 6))]
    pub photo_ids: Vec<i64>,
}

/// Where an order stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Waiting for a volunteer (待接单).
    Open,
    /// A volunteer took it (已接单).
    Claimed,
    /// Done; to be rated (已完成).
    Completed,
    /// Cancelled by the villager while open (已取消).
    Cancelled,
}

impl OrderStatus {
    /// The wire and storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Open => "open",
            OrderStatus::Claimed => "claimed",
            OrderStatus::Completed => "completed",
            OrderStatus::Cancelled => "cancelled",
        }
    }

    /// Parses the wire and storage name.
    pub fn parse(s: &str) -> Option<OrderStatus> {
        [
            OrderStatus::Open,
            OrderStatus::Claimed,
            OrderStatus::Completed,
            OrderStatus::Cancelled,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
    }
}

/// From the storage name (how the server reads the `status` column); the error names the
/// unknown status.
impl TryFrom<String> for OrderStatus {
    type Error = String;

    fn try_from(s: String) -> Result<Self, String> {
        OrderStatus::parse(&s).ok_or_else(|| format!("unknown order status {s:?}"))
    }
}

/// A step of an order's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderEvent {
    /// `ordered`, `claimed`, `dispatched`, `released`, `completed`, `cancelled`,
    /// `escalated`, `rated`, `auto_rated`, `paid`, `rectification_opened`,
    /// `rectification_closed`.
    pub kind: String,
    /// Who did it (full name for staff and volunteers, masked for villagers); `None` for the
    /// system (escalations, automatic ratings).
    pub actor_name: Option<String>,
    /// The note, reason or stars of the step.
    pub note: String,
    pub at: String,
}

/// How a rating counts: 4–5 stars 好评, 3 中评, 1–2 差评.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    Good,
    Neutral,
    Bad,
}

impl Grade {
    /// The grade of `stars` (1–5).
    pub fn of(stars: i64) -> Grade {
        match stars {
            4.. => Grade::Good,
            3 => Grade::Neutral,
            _ => Grade::Bad,
        }
    }
}

/// A rating of an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rating {
    /// 1–5.
    pub stars: i64,
    pub grade: Grade,
    pub comment: String,
    /// Given by the system: not rated within 7 days of completion counts as 中评 (3 stars).
    pub automatic: bool,
    /// 1 for the first rating, 2 for the one after a rectification.
    pub round: i64,
    pub rated_at: String,
    /// 代办: done for the villager by a proxy agent or family delegate (`null` otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy: Option<crate::proxy::ProxyNote>,
}

/// A service order (服务订单).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Order {
    pub id: i64,
    pub type_id: i64,
    pub type_name: String,
    /// The volunteer's reward as it was when ordered.
    pub reward_points: i64,
    pub description: String,
    /// `None`: the villager's home.
    pub address: Option<String>,
    pub village_code: String,
    pub status: OrderStatus,
    /// Who ordered (their person id: a client tells "my order" by it, whatever role is
    /// current).
    pub orderer_id: i64,
    /// The villager who ordered: in full to themselves, the volunteer who took the order and
    /// admins; masked (张*明) to the rest.
    pub orderer_name: String,
    /// The orderer's phone (E.164): to themselves and the volunteer who took the order; to
    /// admins in full for the village's own staff, masked (`138****0001`) for township and
    /// county admins.
    pub orderer_phone: Option<String>,
    pub volunteer_id: Option<i64>,
    pub volunteer_name: Option<String>,
    /// 0: not escalated; 1: the grid worker's queue; 2: the village admin's; 3: the township's.
    pub escalation_level: i64,
    pub photo_ids: Vec<i64>,
    pub completion_note: Option<String>,
    pub completion_photo_ids: Vec<i64>,
    /// The latest rating.
    pub rating: Option<Rating>,
    /// Whether the volunteer has been paid.
    pub paid: bool,
    /// The rectification a 差评 opened, if any.
    pub rectification: Option<Rectification>,
    /// Oldest first.
    pub timeline: Vec<OrderEvent>,
    pub created_at: String,
    /// 代办: done for the villager by a proxy agent or family delegate (`null` otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy: Option<crate::proxy::ProxyNote>,
}

/// Body of `POST /admin/services/orders/{id}/dispatch` (派单).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Dispatch {
    pub volunteer_id: i64,
}

/// A volunteer an order may be dispatched to (派单), as `GET
/// /admin/services/orders/{id}/volunteers` lists them for whoever may dispatch that order:
/// the volunteers serving the order's village (the role over the village or its township),
/// villagers with an open account, neither the orderer nor of the orderer's household.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VolunteerChoice {
    /// The person's id: [`Dispatch::volunteer_id`].
    pub id: i64,
    /// In full (volunteers serve under their name; an order shows its volunteer's).
    pub name: String,
    /// Masked for everyone (`138****0001`): enough to tell two 王芳 apart.
    pub phone: String,
    /// The orders the volunteer holds now (claimed, not yet completed).
    pub open_tasks: i64,
}

/// Body of `POST /services/orders/{id}/complete`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Completion {
    /// 1–1,000 characters: what was done.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 1000))]
    pub note: String,
    /// At most 6 photos the volunteer uploaded.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 6))]
    pub photo_ids: Vec<i64>,
}

/// Body of `POST /services/orders/{id}/rate`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewRating {
    /// 1–5.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    pub stars: i64,
    /// At most 500 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub comment: String,
}

/// A rectification (整改) a 差评 opened, assigned to the village's admins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rectification {
    pub id: i64,
    pub order_id: i64,
    pub village_code: String,
    /// `open` or `closed`.
    pub status: String,
    /// What the village did about it.
    pub follow_up: Option<String>,
    pub opened_at: String,
    /// 7 days after opening: closed by then counts as "in time".
    pub due_at: String,
    pub closed_at: Option<String>,
}

/// Body of `POST /admin/rectifications/{id}/close`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CloseRectification {
    /// 1–1,000 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 1000))]
    pub follow_up: String,
}

/// Ratings of one region, for the monthly report (定期通报).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegionRatings {
    pub region_code: String,
    pub region_name: String,
    pub good: i64,
    pub neutral: i64,
    pub bad: i64,
    /// Mean stars of the latest ratings, two decimals; `None` without ratings.
    pub average_stars: Option<f64>,
    pub open_rectifications: i64,
    pub closed_rectifications: i64,
    /// Share of the closed rectifications closed by their due time, 0–1, two decimals;
    /// `None` when none was closed.
    pub closed_in_time_share: Option<f64>,
}

/// Answer of `GET /admin/ratings/summary?region_code=&month=`: the region itself, then each
/// region one level down (a county's townships, a township's villages).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatingsSummary {
    /// The county month asked for (`YYYY-MM`), or `None` for all time.
    pub month: Option<String>,
    pub total: RegionRatings,
    pub regions: Vec<RegionRatings>,
}

/// A notification of the in-app inbox (消息).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notification {
    pub id: i64,
    /// For villagers: `order_claimed`, `order_dispatched`, `order_completed`,
    /// `order_escalated`, `claim_approved`, `claim_rejected`, `points_corrected`,
    /// `redemption_fulfilled`, `points_inherited`. For staff, what waits for them:
    /// `claims_waiting` and `claims_overdue` (digests: one unread line each, its count kept
    /// current while unread), `order_escalated_admin`, `rectification_opened`, `low_stock`.
    pub kind: String,
    /// What happened, in Chinese, ready to show.
    pub text: String,
    /// What it is about, `<kind>:<id>`: `order:12`, `claim:3`, `redemption:7`,
    /// `rectification:4`, `shop:2` (its goods), `review:<region code>` (the review queue of a
    /// grid or village).
    pub reference: String,
    pub read: bool,
    pub created_at: String,
}

/// Answer of `GET /inbox/unread`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Unread {
    pub count: i64,
}

/// Query of `GET /services/types`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct TypesQuery {
    /// Any region code inside the county.
    #[cfg_attr(
        feature = "openapi",
        param(
            pattern = r"^([0-9]{6}|[0-9]{9}|[0-9]{12}(-[0-9]{3})?)$",
            example = "410783"
        )
    )]
    pub region_code: String,
}

/// Query of `GET /admin/rectifications`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct RectificationsQuery {
    /// `open`, `closed`, or absent for both.
    pub status: Option<String>,
}

/// Query of `GET /admin/ratings/summary`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct SummaryQuery {
    /// A county, township or village the caller administers.
    #[cfg_attr(
        feature = "openapi",
        param(pattern = "^([0-9]{6}|[0-9]{9}|[0-9]{12})$", example = "410783")
    )]
    pub region_code: String,
    /// A county month, `YYYY-MM`: the ratings given and rectifications opened in it; all
    /// time when absent.
    #[cfg_attr(
        feature = "openapi",
        param(pattern = "^2[0-9]{3}-(0[1-9]|1[0-2])$", example = "2026-11")
    )]
    pub month: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stars_grade_as_the_county_counts_them() {
        assert_eq!(Grade::of(5), Grade::Good);
        assert_eq!(Grade::of(4), Grade::Good);
        assert_eq!(Grade::of(3), Grade::Neutral);
        assert_eq!(Grade::of(2), Grade::Bad);
        assert_eq!(Grade::of(1), Grade::Bad);
    }
}
