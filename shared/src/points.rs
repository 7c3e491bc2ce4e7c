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
    /// What it was for, in words: the rule's name for a claim (垃圾分类), the reason of an
    /// award or deduction (文明户); `null` when there is nothing more to say than `reason`.
    pub label: Option<String>,
    /// Who moved the points (`null`: the system).
    pub actor_name: Option<String>,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// 更正: on an approved claim, award or deduction, the correction that reversed it; on a
    /// correction's own movement (`reason` `correction`), that correction. `null` otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correction: Option<CorrectionNote>,
    /// 代办: done for the villager by a proxy agent or family delegate (`null` otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy: Option<crate::proxy::ProxyNote>,
}

/// Body of `POST /admin/awards` (I): award (positive) or deduct (negative) `points` to each
/// villager, for `reason` (shown on the village board).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AwardRequest {
    /// 1–500 villagers.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 500))]
    pub user_ids: Vec<i64>,
    /// A rule of the catalogue to award (or deduct) by: its points, and its name as the
    /// default reason. Give either `rule_id` or `points`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_id: Option<i64>,
    /// Non-zero, between -1000 and 1000, when there is no `rule_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = -1000, maximum = 1000))]
    pub points: Option<i64>,
    /// 1–100 characters; may be empty with a `rule_id` (the rule's name is used).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
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

/// How much a grid worker may award in a county (网格员评分限额, `GET`/`PUT
/// /admin/award-limits/{county_code}`): in all per county day, and to one villager per county
/// day. 0 (the default): grid workers do not award.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AwardLimits {
    /// 0–10,000 points per grid worker per county day.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10000))]
    pub daily_points: i64,
    /// 0–1,000 points per grid worker to one villager per county day.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1000))]
    pub villager_daily_points: i64,
    /// In answers to a grid worker: the points they have awarded this county day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub used_today: Option<i64>,
}

/// Answer of `POST /admin/awards/preview`: what the same request to `POST /admin/awards` would
/// do now, villager by villager, moving nothing (the same checks and refusals).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AwardPreview {
    /// The points each villager gets (negative: loses), as the rule applies in their village.
    pub points: i64,
    /// The reason the board will show.
    pub reason: String,
    /// One line per villager, in the order of `user_ids` (each once).
    pub villagers: Vec<AwardPreviewLine>,
}

/// One villager in an [`AwardPreview`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AwardPreviewLine {
    pub user_id: i64,
    pub name: String,
    /// The points they may spend now.
    pub available: i64,
    /// What they would hold after (never below zero).
    pub after: i64,
    /// Points of a deduction they do not have (0 when none): deducted is what they have.
    pub shortfall: i64,
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

/// A rule of the catalogue (`GET /rules`, `GET /admin/rules`): what earns (positive points)
/// or costs (negative) points, whether a photo is needed, the caps per person in the county's
/// day and month, and the county's groups it is for — as it applies in the place it was read
/// for (a village, or for `GET /admin/rules` a county).
///
/// Who changes what (issue "The operators' console, part 1"): the owner of a rule (its county
/// or village; the shipped catalogue belongs to no one) edits it and switches it off for
/// everyone; a county may also switch a shipped rule off for its villages, give it other
/// points, and let its villages set their own points within bounds; a village may switch off
/// any county or shipped rule for itself and set points within those bounds. `points` and
/// `active` are the result of all of that for the place read; `base_points` and `settings`
/// show how it came about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rule {
    pub id: i64,
    /// Stable, e.g. `garbage_sorting`.
    pub code: String,
    pub name: String,
    pub category: RuleCategory,
    /// The points in the place read (its county's and its own setting applied).
    pub points: i64,
    pub needs_photo: bool,
    pub daily_cap: Option<i64>,
    pub monthly_cap: Option<i64>,
    /// Whether villagers can claim it (and staff award by it) in the place read: the owner
    /// has not switched it off, nor has the county or the village for itself.
    pub active: bool,
    /// The county or village the rule is for; `null` for the shipped catalogue.
    pub region_code: Option<String>,
    /// The county's groups (五类人员, of [`crate::people::GROUP_TAGS`]) whose members may
    /// claim it; empty: every villager. 村民 includes every villager.
    pub groups: Vec<String>,
    /// The points as the owner set them (before any county's or village's setting).
    pub base_points: i64,
    /// Whether the owner has it switched on (a county's or village's setting aside).
    pub base_active: bool,
    /// Within which a village may set its own points (both ends included, the sign of
    /// `base_points`); `null`: villages may only switch it off.
    pub village_points: Option<PointsRange>,
    /// The county's and the village's own settings that apply in the place read, county
    /// first.
    pub settings: Vec<RuleSetting>,
}

/// Points from `min` to `max`, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PointsRange {
    #[cfg_attr(feature = "openapi", schema(minimum = -1000, maximum = 1000))]
    pub min: i64,
    #[cfg_attr(feature = "openapi", schema(minimum = -1000, maximum = 1000))]
    pub max: i64,
}

/// A county's or a village's own setting of a rule it does not own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleSetting {
    /// The county or village whose setting this is.
    pub region_code: String,
    /// `false`: switched off there.
    pub active: bool,
    /// Its own points there, or `null` for the rule's.
    pub points: Option<i64>,
    /// A county's bounds for its villages' own points (counties only, shipped rules only).
    pub village_points: Option<PointsRange>,
}

/// Body of `PUT /admin/rules/{id}`: the owner's whole rule (its code stays).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RuleUpdate {
    /// 1–50 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 50))]
    pub name: String,
    pub category: RuleCategory,
    /// Non-zero, between -1000 and 1000. Claims already made keep the points they were made
    /// with.
    #[cfg_attr(feature = "openapi", schema(minimum = -1000, maximum = 1000))]
    pub points: i64,
    pub needs_photo: bool,
    /// 1–100 per person per day, or `null`.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100))]
    pub daily_cap: Option<i64>,
    /// 1–1000 per person per month, or `null`.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1000))]
    pub monthly_cap: Option<i64>,
    /// `false` switches it off (pending claims stay reviewable at their points).
    pub active: bool,
    /// Some of [`crate::people::GROUP_TAGS`], each once; empty: every villager.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 6))]
    pub groups: Vec<String>,
    /// For a county's rule: the bounds of its villages' own points (non-zero, the sign of
    /// `points`, `min <= max`, within ±1000); `null`: villages may only switch it off.
    /// Always `null` for a village's own rule.
    #[serde(default)]
    pub village_points: Option<PointsRange>,
}

/// Body of `PUT /admin/rules/{id}/settings/{region_code}`: a county's or a village's own
/// setting of a rule it does not own. All defaults (on, no points, no bounds) remove the
/// setting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RuleSettingUpdate {
    pub active: bool,
    /// The region's own points: for a county (shipped rules), any valid points; for a
    /// village, within the rule's `village_points`; `null` for the rule's.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = -1000, maximum = 1000))]
    pub points: Option<i64>,
    /// A county's bounds for its villages (shipped rules only); `null` for villages.
    #[serde(default)]
    pub village_points: Option<PointsRange>,
}

/// Query of `GET /admin/rules`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct AdminRulesQuery {
    /// A county (the shipped catalogue and the county's rules, with the county's settings)
    /// or a village (as [`RulesQuery`]) the caller manages rules of.
    #[cfg_attr(
        feature = "openapi",
        param(pattern = "^([0-9]{6}|[0-9]{12})$", example = "410783")
    )]
    pub region_code: String,
}

/// Body of `POST /admin/rules`: a county's or a village's own rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewRule {
    /// 1–40 of `a-z`, `0-9`, `_`; unique within the region.
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "^[a-z0-9_]{1,40}$", example = "river_cleaning")
    )]
    pub code: String,
    /// 1–50 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 50))]
    pub name: String,
    pub category: RuleCategory,
    /// Non-zero, between -1000 and 1000.
    #[cfg_attr(feature = "openapi", schema(minimum = -1000, maximum = 1000))]
    pub points: i64,
    pub needs_photo: bool,
    /// 1–100 per person per day, or `null`.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100))]
    pub daily_cap: Option<i64>,
    /// 1–1000 per person per month, or `null`.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1000))]
    pub monthly_cap: Option<i64>,
    /// A county or a village.
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "^([0-9]{6}|[0-9]{12})$", example = "410783101201")
    )]
    pub region_code: String,
    /// Some of [`crate::people::GROUP_TAGS`], each once; empty: every villager.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 6))]
    pub groups: Vec<String>,
    /// For a county's rule: the bounds of its villages' own points (see [`RuleUpdate`]).
    #[serde(default)]
    pub village_points: Option<PointsRange>,
}

/// Body of `POST /claims` (I): a villager asks for a rule's points (申报积分).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewClaim {
    /// An active rule with positive points that applies in the villager's village.
    pub rule_id: i64,
    /// 0–500 characters: what was done, where, when.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub note: String,
    /// 0–6 photos the villager uploaded (`POST /media`); at least one when the rule needs a
    /// photo.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 6))]
    pub photo_ids: Vec<i64>,
}

/// Where a claim stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ClaimStatus {
    /// Waiting for the grid worker (待审核).
    Pending,
    /// Points credited (已通过).
    Approved,
    /// Not credited; `review_reason` says why (未通过).
    Rejected,
}

impl ClaimStatus {
    /// The wire and storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimStatus::Pending => "pending",
            ClaimStatus::Approved => "approved",
            ClaimStatus::Rejected => "rejected",
        }
    }

    /// Parses the wire and storage name.
    pub fn parse(s: &str) -> Option<ClaimStatus> {
        [
            ClaimStatus::Pending,
            ClaimStatus::Approved,
            ClaimStatus::Rejected,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
    }
}

/// A photo attached to a claim, as a reviewer sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClaimPhoto {
    /// `GET /media/{id}` (full size) and `GET /media/{id}/thumb`.
    pub media_id: i64,
    /// Other claims carrying the same picture (same SHA-256), oldest first: "此照片已用于…".
    /// Empty for the claimant's own view.
    pub reused_in: Vec<PhotoReuse>,
}

/// Another claim that carries the same photo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PhotoReuse {
    pub claim_id: i64,
    /// Masked like 张*明.
    pub claimant_name: String,
    pub rule_name: String,
    /// RFC 3339, UTC.
    pub created_at: String,
}

/// A claim (`GET /claims/mine`, `GET /review/claims`, and the answers of the review actions).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Claim {
    pub id: i64,
    pub status: ClaimStatus,
    pub rule_id: i64,
    pub rule_name: String,
    /// Points credited on approval (the rule's points when the claim was made).
    pub points: i64,
    pub note: String,
    pub photos: Vec<ClaimPhoto>,
    pub claimant_id: i64,
    /// Full name: the claimant, or a reviewer of their grid or village.
    pub claimant_name: String,
    pub village_code: String,
    /// The claimant's grid when the claim was made (whose grid worker reviews it).
    pub grid_code: Option<String>,
    /// Who approved or rejected it, and why (a rejection always has a reason).
    pub reviewer_name: Option<String>,
    pub review_reason: Option<String>,
    /// RFC 3339, UTC.
    pub reviewed_at: Option<String>,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// 审核超时: when the claim, still pending after the county's review time
    /// (`JIFEN_CLAIM_REVIEW_HOURS`, 48 hours by default), was sent up to its village's admins
    /// (RFC 3339, UTC); absent while it is not overdue, or when it was decided in time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalated_at: Option<String>,
    /// 更正: the correction that reversed this approved claim, if any (the claim stays
    /// `approved`: the original is never edited).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correction: Option<CorrectionNote>,
    /// 代办: done for the villager by a proxy agent or family delegate (`null` otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy: Option<crate::proxy::ProxyNote>,
}

/// Body of `POST /review/claims/{id}/reject`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RejectClaim {
    /// 1–100 characters, shown to the villager (e.g. 照片不清晰, 不符合积分事项).
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub reason: String,
}

/// `GET /public/villages/{code}/board`: the village's points publicity board (积分公示).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Board {
    pub village_code: String,
    pub village_name: String,
    /// The county's month and year the rankings cover, e.g. `2026-05` and `2026`.
    pub month: String,
    pub year: String,
    /// The most recent movements of earned and deducted points, newest first (at most 50).
    pub movements: Vec<BoardMovement>,
    /// The top villagers by points earned (awards and approved claims minus deductions) in
    /// the county's current month and year, at most 20 each.
    pub monthly_ranking: Vec<RankingEntry>,
    pub yearly_ranking: Vec<RankingEntry>,
}

/// One movement on the board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BoardMovement {
    /// Masked like 张*明.
    pub villager_name: String,
    /// The rule's name, or the award's reason.
    pub reason: String,
    /// + earned, - deducted.
    pub points: i64,
    /// The official who approved or moved the points (full name: every point is traceable).
    pub actor_name: Option<String>,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// 更正: as in [`LedgerEntry::correction`] — the correction of this movement, or the
    /// correction this movement is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correction: Option<CorrectionNote>,
    /// 代办: done for the villager by a proxy agent or family delegate (`null` otherwise); on
    /// the public board without the receipt's number (`receipt_no` empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy: Option<crate::proxy::ProxyNote>,
}

/// One line of a ranking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RankingEntry {
    /// 1-based; equal points share a rank.
    pub rank: u32,
    /// Masked like 张*明.
    pub villager_name: String,
    pub points: i64,
}

/// Masks a name for public display: the first and last characters stay, the rest become `*`
/// (张三明 → 张*明, 欧阳明月 → 欧**月, 张三 → 张*; one character stays as it is).
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.trim().chars().collect();
    match chars.len() {
        0 | 1 => chars.into_iter().collect(),
        2 => format!("{}*", chars[0]),
        n => format!("{}{}{}", chars[0], "*".repeat(n - 2), chars[n - 1]),
    }
}

/// Query of `GET /rules`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct RulesQuery {
    /// The village whose rules to list (the shipped catalogue, its county's and its own).
    #[cfg_attr(
        feature = "openapi",
        param(pattern = "^[0-9]{12}$", example = "410783101201")
    )]
    pub village_code: String,
}

/// Query of `GET /review/claims`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct ReviewQuery {
    /// `pending` (default: the queue, oldest first), `approved` or `rejected` (newest first).
    #[cfg_attr(feature = "openapi", param(value_type = Option<ClaimStatus>))]
    pub status: Option<String>,
    /// 1–100, default 20.
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[cfg_attr(feature = "openapi", param(pattern = "^[0-9]{1,18}$"))]
    pub cursor: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::mask_name;

    #[test]
    fn names_keep_their_first_and_last_characters() {
        assert_eq!(mask_name("张三明"), "张*明");
        assert_eq!(mask_name("欧阳明月"), "欧**月");
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("张"), "张");
        assert_eq!(mask_name(""), "");
    }
}

/// What a correction (更正) reverses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CorrectionKind {
    /// An approved claim (`claim:<id>`).
    Claim,
    /// One villager's part of a staff award or deduction (`award:<id>`).
    Award,
}

impl CorrectionKind {
    /// The stored name, also the prefix of the original's ledger reference.
    pub fn as_str(self) -> &'static str {
        match self {
            CorrectionKind::Claim => "claim",
            CorrectionKind::Award => "award",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<CorrectionKind> {
        [CorrectionKind::Claim, CorrectionKind::Award]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// Body of `POST /admin/corrections` (I) and `POST /admin/corrections/preview`: reverse an
/// approved claim, or one villager's part of an award or deduction, for `reason`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CorrectionRequest {
    pub kind: CorrectionKind,
    /// The claim's or the award's id.
    pub id: i64,
    /// For an award: the villager whose part is reversed (an award of several villagers is
    /// corrected villager by villager). For a claim: absent, or the claimant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<i64>,
    /// 1–100 characters, shown to the villager and on the village board (e.g. 重复审核,
    /// 录入错误). May be empty for a preview.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub reason: String,
}

/// A correction (更正): made (`POST /admin/corrections`, 201) or what one would do now
/// (`POST /admin/corrections/preview`, 200, `id` 0, nothing moved).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Correction {
    /// 0 in a preview.
    pub id: i64,
    pub kind: CorrectionKind,
    /// The claim's or award's id.
    pub original_id: i64,
    /// The villager.
    pub user_id: i64,
    /// Full name of the villager.
    pub user_name: String,
    /// What the original was for: the claim's rule name, the award's reason.
    pub label: String,
    /// Points the correction moves to the villager: negative when it takes back a claim or an
    /// award, positive when it gives back a deduction.
    pub points: i64,
    /// When the villager holds less than a take-back needs: what is taken instead (as
    /// deductions do, the villager never goes below zero; the rest is not turned into a debt).
    pub shortfall: Option<Shortfall>,
    pub reason: String,
    /// The compensating transfer (`null` in a preview, or when nothing could be taken).
    pub transfer_id: Option<i64>,
}

/// A correction as shown next to what it corrected (history, board, claim).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CorrectionNote {
    pub id: i64,
    /// What it corrected: `claim:42`, `award:7`.
    pub original: String,
    /// Points moved to the villager by the correction (+ given back, - taken back).
    pub points: i64,
    /// Why, as the corrector wrote it.
    pub reason: String,
    /// Who corrected (full name: every point is traceable).
    pub actor_name: Option<String>,
    /// RFC 3339, UTC.
    pub created_at: String,
}
