//! The audit log on the wire (`GET /admin/audit`).

use serde::{Deserialize, Serialize};

/// One recorded staff action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: i64,
    /// The staff member who acted (`null` for the command line).
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    /// e.g. `grid.create`, `role.grant`, `villagers.import`.
    pub action: String,
    /// The region the action was about.
    pub region_code: String,
    /// Its name (`null` for a region no longer known).
    pub region_name: Option<String>,
    /// What was acted on, e.g. `410783101230-001` or `person:42`.
    pub target: String,
    /// The state before, as recorded: usually an object of the fields that changed; for
    /// `grid.members` the array of the people moved (`{id, grid_code}` each); `null` for
    /// creations and grants.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Value>))]
    pub before: Option<serde_json::Value>,
    /// The state after, as recorded (an object); `null` for removals and revocations.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Value>))]
    pub after: Option<serde_json::Value>,
    /// RFC 3339, UTC.
    pub created_at: String,
}

/// Query of `GET /admin/audit`: every filter is optional and they combine (AND).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct AuditQuery {
    /// The region (and everything inside it); default: the caller's first admin region.
    #[cfg_attr(
        feature = "openapi",
        param(
            pattern = r"^([0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{9}|[0-9]{12}(-[0-9]{3})?)$",
            example = "410783"
        )
    )]
    pub region_code: Option<String>,
    /// Part of the acting staff member's name as recorded (1–20 characters), e.g. `王`.
    #[cfg_attr(feature = "openapi", param(max_length = 20))]
    pub actor: Option<String>,
    /// Exactly what was acted on, e.g. `person:42`, or a 代办 receipt number as printed
    /// (`DB7K2M9QXA`: without a colon it is read as `receipt:DB7K2M9QXA`); at most 60
    /// characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(max_length = 60))]
    pub target: Option<String>,
    /// One of [`ACTIONS`], or the family before its dot (`points` for `points.award` and
    /// `points.deduct`).
    pub action: Option<String>,
    /// The first county day (`YYYY-MM-DD`, the county's time zone), inclusive.
    #[cfg_attr(feature = "openapi", param(format = Date, pattern = "^2[0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$", example = "2026-11-01"))]
    pub from: Option<String>,
    /// The last county day, inclusive; not before `from`.
    #[cfg_attr(feature = "openapi", param(format = Date, pattern = "^2[0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$", example = "2026-11-30"))]
    pub to: Option<String>,
    /// `json` (default, a page) or `csv` (every matching entry, newest first, at most
    /// [`MAX_CSV_ROWS`]; more is 400 `invalid_input`: narrow the filters).
    pub format: Option<String>,
    /// 1–100, default 20.
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[cfg_attr(feature = "openapi", param(pattern = "^[0-9]{1,18}$"))]
    pub cursor: Option<String>,
}

/// The most entries one CSV export holds.
pub const MAX_CSV_ROWS: usize = 10_000;

/// The most characters of the actor filter (`?actor=`).
pub const MAX_ACTOR_CHARS: usize = 20;

/// Every action the audit log records, family first (the part before the dot). The app names
/// each in its language; the server's audit walk test checks that every staff endpoint records
/// one of these.
pub const ACTIONS: &[&str] = &[
    "claim.approve",
    "claim.reject",
    "claim.correct",
    "points.award",
    "points.deduct",
    "points.correct",
    "points.limits",
    "rule.create",
    "rule.update",
    "rule.setting",
    "shop.create",
    "shop.update",
    "shop.keeper.add",
    "shop.keeper.remove",
    "shop.pay",
    "goods.create",
    "goods.update",
    "goods.stock",
    "redemption.fulfil",
    "recycling.dropoff",
    "recycling.category",
    "services.type",
    "order.claim",
    "order.dispatch",
    "order.release",
    "order.complete",
    "rectification.close",
    "grid.create",
    "grid.members",
    "person.create",
    "person.update",
    "person.phone",
    "person.close",
    "villagers.import",
    "role.grant",
    "role.revoke",
    "password.change",
    "password.reset",
    "staff.create_admin",
    "member_card.print",
    "member_card.replace",
    "delegation.add",
    "delegation.end",
    "assistance.update",
    "proxy.open",
    "proxy.claim",
    "proxy.redemption",
    "proxy.order",
    "proxy.rating",
];

/// The action families of [`ACTIONS`] (the part before the first dot), in order, each once.
pub fn action_families() -> Vec<&'static str> {
    let mut families: Vec<&'static str> = Vec::new();
    for action in ACTIONS {
        let family = action.split('.').next().unwrap_or(action);
        if !families.contains(&family) {
            families.push(family);
        }
    }
    families
}
