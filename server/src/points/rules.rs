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
use jifen_shared::people::GROUP_TAGS;
use jifen_shared::points::{
    NewRule, PointsRange, Rule, RuleSetting, RuleSettingUpdate, RuleUpdate,
};
use jifen_shared::regions::{RegionCode, RegionLevel};

use crate::storage::{Db, Tx, now_ms};

/// The longest rule name, in characters.
pub const MAX_NAME_CHARS: usize = 50;
/// The most points a rule gives or takes (either sign, never 0).
pub const MAX_POINTS: i64 = 1000;
/// The highest cap per person per county day.
pub const MAX_DAILY_CAP: i64 = 100;
/// The highest cap per person per county month.
pub const MAX_MONTHLY_CAP: i64 = 1000;

/// Why a rule cannot be created, changed or set.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    #[error("code: 1 to 40 of a-z, 0-9 and _")]
    Code,
    #[error("name: {0}")]
    Name(crate::text::NameError),
    #[error("points: a whole number between -{MAX_POINTS} and {MAX_POINTS}, not 0")]
    Points,
    #[error(
        "daily_cap and monthly_cap: 1–{MAX_DAILY_CAP} a day, 1–{MAX_MONTHLY_CAP} a month (not below the daily cap), or null"
    )]
    Caps,
    #[error("groups: each one of {GROUP_TAGS:?}, at most once")]
    Groups,
    #[error(
        "village_points: min <= max, each between -1000 and 1000 with the sign of the rule's points, holding the county's own points; only a county sets them, for a county or shipped rule"
    )]
    Bounds,
    #[error("points: {0}")]
    OutOfBounds(String),
    #[error("region_code: {0} is not a loaded county or village")]
    Region(RegionCode),
    #[error("region {0} already has a rule with the code {1:?}")]
    Taken(RegionCode, String),
    #[error("no rule {0}")]
    NotFound(i64),
    #[error("rule {0} does not apply in {1}")]
    NotThere(i64, RegionCode),
    #[error("{0}")]
    NotYours(String),
    #[error(transparent)]
    Storage(#[from] sqlx::Error),
}

impl DomainError for RuleError {
    fn code(&self) -> ErrorCode {
        match self {
            RuleError::Taken(..) => ErrorCode::AlreadyExists,
            RuleError::NotFound(_) => ErrorCode::NotFound,
            RuleError::NotYours(_) => ErrorCode::Forbidden,
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

/// `region` and the regions above it, nearest first (a village, its township, its county…).
fn with_ancestors(region: &RegionCode) -> Vec<String> {
    let mut regions = vec![region.to_string()];
    let mut up = region.parent();
    while let Some(code) = up {
        up = code.parent();
        regions.push(code.to_string());
    }
    regions
}

/// The rules of `place` as they apply there, by id: for a county the shipped catalogue and
/// the county's own with the county's settings; for a village also its own, with its county's
/// and its own settings.
pub async fn for_place(db: &Db, place: &RegionCode) -> Result<Vec<Rule>, sqlx::Error> {
    let regions = with_ancestors(place);
    let rules = super::storage::rules_in(db, &regions).await?;
    let mut settings = super::storage::settings_in(db.reader(), &regions).await?;
    Ok(rules
        .into_iter()
        .map(|rule| {
            let own = settings.remove(&rule.id).unwrap_or_default();
            apply(rule, own)
        })
        .collect())
}

/// `rule` (as its owner set it) with `settings` of the place read applied, the county's
/// before the village's: each can switch it off; the county's points replace the owner's and
/// its bounds the owner's; the village's points count within the bounds in force (clamped to
/// them, should the county have narrowed them since, and ignored if it has withdrawn them).
fn apply(mut rule: Rule, mut settings: Vec<RuleSetting>) -> Rule {
    settings.sort_by_key(|s| s.region_code.len());
    for setting in &settings {
        rule.active &= setting.active;
        let is_village = RegionCode::parse(&setting.region_code)
            .is_ok_and(|c| c.level() == RegionLevel::Village);
        match (is_village, setting.points) {
            (false, Some(points)) => rule.points = points,
            (true, Some(points)) => {
                if let Some(range) = rule.village_points {
                    rule.points = points.clamp(range.min, range.max);
                }
            }
            (_, None) => {}
        }
        if !is_village && setting.village_points.is_some() {
            rule.village_points = setting.village_points;
        }
    }
    rule.settings = settings;
    rule
}

/// The rule `id` as it applies in `village` (settings applied), if it applies there at all.
pub async fn find_in(
    tx: &mut Tx,
    id: i64,
    village: &RegionCode,
) -> Result<Option<Rule>, sqlx::Error> {
    let Some(rule) = super::storage::rule_by_id(tx, id).await? else {
        return Ok(None);
    };
    Ok(across(tx, &rule, &[village]).await?.pop().flatten())
}

/// `rule` (as its owner set it) as it applies in each of `villages`, in their order (`None`
/// where it does not apply); the settings of all of them are read at once.
pub async fn across(
    tx: &mut Tx,
    rule: &Rule,
    villages: &[&RegionCode],
) -> Result<Vec<Option<Rule>>, sqlx::Error> {
    let mut regions: Vec<String> = villages.iter().flat_map(|v| with_ancestors(v)).collect();
    regions.sort_unstable();
    regions.dedup();
    let settings = super::storage::settings_in(&mut **tx, &regions)
        .await?
        .remove(&rule.id)
        .unwrap_or_default();
    Ok(villages
        .iter()
        .map(|village| {
            applies_in(rule, village).then(|| {
                let here = settings
                    .iter()
                    .filter(|s| {
                        RegionCode::parse(&s.region_code).is_ok_and(|r| village.is_within(&r))
                    })
                    .cloned()
                    .collect();
                apply(rule.clone(), here)
            })
        })
        .collect())
}

/// Whether a villager with `tags` may claim `rule`: it is for every villager (no groups, or
/// 村民 among them), or they carry one of its groups.
pub fn open_to(rule: &Rule, tags: &[String]) -> bool {
    rule.groups.is_empty()
        || rule.groups.iter().any(|g| g == "村民")
        || rule.groups.iter().any(|g| tags.contains(g))
}

/// A rule's name and groups, checked and normalised.
struct Checked {
    name: String,
    groups: Vec<String>,
}

impl Checked {
    /// The row to store: `change` with the checked name and groups.
    fn row<'a>(&'a self, change: &RuleUpdate) -> super::storage::RuleRow<'a> {
        super::storage::RuleRow {
            name: &self.name,
            category: change.category,
            points: change.points,
            needs_photo: change.needs_photo,
            daily_cap: change.daily_cap,
            monthly_cap: change.monthly_cap,
            active: change.active,
            groups: &self.groups,
            village_points: change.village_points,
        }
    }
}

/// Checks what a county's or village's own rule may hold; `county_rule`: the rule belongs to a
/// county (only those have bounds for villages).
fn check(change: &RuleUpdate, county_rule: bool) -> Result<Checked, RuleError> {
    let name = crate::text::name(&change.name, MAX_NAME_CHARS).map_err(RuleError::Name)?;
    if !points_ok(change.points) {
        return Err(RuleError::Points);
    }
    let caps_ok = change
        .daily_cap
        .is_none_or(|c| (1..=MAX_DAILY_CAP).contains(&c))
        && change
            .monthly_cap
            .is_none_or(|c| (1..=MAX_MONTHLY_CAP).contains(&c))
        && !matches!((change.daily_cap, change.monthly_cap), (Some(d), Some(m)) if d > m);
    if !caps_ok {
        return Err(RuleError::Caps);
    }
    let mut groups: Vec<String> = Vec::with_capacity(change.groups.len());
    for group in &change.groups {
        let group = group.trim();
        if !GROUP_TAGS.contains(&group) || groups.iter().any(|g| g == group) {
            return Err(RuleError::Groups);
        }
        groups.push(group.to_owned());
    }
    groups.sort_by_key(|g| GROUP_TAGS.iter().position(|t| t == g));
    if let Some(range) = change.village_points
        && (!county_rule
            || !bounds_ok(range, change.points)
            || !(range.min..=range.max).contains(&change.points))
    {
        return Err(RuleError::Bounds);
    }
    Ok(Checked { name, groups })
}

fn points_ok(points: i64) -> bool {
    points != 0 && points.unsigned_abs() <= MAX_POINTS as u64
}

/// Bounds for villages' points: ordered, valid points, the sign of the rule's `points`.
fn bounds_ok(range: PointsRange, points: i64) -> bool {
    points_ok(range.min)
        && points_ok(range.max)
        && range.min <= range.max
        && range.min.signum() == points.signum()
        && range.max.signum() == points.signum()
}

/// Creates a county's or village's rule for `actor_id` (audited as `rule.create`). The caller's
/// right over the region is the policy's to decide, before this is called.
///
/// Errors: [`RuleError::Code`], [`RuleError::Name`], [`RuleError::Points`], [`RuleError::Caps`],
/// [`RuleError::Groups`], [`RuleError::Bounds`], [`RuleError::Region`], [`RuleError::Taken`].
pub async fn create(
    db: &Db,
    actor_id: i64,
    region: &RegionCode,
    new: &NewRule,
) -> Result<Rule, RuleError> {
    let code = new.code.trim();
    if !jifen_shared::catalogue::code_ok(code) {
        return Err(RuleError::Code);
    }
    let level = crate::regions::storage::find(db, region.as_str())
        .await?
        .map(|r| r.level);
    if !matches!(level, Some(RegionLevel::County | RegionLevel::Village)) {
        return Err(RuleError::Region(region.clone()));
    }
    let change = RuleUpdate {
        name: new.name.clone(),
        category: new.category,
        points: new.points,
        needs_photo: new.needs_photo,
        daily_cap: new.daily_cap,
        monthly_cap: new.monthly_cap,
        active: true,
        groups: new.groups.clone(),
        village_points: new.village_points,
    };
    let checked = check(&change, level == Some(RegionLevel::County))?;
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let row = checked.row(&change);
    let inserted = super::storage::insert_rule(&mut tx, code, &row, region.as_str(), now).await?;
    let Some(created) = inserted else {
        return Err(RuleError::Taken(region.clone(), code.to_owned()));
    };
    let record = crate::audit::Record {
        actor_id: Some(actor_id),
        action: "rule.create",
        region,
        target: target(created.id),
        before: None,
        after: Some(serde_json::to_value(&created).unwrap_or_default()),
    };
    crate::audit::record(&mut tx, record, now).await?;
    tx.commit().await?;
    Ok(created)
}

/// The audit target of rule `id`, `rule:<id>`.
fn target(id: i64) -> String {
    format!("rule:{id}")
}

/// The owner's change of rule `id` by `actor_id` (audited as `rule.update`, before/after);
/// `may_manage` answers whether the actor manages rules of a region (the policy's, from the
/// caller). Answers the rule as its owner now has it. Claims already made keep their points;
/// a claim still pending when the rule is switched off stays reviewable.
///
/// Errors: [`RuleError::NotFound`]; [`RuleError::NotYours`] for the shipped catalogue (a
/// county sets it for itself, [`set`]) and a rule of a region the actor does not manage; the
/// field errors of [`create`].
pub async fn update(
    db: &Db,
    actor_id: i64,
    may_manage: &dyn Fn(&RegionCode) -> bool,
    id: i64,
    change: &RuleUpdate,
) -> Result<Rule, RuleError> {
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let before = super::storage::rule_by_id(&mut tx, id)
        .await?
        .ok_or(RuleError::NotFound(id))?;
    let owner = owner(&before)?;
    if !may_manage(&owner) {
        return Err(RuleError::NotYours(format!(
            "rule {id} belongs to {owner}, which you do not manage"
        )));
    }
    let checked = check(change, owner.level() == RegionLevel::County)?;
    let row = checked.row(change);
    let after = super::storage::update_rule(&mut tx, id, &row, now)
        .await?
        .ok_or(RuleError::NotFound(id))?;
    if after != before {
        let record = crate::audit::Record {
            actor_id: Some(actor_id),
            action: "rule.update",
            region: &owner,
            target: target(id),
            before: Some(serde_json::to_value(&before).unwrap_or_default()),
            after: Some(serde_json::to_value(&after).unwrap_or_default()),
        };
        crate::audit::record(&mut tx, record, now).await?;
    }
    tx.commit().await?;
    Ok(after)
}

/// The region that owns `rule`, or [`RuleError::NotYours`] for the shipped catalogue.
fn owner(rule: &Rule) -> Result<RegionCode, RuleError> {
    rule.region_code
        .as_deref()
        .and_then(|c| RegionCode::parse(c).ok())
        .ok_or_else(|| {
            RuleError::NotYours(format!(
                "rule {} is of the shipped catalogue: a county switches it or sets its points for itself (PUT /admin/rules/{}/settings/{{county}})",
                rule.id, rule.id
            ))
        })
}

/// Sets `region`'s own setting of rule `id` by `actor_id` (audited as `rule.setting`,
/// before/after); answers the rule as it now applies in `region`. The caller's right over
/// `region` is the policy's, decided before.
///
/// What may be set (see [`Rule`]): a county, for a shipped rule — on/off, any valid points of
/// the rule's sign, bounds for its villages; a village, for a shipped or county rule — on/off,
/// and points only within the bounds in force. Nobody sets what they own (they change it,
/// [`update`]) nor another village's own rule.
///
/// Errors: [`RuleError::NotFound`], [`RuleError::Region`] (not a county or village),
/// [`RuleError::NotThere`] (the rule is not of that region's catalogue, or is its own),
/// [`RuleError::Points`], [`RuleError::Bounds`], [`RuleError::OutOfBounds`].
pub async fn set(
    db: &Db,
    actor_id: i64,
    id: i64,
    region: &RegionCode,
    wanted: &RuleSettingUpdate,
) -> Result<Rule, RuleError> {
    let level = region.level();
    if !matches!(level, RegionLevel::County | RegionLevel::Village) {
        return Err(RuleError::Region(region.clone()));
    }
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let rule = super::storage::rule_by_id(&mut tx, id)
        .await?
        .ok_or(RuleError::NotFound(id))?;
    let owned_here = rule.region_code.as_deref() == Some(region.as_str());
    // A county sets only the shipped rules; a village the shipped and its county's.
    let settable = !owned_here
        && applies_in(&rule, region)
        && (level == RegionLevel::Village || rule.region_code.is_none());
    if !settable {
        return Err(RuleError::NotThere(id, region.clone()));
    }
    let regions = with_ancestors(region);
    let mut settings = super::storage::settings_in(&mut *tx, &regions)
        .await?
        .remove(&id)
        .unwrap_or_default();
    let before = settings
        .iter()
        .find(|s| s.region_code == region.as_str())
        .cloned();
    settings.retain(|s| s.region_code != region.as_str());
    // The rule as it is above this region (its county's setting applied, for a village).
    let above = apply(rule.clone(), settings.clone());
    if let Some(points) = wanted.points {
        if !points_ok(points) || points.signum() != rule.base_points.signum() {
            return Err(RuleError::Points);
        }
        if level == RegionLevel::Village {
            match above.village_points {
                Some(range) if (range.min..=range.max).contains(&points) => {}
                Some(range) => {
                    return Err(RuleError::OutOfBounds(format!(
                        "your county allows {} to {} for this rule",
                        range.min, range.max
                    )));
                }
                None => {
                    return Err(RuleError::OutOfBounds(
                        "your county does not let villages set points for this rule; switch it off or leave it".into(),
                    ));
                }
            }
        }
    }
    // A county's own points for its villages lie within the range it lets them choose from.
    let county_points = wanted.points.unwrap_or(rule.base_points);
    if let Some(range) = wanted.village_points
        && (level != RegionLevel::County
            || !bounds_ok(range, rule.base_points)
            || !(range.min..=range.max).contains(&county_points))
    {
        return Err(RuleError::Bounds);
    }
    let setting = RuleSetting {
        region_code: region.to_string(),
        active: wanted.active,
        points: wanted.points,
        village_points: wanted.village_points,
    };
    let says_nothing =
        setting.active && setting.points.is_none() && setting.village_points.is_none();
    let after = (!says_nothing).then_some(setting);
    if after != before {
        super::storage::put_setting(&mut tx, id, region.as_str(), after.as_ref(), actor_id, now)
            .await?;
        let record = crate::audit::Record {
            actor_id: Some(actor_id),
            action: "rule.setting",
            region,
            target: target(id),
            before: before.map(|s| serde_json::to_value(s).unwrap_or_default()),
            after: after
                .as_ref()
                .map(|s| serde_json::to_value(s).unwrap_or_default()),
        };
        crate::audit::record(&mut tx, record, now).await?;
    }
    tx.commit().await?;
    settings.extend(after);
    Ok(apply(rule, settings))
}

/// The changes of rule `id` as `place` (a county or village) sees them, newest first, at most
/// 100: its owner's (creation and changes), and the settings of `place` and of the regions
/// above it — not another village's.
///
/// Errors: [`RuleError::NotFound`], [`RuleError::NotThere`] (the rule is not of `place`'s
/// catalogue).
pub async fn history(
    db: &Db,
    id: i64,
    place: &RegionCode,
) -> Result<Vec<jifen_shared::audit::AuditEntry>, RuleError> {
    let rule = super::storage::rule_in(db.reader(), id)
        .await?
        .ok_or(RuleError::NotFound(id))?;
    if !applies_in(&rule, place) {
        return Err(RuleError::NotThere(id, place.clone()));
    }
    Ok(crate::audit::about(db, &target(id), &with_ancestors(place), 100).await?)
}

/// The rule `id` as its owner set it, read inside `tx`.
pub async fn find(tx: &mut Tx, id: i64) -> Result<Option<Rule>, sqlx::Error> {
    super::storage::rule_by_id(tx, id).await
}

/// Whether `rule` applies in `place`: the shipped catalogue everywhere, a county's or a
/// village's rule inside that region.
pub fn applies_in(rule: &Rule, place: &RegionCode) -> bool {
    match rule.region_code.as_deref().map(RegionCode::parse) {
        None => true,
        Some(Ok(region)) => place.is_within(&region),
        Some(Err(_)) => false,
    }
}
