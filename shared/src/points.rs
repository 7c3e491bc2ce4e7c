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
