//! SQL of the `point_rules`, `point_rule_settings`, `point_claims`, `claim_photos` and `point_awards` tables (owned by
//! this module), and the reads of the movements' labels ([`labels`]) for the board
//! ([`super::board`], whose movements and rankings are the ledger's figures:
//! [`crate::ledger::figures`]). Times are UTC milliseconds.
//!
//! Reads of other modules' tables, for a report or the board:
//! - `people` ([`crate::people`]): the claimant's and reviewer's names on a claim
//!   ([`claim_by_id`], [`claims_of`], [`claims_for_review`], [`photo_reuse`]), the household
//!   filter of the review queue;
//! - `media` ([`crate::media`]): the pictures' SHA-256, to flag a photo reused in another claim
//!   ([`photo_reuse`]);
//! - `redemptions` and `shops` ([`crate::shop`]), `recycling_dropoffs` ([`crate::recycling`]),
//!   `service_orders` ([`crate::services`]): what a movement is about ([`labels`]).

use std::collections::HashMap;

use jifen_shared::points::{Claim, ClaimStatus, PointsRange, Rule, RuleCategory, RuleSetting};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::calendar::Period;
use crate::storage::{Db, Tx, rfc3339};

// ---- point_rules, point_rule_settings ----

const COLUMNS: &str = "id, code, name, category, points, needs_photo, daily_cap, monthly_cap, \
     active, region_code, for_groups, village_min, village_max";

/// A rule as its owner set it (no county's or village's setting applied).
fn rule(row: &AnyRow) -> Result<Rule, sqlx::Error> {
    let category: String = row.try_get("category")?;
    let groups: String = row.try_get("for_groups")?;
    let points = row.try_get("points")?;
    let active = row.try_get::<i64, _>("active")? == 1;
    Ok(Rule {
        id: row.try_get("id")?,
        code: row.try_get("code")?,
        name: row.try_get("name")?,
        category: RuleCategory::parse(&category).ok_or_else(|| sqlx::Error::ColumnDecode {
            index: "category".into(),
            source: format!("unknown rule category {category:?}").into(),
        })?,
        points,
        needs_photo: row.try_get::<i64, _>("needs_photo")? == 1,
        daily_cap: row.try_get("daily_cap")?,
        monthly_cap: row.try_get("monthly_cap")?,
        active,
        region_code: row.try_get("region_code")?,
        groups: groups
            .split('|')
            .filter(|g| !g.is_empty())
            .map(str::to_owned)
            .collect(),
        base_points: points,
        base_active: active,
        village_points: range(row.try_get("village_min")?, row.try_get("village_max")?),
        settings: Vec::new(),
    })
}

fn range(min: Option<i64>, max: Option<i64>) -> Option<PointsRange> {
    Some(PointsRange {
        min: min?,
        max: max?,
    })
}

/// The rules of the shipped catalogue (no region) and of the regions `regions`, by id.
pub async fn rules_in(db: &Db, regions: &[String]) -> Result<Vec<Rule>, sqlx::Error> {
    let placeholders: Vec<String> = (1..=regions.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT {COLUMNS} FROM point_rules WHERE region_code IS NULL OR region_code IN ({}) ORDER BY id",
        placeholders.join(", ")
    );
    let mut query = sqlx::query(&sql);
    for region in regions {
        query = query.bind(region);
    }
    query
        .fetch_all(db.reader())
        .await?
        .iter()
        .map(rule)
        .collect()
}

/// The fields of a county's or village's own rule, checked and normalised.
pub struct RuleRow<'a> {
    pub name: &'a str,
    pub category: RuleCategory,
    pub points: i64,
    pub needs_photo: bool,
    pub daily_cap: Option<i64>,
    pub monthly_cap: Option<i64>,
    pub active: bool,
    pub groups: &'a [String],
    pub village_points: Option<PointsRange>,
}

/// Binds the fields of `row` as `$2`…`$11` (name, category, points, needs_photo, daily_cap,
/// monthly_cap, active, for_groups, village_min, village_max) after what `query` has bound.
fn bind_row<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    row: &RuleRow<'_>,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    query
        .bind(row.name.to_owned())
        .bind(row.category.as_str())
        .bind(row.points)
        .bind(i64::from(row.needs_photo))
        .bind(row.daily_cap)
        .bind(row.monthly_cap)
        .bind(i64::from(row.active))
        .bind(row.groups.join("|"))
        .bind(row.village_points.map(|r| r.min))
        .bind(row.village_points.map(|r| r.max))
}

/// Inserts the rule `new` with `code` of `region`; the rule as stored, `None` when the region
/// already has a rule with that code.
pub async fn insert_rule(
    tx: &mut Tx,
    code: &str,
    new: &RuleRow<'_>,
    region: &str,
    now: i64,
) -> Result<Option<Rule>, sqlx::Error> {
    let sql = format!(
        "INSERT INTO point_rules (code, name, category, points, needs_photo, daily_cap, \
         monthly_cap, active, for_groups, village_min, village_max, region_code, scope, \
         created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13, $13) \
         ON CONFLICT DO NOTHING RETURNING {COLUMNS}"
    );
    bind_row(sqlx::query(&sql).bind(code.to_owned()), new)
        .bind(region.to_owned())
        .bind(now)
        .fetch_optional(&mut **tx)
        .await?
        .as_ref()
        .map(rule)
        .transpose()
}

/// Replaces the owner's fields of rule `id` (its code and region stay); the rule as stored.
pub async fn update_rule(
    tx: &mut Tx,
    id: i64,
    new: &RuleRow<'_>,
    now: i64,
) -> Result<Option<Rule>, sqlx::Error> {
    let sql = format!(
        "UPDATE point_rules SET name = $2, category = $3, points = $4, needs_photo = $5, \
         daily_cap = $6, monthly_cap = $7, active = $8, for_groups = $9, village_min = $10, \
         village_max = $11, updated_at = $12 WHERE id = $1 RETURNING {COLUMNS}"
    );
    bind_row(sqlx::query(&sql).bind(id), new)
        .bind(now)
        .fetch_optional(&mut **tx)
        .await?
        .as_ref()
        .map(rule)
        .transpose()
}

/// The rule `id`, inside `tx`.
pub async fn rule_by_id(tx: &mut Tx, id: i64) -> Result<Option<Rule>, sqlx::Error> {
    rule_in(&mut **tx, id).await
}

/// The rule `id`, through `executor` (a pool or a transaction).
pub async fn rule_in<'e, E>(executor: E, id: i64) -> Result<Option<Rule>, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query(&format!("SELECT {COLUMNS} FROM point_rules WHERE id = $1"))
        .bind(id)
        .fetch_optional(executor)
        .await?
        .as_ref()
        .map(rule)
        .transpose()
}

/// The settings of the regions `regions` (a village and those above it), by rule id.
pub async fn settings_in<'e, E>(
    executor: E,
    regions: &[String],
) -> Result<HashMap<i64, Vec<RuleSetting>>, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let placeholders: Vec<String> = (1..=regions.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT rule_id, region_code, active, points, village_min, village_max \
         FROM point_rule_settings WHERE region_code IN ({}) ORDER BY rule_id, region_code",
        placeholders.join(", ")
    );
    let mut query = sqlx::query(&sql);
    for region in regions {
        query = query.bind(region);
    }
    let mut settings: HashMap<i64, Vec<RuleSetting>> = HashMap::new();
    for row in query.fetch_all(executor).await? {
        settings
            .entry(row.try_get("rule_id")?)
            .or_default()
            .push(RuleSetting {
                region_code: row.try_get("region_code")?,
                active: row.try_get::<i64, _>("active")? == 1,
                points: row.try_get("points")?,
                village_points: range(row.try_get("village_min")?, row.try_get("village_max")?),
            });
    }
    Ok(settings)
}

/// Stores `region`'s setting of rule `rule_id` by `actor_id`, or deletes it (`None`).
pub async fn put_setting(
    tx: &mut Tx,
    rule_id: i64,
    region: &str,
    setting: Option<&RuleSetting>,
    actor_id: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    let Some(setting) = setting else {
        sqlx::query("DELETE FROM point_rule_settings WHERE rule_id = $1 AND region_code = $2")
            .bind(rule_id)
            .bind(region)
            .execute(&mut **tx)
            .await?;
        return Ok(());
    };
    sqlx::query(
        "INSERT INTO point_rule_settings (rule_id, region_code, active, points, village_min, \
         village_max, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (rule_id, region_code) DO UPDATE SET active = excluded.active, \
         points = excluded.points, village_min = excluded.village_min, \
         village_max = excluded.village_max, updated_by = excluded.updated_by, \
         updated_at = excluded.updated_at",
    )
    .bind(rule_id)
    .bind(region)
    .bind(i64::from(setting.active))
    .bind(setting.points)
    .bind(setting.village_points.map(|r| r.min))
    .bind(setting.village_points.map(|r| r.max))
    .bind(actor_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

// ---- point_awards ----

/// Inserts an award (or, with negative `points`, a deduction) by `actor_id`, by rule `rule_id`
/// or none; its id.
pub async fn insert_award(
    tx: &mut Tx,
    actor_id: i64,
    points: i64,
    reason: &str,
    rule_id: Option<i64>,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO point_awards (actor_id, points, reason, rule_id, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(actor_id)
    .bind(points)
    .bind(reason)
    .bind(rule_id)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
}

/// Award `id` as `(actor id, points, reason)`.
pub async fn award_by_id(tx: &mut Tx, id: i64) -> Result<Option<(i64, i64, String)>, sqlx::Error> {
    sqlx::query_as("SELECT actor_id, points, reason FROM point_awards WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await
}

// ---- point_corrections ----

/// A correction, as [`insert_correction`] stores it (see [`super::corrections`]).
#[derive(Debug, Clone, Copy)]
pub struct NewCorrectionRow<'a> {
    /// `claim` or `award`.
    pub kind: &'a str,
    pub original_id: i64,
    pub person_id: i64,
    /// Points to move to the villager (+ given back, - taken back).
    pub points: i64,
    pub reason: &'a str,
    pub actor_id: i64,
}

/// Inserts a correction (nothing moved yet) unless the original was corrected for this
/// villager already — by an earlier or a concurrent, now committed, transaction (`None`; the
/// conflict does not abort the transaction).
pub async fn insert_correction(
    tx: &mut Tx,
    c: &NewCorrectionRow<'_>,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO point_corrections (original_kind, original_id, person_id, points, moved, \
         reason, actor_id, created_at) VALUES ($1, $2, $3, $4, 0, $5, $6, $7) \
         ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(c.kind)
    .bind(c.original_id)
    .bind(c.person_id)
    .bind(c.points)
    .bind(c.reason)
    .bind(c.actor_id)
    .bind(now)
    .fetch_optional(&mut **tx)
    .await
}

/// Records the points correction `id` moved.
pub async fn set_correction_moved(tx: &mut Tx, id: i64, moved: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE point_corrections SET moved = $2 WHERE id = $1")
        .bind(id)
        .bind(moved)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The correction of `kind` (`claim`, `award`) `original_id` for `person_id`, if any.
pub async fn correction_of(
    tx: &mut Tx,
    kind: &str,
    original_id: i64,
    person_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM point_corrections WHERE original_kind = $1 AND original_id = $2 \
         AND person_id = $3",
    )
    .bind(kind)
    .bind(original_id)
    .bind(person_id)
    .fetch_optional(&mut **tx)
    .await
}

/// The corrections with ids `ids`, or of the claims `claims` or awards `awards`, as
/// `(villager id, note)`.
pub async fn corrections_for(
    db: &Db,
    ids: &[i64],
    claims: &[i64],
    awards: &[i64],
) -> Result<Vec<(i64, jifen_shared::points::CorrectionNote)>, sqlx::Error> {
    let list = |ids: &[i64]| match ids.is_empty() {
        true => "NULL".to_owned(),
        false => id_list(ids),
    };
    let rows = sqlx::query(&format!(
        "SELECT c.id, c.original_kind, c.original_id, c.person_id, c.points, c.moved, c.reason, \
         c.created_at, a.name AS actor_name FROM point_corrections c \
         LEFT JOIN people a ON a.id = c.actor_id WHERE c.id IN ({}) \
         OR (c.original_kind = 'claim' AND c.original_id IN ({})) \
         OR (c.original_kind = 'award' AND c.original_id IN ({}))",
        list(ids),
        list(claims),
        list(awards)
    ))
    .fetch_all(db.reader())
    .await?;
    rows.iter()
        .map(|r| {
            let kind: String = r.try_get("original_kind")?;
            let original_id: i64 = r.try_get("original_id")?;
            let points: i64 = r.try_get("points")?;
            let moved: i64 = r.try_get("moved")?;
            Ok((
                r.try_get("person_id")?,
                jifen_shared::points::CorrectionNote {
                    id: r.try_get("id")?,
                    original: format!("{kind}:{original_id}"),
                    points: points.signum() * moved,
                    reason: r.try_get("reason")?,
                    actor_name: r.try_get("actor_name")?,
                    created_at: rfc3339(r.try_get("created_at")?),
                },
            ))
        })
        .collect()
}

// ---- award_limits ----

/// How much a grid worker may award in `county`: (per day in all, per villager per day);
/// (0, 0) when the county has not set it.
pub async fn award_limits(tx: &mut Tx, county: &str) -> Result<(i64, i64), sqlx::Error> {
    let row: Option<(i64, i64)> = sqlx::query_as(
        "SELECT daily_points, villager_daily_points FROM award_limits WHERE county_code = $1",
    )
    .bind(county)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.unwrap_or((0, 0)))
}

/// Sets `county`'s limits by `actor_id`; the limits before.
pub async fn set_award_limits(
    tx: &mut Tx,
    county: &str,
    (daily, villager_daily): (i64, i64),
    actor_id: i64,
    now: i64,
) -> Result<(i64, i64), sqlx::Error> {
    let before = award_limits(tx, county).await?;
    sqlx::query(
        "INSERT INTO award_limits (county_code, daily_points, villager_daily_points, updated_by, updated_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (county_code) DO UPDATE SET \
         daily_points = excluded.daily_points, villager_daily_points = excluded.villager_daily_points, \
         updated_by = excluded.updated_by, updated_at = excluded.updated_at",
    )
    .bind(county)
    .bind(daily)
    .bind(villager_daily)
    .bind(actor_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(before)
}

/// The points `actor_id` awarded during `period` (the award transfers they made): in all, and
/// by villager (person id).
pub async fn awarded_by(
    tx: &mut Tx,
    actor_id: i64,
    period: Period,
) -> Result<(i64, HashMap<i64, i64>), sqlx::Error> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT a.person_id, CAST(SUM(t.amount) AS BIGINT) FROM ledger_transfers t \
         JOIN ledger_accounts a ON a.id = t.credit_account_id \
         WHERE t.actor_id = $1 AND t.reason = 'award' AND t.created_at >= $2 AND t.created_at < $3 \
         GROUP BY a.person_id",
    )
    .bind(actor_id)
    .bind(period.start)
    .bind(period.end)
    .fetch_all(&mut **tx)
    .await?;
    let total = rows.iter().map(|(_, points)| points).sum();
    Ok((total, rows.into_iter().collect()))
}

// ---- point_claims and claim_photos ----

/// A claim as answered: its columns ([`claim`]) read from [`CLAIM_FROM`].
const CLAIM_COLUMNS: &str = "c.id, c.status, c.rule_id, r.name AS rule_name, c.points, c.note, \
     c.claimant_id, p.name AS claimant_name, c.village_code, c.region_code, \
     rv.name AS reviewer_name, c.review_reason, c.reviewed_at, c.created_at, c.escalated_at, \
     pc.id AS correction_id, pc.points AS correction_points, pc.moved AS correction_moved, \
     pc.reason AS correction_reason, pc.created_at AS corrected_at, pca.name AS corrector_name, \
     pa.receipt_no AS proxy_receipt, pag.name AS proxy_agent, pas.kind AS proxy_kind";
/// A claim `c` with its rule `r`, claimant `p`, reviewer `rv` (if any), correction `pc`
/// by `pca` (if any) and the proxy action that made it (`pa`, if any:
/// [`crate::proxy::storage::note_of`]).
const CLAIM_FROM: &str = "point_claims c JOIN point_rules r ON r.id = c.rule_id \
     JOIN people p ON p.id = c.claimant_id LEFT JOIN people rv ON rv.id = c.reviewer_id \
     LEFT JOIN point_corrections pc ON pc.original_kind = 'claim' AND pc.original_id = c.id \
     LEFT JOIN people pca ON pca.id = pc.actor_id \
     LEFT JOIN proxy_actions pa ON pa.subject = 'claim:' || CAST(c.id AS TEXT) \
     LEFT JOIN proxy_sessions pas ON pas.id = pa.session_id \
     LEFT JOIN people pag ON pag.id = pa.agent_id";

/// A claim of [`CLAIM_COLUMNS`], without its photos.
fn claim(row: &AnyRow) -> Result<Claim, sqlx::Error> {
    let status: String = row.try_get("status")?;
    let village_code: String = row.try_get("village_code")?;
    let region_code: String = row.try_get("region_code")?;
    Ok(Claim {
        id: row.try_get("id")?,
        status: ClaimStatus::parse(&status).ok_or_else(|| sqlx::Error::ColumnDecode {
            index: "status".into(),
            source: format!("unknown claim status {status:?}").into(),
        })?,
        rule_id: row.try_get("rule_id")?,
        rule_name: row.try_get("rule_name")?,
        points: row.try_get("points")?,
        note: row.try_get("note")?,
        photos: Vec::new(),
        claimant_id: row.try_get("claimant_id")?,
        claimant_name: row.try_get("claimant_name")?,
        grid_code: (region_code != village_code).then_some(region_code),
        village_code,
        reviewer_name: row.try_get("reviewer_name")?,
        review_reason: row.try_get("review_reason")?,
        reviewed_at: row.try_get::<Option<i64>, _>("reviewed_at")?.map(rfc3339),
        created_at: rfc3339(row.try_get("created_at")?),
        escalated_at: row.try_get::<Option<i64>, _>("escalated_at")?.map(rfc3339),
        correction: match row.try_get::<Option<i64>, _>("correction_id")? {
            None => None,
            Some(correction_id) => {
                let points: i64 = row.try_get("correction_points")?;
                let moved: i64 = row.try_get("correction_moved")?;
                Some(jifen_shared::points::CorrectionNote {
                    id: correction_id,
                    original: format!("claim:{}", row.try_get::<i64, _>("id")?),
                    points: points.signum() * moved,
                    reason: row.try_get("correction_reason")?,
                    actor_name: row.try_get("corrector_name")?,
                    created_at: rfc3339(row.try_get("corrected_at")?),
                })
            }
        },
        proxy: crate::proxy::storage::note_of(row)?,
    })
}

/// A new claim, as [`insert_claim`] stores it.
#[derive(Debug, Clone, Copy)]
pub struct NewClaimRow<'a> {
    pub claimant_id: i64,
    pub rule_id: i64,
    /// The rule's points when the claim is made.
    pub points: i64,
    pub note: &'a str,
    pub village_code: &'a str,
    /// The claimant's grid, or their village when they live in no grid.
    pub region_code: &'a str,
}

/// Inserts a pending claim made at `now`; its id.
pub async fn insert_claim(tx: &mut Tx, c: &NewClaimRow<'_>, now: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO point_claims (claimant_id, rule_id, points, note, village_code, region_code, status, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7) RETURNING id",
    )
    .bind(c.claimant_id)
    .bind(c.rule_id)
    .bind(c.points)
    .bind(c.note)
    .bind(c.village_code)
    .bind(c.region_code)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
}

/// Attaches the photos `media_ids` to claim `claim_id`, in order.
pub async fn insert_photos(
    tx: &mut Tx,
    claim_id: i64,
    media_ids: &[i64],
) -> Result<(), sqlx::Error> {
    for (position, media_id) in media_ids.iter().enumerate() {
        sqlx::query("INSERT INTO claim_photos (claim_id, media_id, position) VALUES ($1, $2, $3)")
            .bind(claim_id)
            .bind(media_id)
            .bind(position as i64)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// How many claims of `claimant_id` by rule `rule_id` were made in `period` and are approved,
/// or with `with_pending` approved or pending.
pub async fn count_claims_in(
    tx: &mut Tx,
    claimant_id: i64,
    rule_id: i64,
    period: Period,
    with_pending: bool,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COUNT(*) AS n FROM point_claims WHERE claimant_id = $1 AND rule_id = $2 \
         AND created_at >= $3 AND created_at < $4 \
         AND (status = 'approved' OR ($5 = 1 AND status = 'pending'))",
    )
    .bind(claimant_id)
    .bind(rule_id)
    .bind(period.start)
    .bind(period.end)
    .bind(i64::from(with_pending))
    .fetch_one(&mut **tx)
    .await
}

/// Decides claim `id` if it is still pending: sets its `status`, reviewer, reason (a
/// rejection's) and review time. The number of claims decided: 0 when it was not pending.
pub async fn set_decision(
    tx: &mut Tx,
    id: i64,
    status: ClaimStatus,
    reviewer_id: i64,
    reason: Option<&str>,
    now: i64,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE point_claims SET status = $2, reviewer_id = $3, review_reason = $4, reviewed_at = $5 \
         WHERE id = $1 AND status = 'pending'",
    )
    .bind(id)
    .bind(status.as_str())
    .bind(reviewer_id)
    .bind(reason)
    .bind(now)
    .execute(&mut **tx)
    .await?
    .rows_affected())
}

/// When claim `id` was made (an error when there is no such claim).
pub async fn claim_created_at(tx: &mut Tx, id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT created_at FROM point_claims WHERE id = $1")
        .bind(id)
        .fetch_one(&mut **tx)
        .await
}

/// Who decided claim `id`, `None` while it is pending (an error when there is no such claim).
pub async fn claim_reviewer(tx: &mut Tx, id: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT reviewer_id FROM point_claims WHERE id = $1")
        .bind(id)
        .fetch_one(&mut **tx)
        .await
}

/// Claim `id`, without its photos.
pub async fn claim_by_id(tx: &mut Tx, id: i64) -> Result<Option<Claim>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {CLAIM_COLUMNS} FROM {CLAIM_FROM} WHERE c.id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?
    .as_ref()
    .map(claim)
    .transpose()
}

/// The claims of `claimant_id` below id `before_id`, newest first, at most `limit`, without
/// their photos.
pub async fn claims_of(
    db: &Db,
    claimant_id: i64,
    before_id: i64,
    limit: i64,
) -> Result<Vec<Claim>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {CLAIM_COLUMNS} FROM {CLAIM_FROM} WHERE c.claimant_id = $1 AND c.id < $2 \
         ORDER BY c.id DESC LIMIT $3"
    ))
    .bind(claimant_id)
    .bind(before_id)
    .bind(limit)
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(claim)
    .collect()
}

/// The claims in `status` whose `region_code` starts with one of `region_prefixes` (`<code>%`;
/// at least one), never `reviewer_id`'s own nor, given `household` (`(village code,
/// household)`), those of claimants of that household; at most `limit`, without their photos.
/// Pending claims come oldest first after id `start`, decided ones newest first below it.
pub async fn claims_for_review(
    db: &Db,
    status: ClaimStatus,
    start: i64,
    limit: i64,
    reviewer_id: i64,
    region_prefixes: &[String],
    household: Option<(&str, &str)>,
) -> Result<Vec<Claim>, sqlx::Error> {
    let (order, after) = match status {
        ClaimStatus::Pending => ("ASC", "c.id > $2"),
        _ => ("DESC", "c.id < $2"),
    };
    let sql = format!(
        "SELECT {CLAIM_COLUMNS} FROM {CLAIM_FROM} WHERE c.status = $1 AND {after} \
         AND {} ORDER BY c.id {order} LIMIT $3",
        reviewable(4, region_prefixes.len(), household.is_some())
    );
    let query = sqlx::query(&sql)
        .bind(status.as_str())
        .bind(start)
        .bind(limit);
    bind_reviewer(query, reviewer_id, region_prefixes, household)
        .fetch_all(db.reader())
        .await?
        .iter()
        .map(claim)
        .collect()
}

/// The filter of the claims `c` (joined with their claimant `p`) a reviewer may decide, its
/// parameters from `$first` on as [`bind_reviewer`] binds them: not the reviewer's own
/// (`$first`), inside one of `regions` prefixes, and with `household` not of the reviewer's
/// household.
fn reviewable(first: usize, regions: usize, household: bool) -> String {
    // Region codes nest by prefix (a grid is `<village>-NNN`): a prefix match finds the claims
    // of a grid, or of every grid and village inside a village, township or county.
    let within: Vec<String> = (0..regions)
        .map(|i| format!("c.region_code LIKE ${}", first + 1 + i))
        .collect();
    let not_household = if household {
        format!(
            " AND (p.village_code <> ${v} OR p.household IS NULL OR p.household <> ${h})",
            v = first + 1 + regions,
            h = first + 2 + regions
        )
    } else {
        String::new()
    };
    format!(
        "c.claimant_id <> ${first} AND ({}){not_household}",
        within.join(" OR ")
    )
}

/// Binds the parameters of [`reviewable`] in its order.
fn bind_reviewer<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    reviewer_id: i64,
    region_prefixes: &'q [String],
    household: Option<(&'q str, &'q str)>,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    query = query.bind(reviewer_id);
    for region in region_prefixes {
        query = query.bind(region.as_str());
    }
    if let Some((village, household)) = household {
        query = query.bind(village).bind(household);
    }
    query
}

/// How many pending claims reviewer `reviewer_id` may decide in `region_prefixes` (at least
/// one; `household` as [`claims_for_review`]), read inside `tx`: all of them, and those of
/// them that are overdue (escalated, 审核超时).
pub async fn count_for_review(
    tx: &mut Tx,
    reviewer_id: i64,
    region_prefixes: &[String],
    household: Option<(&str, &str)>,
) -> Result<(i64, i64), sqlx::Error> {
    let sql = format!(
        "SELECT CAST(COUNT(*) AS BIGINT) AS waiting, CAST(COUNT(c.escalated_at) AS BIGINT) AS overdue \
         FROM point_claims c JOIN people p ON p.id = c.claimant_id \
         WHERE c.status = 'pending' AND {}",
        reviewable(1, region_prefixes.len(), household.is_some())
    );
    let row = bind_reviewer(sqlx::query(&sql), reviewer_id, region_prefixes, household)
        .fetch_one(&mut **tx)
        .await?;
    Ok((row.try_get("waiting")?, row.try_get("overdue")?))
}

/// Pending claims made at or before `made_by` (UTC ms) and not yet escalated, oldest first, at
/// most `limit`: the ones the sweep sends up (审核超时).
pub async fn overdue_claims(db: &Db, made_by: i64, limit: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM point_claims WHERE status = 'pending' AND escalated_at IS NULL \
         AND created_at <= $1 ORDER BY created_at, id LIMIT $2",
    )
    .bind(made_by)
    .bind(limit)
    .fetch_all(db.reader())
    .await
}

/// Marks claim `id` escalated at `now` if it is still pending, made at or before `made_by`
/// and not escalated yet; its `(region_code, village_code)` when it did.
pub async fn set_escalated(
    tx: &mut Tx,
    id: i64,
    made_by: i64,
    now: i64,
) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "UPDATE point_claims SET escalated_at = $3 WHERE id = $1 AND status = 'pending' \
         AND escalated_at IS NULL AND created_at <= $2 RETURNING region_code, village_code",
    )
    .bind(id)
    .bind(made_by)
    .bind(now)
    .fetch_optional(&mut **tx)
    .await
}

/// `ids` as the list inside `IN (…)`.
fn id_list(ids: &[i64]) -> String {
    let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
    ids.join(", ")
}

/// The photos of the claims `claim_ids` (at least one) as `(claim id, media id)`, by claim and
/// in order.
pub async fn photos_of<'e>(
    exec: impl sqlx::Executor<'e, Database = sqlx::Any>,
    claim_ids: &[i64],
) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    let ids = id_list(claim_ids);
    sqlx::query_as(&format!(
        "SELECT claim_id, media_id FROM claim_photos WHERE claim_id IN ({ids}) ORDER BY claim_id, position"
    ))
    .fetch_all(exec)
    .await
}

/// A photo of a claim whose picture (same SHA-256) is attached to another claim.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReuseRow {
    pub claim_id: i64,
    pub media_id: i64,
    /// The other claim.
    pub other_id: i64,
    /// The other claim's claimant, unmasked.
    pub claimant_name: String,
    /// The other claim's rule.
    pub rule_name: String,
    /// When the other claim was made.
    pub created_at: i64,
}

/// The photos of the claims `claim_ids` (at least one) whose picture is attached to other
/// claims, one row per other claim's photo, by other claim.
pub async fn photo_reuse<'e>(
    exec: impl sqlx::Executor<'e, Database = sqlx::Any>,
    claim_ids: &[i64],
) -> Result<Vec<ReuseRow>, sqlx::Error> {
    let ids = id_list(claim_ids);
    sqlx::query_as(&format!(
        "SELECT cp.claim_id, cp.media_id, oc.id AS other_id, op.name AS claimant_name, \
                orl.name AS rule_name, oc.created_at \
         FROM claim_photos cp JOIN media m ON m.id = cp.media_id \
         JOIN media om ON om.sha256 = m.sha256 \
         JOIN claim_photos ocp ON ocp.media_id = om.id AND ocp.claim_id <> cp.claim_id \
         JOIN point_claims oc ON oc.id = ocp.claim_id \
         JOIN people op ON op.id = oc.claimant_id JOIN point_rules orl ON orl.id = oc.rule_id \
         WHERE cp.claim_id IN ({ids}) ORDER BY oc.id"
    ))
    .fetch_all(exec)
    .await
}

/// The claims photo `media_id` is attached to, as `(claimant id, region code)`.
pub async fn claims_with_photo(db: &Db, media_id: i64) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.claimant_id, c.region_code FROM claim_photos p \
         JOIN point_claims c ON c.id = p.claim_id WHERE p.media_id = $1",
    )
    .bind(media_id)
    .fetch_all(db.reader())
    .await
}

// ---- labels (reads `redemptions`, `shops`, `recycling_dropoffs` and `service_orders`) ----

/// What each of `references` (`claim:<id>`, `award:<id>`, `redemption:<id>`,
/// `recycling:<id>`, `order:<id>`) is about, by reference: a claim's rule name, an award's
/// reason, a redemption's shop, a drop-off's summary, a service order's type. References of
/// another shape, or to nothing, are left out.
pub async fn labels(
    db: &Db,
    references: &[String],
) -> Result<HashMap<String, String>, sqlx::Error> {
    // A correction is about what it corrected: its original's label.
    let corrections: Vec<i64> = references
        .iter()
        .filter_map(|r| r.strip_prefix("correction:")?.parse().ok())
        .collect();
    let mut originals: Vec<(String, String)> = Vec::new();
    if !corrections.is_empty() {
        for r in sqlx::query(&format!(
            "SELECT id, original_kind, original_id FROM point_corrections WHERE id IN ({})",
            id_list(&corrections)
        ))
        .fetch_all(db.reader())
        .await?
        {
            let (id, kind, original): (i64, String, i64) = (
                r.try_get("id")?,
                r.try_get("original_kind")?,
                r.try_get("original_id")?,
            );
            originals.push((format!("correction:{id}"), format!("{kind}:{original}")));
        }
    }
    let all: Vec<&String> = references
        .iter()
        .chain(originals.iter().map(|(_, o)| o))
        .collect();
    let ids = |prefix: &str| -> String {
        all.iter()
            .filter_map(|r| r.strip_prefix(prefix)?.parse::<i64>().ok())
            .map(|id| id.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut labels = HashMap::new();
    let queries = [
        (
            "claim:",
            "SELECT c.id, r.name AS label FROM point_claims c JOIN point_rules r ON r.id = c.rule_id WHERE c.id IN",
        ),
        (
            "award:",
            "SELECT id, reason AS label FROM point_awards WHERE id IN",
        ),
        (
            "redemption:",
            "SELECT r.id, s.name AS label FROM redemptions r JOIN shops s ON s.id = r.shop_id WHERE r.id IN",
        ),
        (
            "recycling:",
            "SELECT id, summary AS label FROM recycling_dropoffs WHERE id IN",
        ),
        (
            "order:",
            "SELECT id, type_name AS label FROM service_orders WHERE id IN",
        ),
    ];
    for (prefix, sql) in queries {
        let ids = ids(prefix);
        if ids.is_empty() {
            continue;
        }
        for r in sqlx::query(&format!("{sql} ({ids})"))
            .fetch_all(db.reader())
            .await?
        {
            let id: i64 = r.try_get("id")?;
            labels.insert(format!("{prefix}{id}"), r.try_get("label")?);
        }
    }
    for (correction, original) in originals {
        if let Some(label) = labels.get(&original).cloned() {
            labels.insert(correction, label);
        }
    }
    Ok(labels)
}

/// The ids of `claimant_id`'s pending claims, oldest first.
pub async fn pending_claims_of(tx: &mut Tx, claimant_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM point_claims WHERE claimant_id = $1 AND status = 'pending' ORDER BY id",
    )
    .bind(claimant_id)
    .fetch_all(&mut **tx)
    .await
}
