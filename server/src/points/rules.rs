//! The rule catalogue (积分事项): what earns or costs points. The product ships a catalogue a
//! county recognises (垃圾分类, 志愿服务, 孝老爱亲, 参加村民议事会, 夜间巡逻, 矛盾调解, 门前三包,
//! 文明户, 五美庭院, and deductions such as 乱堆乱放 and 违规焚烧; migration `0012_rules`);
//! county admins add county-wide rules and village admins their village's own.
//!
//! Rules: a code of 1–40 `a-z0-9_`, unique within its region (the shipped catalogue is one
//! more region); a name of 1–50 characters; points non-zero within ±1,000; caps 1–100 a day
//! and 1–1,000 a month per person, or none; the region a county or a village.

use crate::error::DomainError;
use jifen_shared::ErrorCode;
use jifen_shared::points::{NewRule, Rule};
use jifen_shared::regions::{RegionCode, RegionLevel};

use crate::storage::{Db, Tx, now_ms};

/// Why a rule cannot be created.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    #[error("code: 1 to 40 of a-z, 0-9 and _")]
    Code,
    #[error("name: {0}")]
    Name(crate::text::NameError),
    #[error("points: a whole number between -1000 and 1000, not 0")]
    Points,
    #[error("daily_cap and monthly_cap: 1–100 a day, 1–1000 a month, or null")]
    Caps,
    #[error("region_code: {0} is not a loaded county or village")]
    Region(RegionCode),
    #[error("region {0} already has a rule with the code {1:?}")]
    Taken(RegionCode, String),
    #[error(transparent)]
    Storage(#[from] sqlx::Error),
}

impl DomainError for RuleError {
    fn code(&self) -> ErrorCode {
        match self {
            RuleError::Taken(..) => ErrorCode::AlreadyExists,
            RuleError::Storage(_) => ErrorCode::Internal,
            _ => ErrorCode::InvalidInput,
        }
    }

    fn wrapped(&self) -> Option<&dyn DomainError> {
        match self {
            RuleError::Storage(e) => Some(e),
            _ => None,
        }
    }
}

/// The rules that apply in `village`: the shipped catalogue, its county's and its own, by id.
pub async fn for_village(db: &Db, village: &RegionCode) -> Result<Vec<Rule>, sqlx::Error> {
    let mut regions = vec![village.to_string()];
    let mut up = village.parent();
    while let Some(code) = up {
        up = code.parent();
        regions.push(code.to_string());
    }
    super::storage::rules_in(db, &regions).await
}

/// Creates a county's or village's rule for `actor_id` (audited as `rule.create`). The caller's
/// right over the region is the policy's to decide, before this is called.
///
/// Errors: [`RuleError::Code`], [`RuleError::Name`], [`RuleError::Points`], [`RuleError::Caps`],
/// [`RuleError::Region`], [`RuleError::Taken`].
pub async fn create(
    db: &Db,
    actor_id: i64,
    region: &RegionCode,
    new: &NewRule,
) -> Result<Rule, RuleError> {
    let code = new.code.trim();
    if code.is_empty()
        || code.len() > 40
        || !code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        return Err(RuleError::Code);
    }
    let name = crate::text::name(&new.name, 50).map_err(RuleError::Name)?;
    if new.points == 0 || new.points.unsigned_abs() > 1000 {
        return Err(RuleError::Points);
    }
    let caps_ok = new.daily_cap.is_none_or(|c| (1..=100).contains(&c))
        && new.monthly_cap.is_none_or(|c| (1..=1000).contains(&c));
    if !caps_ok {
        return Err(RuleError::Caps);
    }
    let level = crate::regions::storage::find(db, region.as_str())
        .await?
        .map(|r| r.level);
    if !matches!(level, Some(RegionLevel::County | RegionLevel::Village)) {
        return Err(RuleError::Region(region.clone()));
    }
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let inserted =
        super::storage::insert_rule(&mut tx, code, &name, new, region.as_str(), now).await?;
    let Some(created) = inserted else {
        return Err(RuleError::Taken(region.clone(), code.to_owned()));
    };
    let record = crate::audit::Record {
        actor_id: Some(actor_id),
        action: "rule.create",
        region,
        target: format!("rule:{}", created.id),
        before: None,
        after: Some(serde_json::to_value(&created).unwrap_or_default()),
    };
    crate::audit::record(&mut tx, record, now).await?;
    tx.commit().await?;
    Ok(created)
}

/// The rule `id`, read inside `tx`.
pub async fn find(tx: &mut Tx, id: i64) -> Result<Option<Rule>, sqlx::Error> {
    super::storage::rule_by_id(tx, id).await
}

/// Whether `rule` applies in `village`: the shipped catalogue everywhere, a county's or a
/// village's rule inside that region.
pub fn applies_in(rule: &Rule, village: &RegionCode) -> bool {
    match rule.region_code.as_deref().map(RegionCode::parse) {
        None => true,
        Some(Ok(region)) => village.is_within(&region),
        Some(Err(_)) => false,
    }
}
