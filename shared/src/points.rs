//! Points (积分) on the wire: balances, ledger history, staff awards and deductions.

use serde::{Deserialize, Serialize};

/// `GET /points/balance`: the caller's points.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PointsBalance {
    /// What can be spent now (held minus reserved).
    pub available: i64,
    /// Reserved by redemptions not yet fulfilled or cancelled.
    pub pending: i64,
    /// Everything ever credited.
    pub earned_total: i64,
    /// Everything ever debited for good (spent, deducted).
    pub spent_total: i64,
}

/// One movement of the caller's points (`GET /points/ledger`), newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LedgerEntry {
    pub id: i64,
    /// Points: positive when received, negative when spent or deducted.
    pub amount: i64,
    /// The points held after this movement.
    pub balance_after: i64,
    /// A stable code: `award`, `deduction`, `claim`, `redemption`…
    pub reason: String,
    /// What the movement is about, e.g. `award:12`.
    pub reference: Option<String>,
    /// Who moved the points (`null`: the system).
    pub actor_name: Option<String>,
    /// RFC 3339, UTC.
    pub created_at: String,
}

/// Body of `POST /admin/awards` (I): award (positive) or deduct (negative) `points` to each
/// villager, for `reason` (shown on the village board).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AwardRequest {
    /// 1–500 villagers.
    pub user_ids: Vec<i64>,
    /// A rule of the catalogue to award by (API.md); not available yet: give `points`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_id: Option<i64>,
    /// Non-zero, between -1000 and 1000.
    pub points: i64,
    /// 1–100 characters.
    pub reason: String,
}

/// Answer of `POST /admin/awards`: the transfers made, and for deductions larger than what a
/// villager holds, what was deducted instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AwardResult {
    pub award_id: i64,
    pub transfer_ids: Vec<i64>,
    pub shortfalls: Vec<Shortfall>,
}

/// A deduction that met fewer points than it asked for: `deducted` of `wanted` (both positive).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Shortfall {
    pub user_id: i64,
    pub wanted: i64,
    pub deducted: i64,
}

/// The kind of a rule (积分事项): the county's four governances — 自治 (`autonomy`), 德治
/// (`virtue`), 法治 (`law`), 智治 (`smart`) — plus 人居环境 (`environment`) and 文明新风
/// (`civility`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RuleCategory {
    Autonomy,
    Virtue,
    Law,
    Smart,
    Environment,
    Civility,
}

impl RuleCategory {
    /// Every category.
    pub const ALL: [RuleCategory; 6] = [
        RuleCategory::Autonomy,
        RuleCategory::Virtue,
        RuleCategory::Law,
        RuleCategory::Smart,
        RuleCategory::Environment,
        RuleCategory::Civility,
    ];

    /// The wire and storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleCategory::Autonomy => "autonomy",
            RuleCategory::Virtue => "virtue",
            RuleCategory::Law => "law",
            RuleCategory::Smart => "smart",
            RuleCategory::Environment => "environment",
            RuleCategory::Civility => "civility",
        }
    }

    /// Parses the wire and storage name.
    pub fn parse(s: &str) -> Option<RuleCategory> {
        RuleCategory::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// A rule of the catalogue (`GET /rules`): what earns (positive points) or costs (negative)
/// points, whether a photo is needed, and the caps per person in the county's day and month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rule {
    pub id: i64,
    /// Stable, e.g. `garbage_sorting`.
    pub code: String,
    pub name: String,
    pub category: RuleCategory,
    pub points: i64,
    pub needs_photo: bool,
    pub daily_cap: Option<i64>,
    pub monthly_cap: Option<i64>,
    pub active: bool,
    /// The county or village the rule is for; `null` for the shipped catalogue.
    pub region_code: Option<String>,
}

/// Body of `POST /admin/rules`: a county's or a village's own rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewRule {
    /// 1–40 of `a-z`, `0-9`, `_`; unique within the region.
    pub code: String,
    /// 1–50 characters.
    pub name: String,
    pub category: RuleCategory,
    /// Non-zero, between -1000 and 1000.
    pub points: i64,
    pub needs_photo: bool,
    /// 1–100 per person per day, or `null`.
    pub daily_cap: Option<i64>,
    /// 1–1000 per person per month, or `null`.
    pub monthly_cap: Option<i64>,
    /// A county or a village.
    pub region_code: String,
}
