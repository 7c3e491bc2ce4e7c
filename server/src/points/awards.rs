//! Staff awards and deductions (奖励与扣分, `POST /admin/awards`): village, township and county
//! admins give points to villagers of their region (文明户, 五美庭院…) or take them away
//! (乱堆乱放, 违规焚烧…), one or many villagers at once, with a reason everyone in the village
//! sees on the board.
//!
//! Rules:
//! - 1–500 villagers per request, each a villager of a village inside the caller's region
//!   (else 403, nothing moves), never the caller or someone of the caller's household
//!   (小微权力监督: nobody awards themselves or their family; [`crate::policy::may_review_claimant`]);
//!   points non-zero, at most 1,000 either way; a reason of 1–100 characters
//!   (NFC-normalised);
//! - or by a rule of the catalogue (`rule_id`, instead of `points`): the rule's points (a
//!   deduction rule deducts), the rule's name as the reason unless one is given; the rule must
//!   be active and apply in every villager's village, with the same points in each (a county
//!   or village may have set its own, [`super::rules`]; else 400: award each village apart). Caps do not apply to staff awards
//!   (they limit villagers' claims); the award row keeps the rule;
//! - an award moves the points from the township's issuance account to each villager;
//! - a deduction moves them back. A villager never goes below zero: a deduction larger than
//!   what the villager can spend takes what there is (possibly nothing), and the answer
//!   lists each shortfall (`wanted`, `deducted`) so the admin sees it — the rest is never
//!   silently dropped, and never turned into a debt;
//! - all villagers or none: one transaction, recorded in the audit log per village;
//! - grid workers (网格员) award too, but only villagers of their own grids, only awards (not
//!   deductions: 403), and only within what their county lets them (网格员评分限额,
//!   [`Scope::GridWorker`]): at most `daily_points` in all per county day and
//!   `villager_daily_points` to one villager per county day, counted from the award transfers
//!   they made (409 `limit_reached`, nothing moves). A county that has set nothing (0) lets
//!   grid workers award nothing (403). Two awards at once by the same grid worker count each
//!   other: the limits are read after the township's issuance account is locked.

use crate::error::DomainError;
use jifen_shared::ErrorCode;
use std::collections::BTreeMap;

use jifen_shared::auth::{Role, RoleGrant};
use jifen_shared::points::{AwardPreview, AwardPreviewLine, AwardRequest, AwardResult, Shortfall};
use jifen_shared::regions::RegionCode;

use crate::ledger::{self, LedgerError, NewTransfer};
use crate::people::storage as people;
use crate::storage::{Tx, now_ms};

/// The most villagers one request may award.
pub const MAX_VILLAGERS: usize = 500;
/// The most points one award or deduction may move per villager.
pub const MAX_POINTS: i64 = 1000;
/// The longest reason, in characters.
pub const MAX_REASON_CHARS: usize = 100;

/// Why an award was refused.
#[derive(Debug, thiserror::Error)]
pub enum AwardError {
    #[error("user_ids: between 1 and {MAX_VILLAGERS} villagers")]
    Count,
    #[error("points: a whole number between -{MAX_POINTS} and {MAX_POINTS}, not 0")]
    Points,
    #[error("reason: {0}")]
    Reason(crate::text::NameError),
    #[error("user_ids: not villagers: {0}")]
    NotVillagers(String),
    #[error("user_ids: outside your region: {0}")]
    OutsideRegion(String),
    #[error("user_ids: nobody awards or deducts points to themselves")]
    ToSelf,
    #[error("user_ids: nobody awards or deducts points to their own household: {0}")]
    OwnHousehold(String),
    #[error("give either rule_id or points")]
    RuleOrPoints,
    #[error("rule_id: no active rule {0} applies in the villages of user_ids")]
    Rule(i64),
    #[error(
        "rule_id: rule {0} has different points in the villages of user_ids; award each village on its own"
    )]
    RulePointsDiffer(i64),
    #[error(
        "daily_points: 0 to {MAX_DAILY_LIMIT}; villager_daily_points: 0 to {MAX_VILLAGER_DAILY_LIMIT} and at most daily_points"
    )]
    Limits,
    #[error("only grid workers and village, township and county admins award points")]
    NotAwarder,
    #[error(
        "only the county's admins and grid workers read its award limits; only its admins set them"
    )]
    LimitsNotYours,
    #[error("grid workers award points; deductions are for admins")]
    GridWorkerDeducts,
    #[error("the county has not set how much grid workers may award")]
    NoLimits,
    #[error("points: at most {limit} a day in all; {used} awarded today")]
    DailyLimit { limit: i64, used: i64 },
    #[error("points: at most {limit} a day to one villager; {user_id} got {used} today")]
    VillagerLimit { user_id: i64, limit: i64, used: i64 },
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error(transparent)]
    Storage(#[from] sqlx::Error),
}

impl DomainError for AwardError {
    fn code(&self) -> ErrorCode {
        match self {
            AwardError::OutsideRegion(_)
            | AwardError::ToSelf
            | AwardError::OwnHousehold(_)
            | AwardError::GridWorkerDeducts
            | AwardError::NoLimits
            | AwardError::NotAwarder
            | AwardError::LimitsNotYours => ErrorCode::Forbidden,
            AwardError::DailyLimit { .. } | AwardError::VillagerLimit { .. } => {
                ErrorCode::LimitReached
            }
            AwardError::Ledger(_) | AwardError::Storage(_) => ErrorCode::Internal,
            _ => ErrorCode::InvalidInput,
        }
    }

    fn wrapped(&self) -> Option<&dyn DomainError> {
        match self {
            AwardError::Storage(e) => Some(e),
            _ => None,
        }
    }
}

/// Who awards, and so whom they may award.
pub enum Scope<'a> {
    /// A village, township or county admin: villagers of the villages `within` allows.
    Admin(&'a dyn Fn(&RegionCode) -> bool),
    /// A grid worker: villagers of these grids; awards only, within the county's limits,
    /// counted in the county days of `calendar`.
    GridWorker {
        grids: Vec<RegionCode>,
        calendar: &'a crate::calendar::Calendar,
    },
}

impl<'a> Scope<'a> {
    /// Whom a caller holding `grants` awards as: an admin where they may award (`within`),
    /// else a grid worker of their grids; [`AwardError::NotAwarder`] for anyone else.
    pub fn of(
        grants: &[RoleGrant],
        within: &'a dyn Fn(&RegionCode) -> bool,
        calendar: &'a crate::calendar::Calendar,
    ) -> Result<Scope<'a>, AwardError> {
        if crate::policy::may_somewhere(grants, crate::policy::Action::AwardPoints) {
            return Ok(Scope::Admin(within));
        }
        let grids: Vec<RegionCode> = (grants.iter())
            .filter(|g| g.role == Role::GridWorker)
            .map(|g| g.region_code.clone())
            .collect();
        if grids.is_empty() {
            return Err(AwardError::NotAwarder);
        }
        Ok(Scope::GridWorker { grids, calendar })
    }

    /// Whether the villager of `village` and `grid` is the awarder's to award.
    fn reaches(&self, village: &RegionCode, grid: Option<&str>) -> bool {
        match self {
            Scope::Admin(within) => within(village),
            Scope::GridWorker { grids, .. } => grid
                .and_then(|g| RegionCode::parse(g).ok())
                .is_some_and(|g| grids.iter().any(|mine| g.is_within(mine))),
        }
    }
}

/// What an award request comes to once checked: each villager (id, name, village) in the
/// order asked, the points each gets, the reason, the rule.
struct Plan {
    villagers: Vec<(i64, String, RegionCode)>,
    points: i64,
    reason: String,
    rule_id: Option<i64>,
}

/// Checks `request` by `actor_id` inside `tx`, reading only (see the module docs); `within`
/// says whether the caller may award in a village.
///
/// Errors: [`AwardError::Count`], [`AwardError::Points`], [`AwardError::Reason`],
/// [`AwardError::NotVillagers`] (unknown ids, people of no village, closed accounts),
/// [`AwardError::OutsideRegion`], [`AwardError::ToSelf`], [`AwardError::OwnHousehold`],
/// [`AwardError::RuleOrPoints`], [`AwardError::Rule`], [`AwardError::RulePointsDiffer`].
async fn plan(
    tx: &mut Tx,
    actor_id: i64,
    request: &AwardRequest,
    scope: &Scope<'_>,
) -> Result<Plan, AwardError> {
    let mut ids = request.user_ids.clone();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() || ids.len() > MAX_VILLAGERS {
        return Err(AwardError::Count);
    }
    let rule = match (request.rule_id, request.points) {
        (Some(id), None) => Some(
            super::rules::find(tx, id)
                .await?
                .filter(|r| r.active)
                .ok_or(AwardError::Rule(id))?,
        ),
        (None, Some(_)) => None,
        _ => return Err(AwardError::RuleOrPoints),
    };
    let points = match &rule {
        Some(rule) => rule.points,
        None => request.points.unwrap_or(0),
    };
    if points == 0 || points.unsigned_abs() > MAX_POINTS as u64 {
        return Err(AwardError::Points);
    }
    if ids.contains(&actor_id) {
        return Err(AwardError::ToSelf);
    }
    let reason = match &rule {
        Some(rule) if request.reason.trim().is_empty() => rule.name.clone(),
        _ => crate::text::name(&request.reason, MAX_REASON_CHARS).map_err(AwardError::Reason)?,
    };
    let found = people::find_many_in(tx, &ids).await?;
    // A closed account (迁出, 去世) is no longer a villager to award.
    let villages: Vec<(i64, RegionCode)> = found
        .iter()
        .filter(|p| p.closed_at.is_none())
        .filter_map(|p| Some((p.id, RegionCode::parse(p.village_code.as_deref()?).ok()?)))
        .collect();
    let missing = list(
        ids.iter()
            .filter(|id| !villages.iter().any(|(v, _)| v == *id)),
    );
    if !missing.is_empty() {
        return Err(AwardError::NotVillagers(missing));
    }
    let grid_of = |id: i64| {
        found
            .iter()
            .find(|p| p.id == id)
            .and_then(|p| p.grid_code.as_deref())
    };
    let outside = list(
        villages
            .iter()
            .filter(|(id, v)| !scope.reaches(v, grid_of(*id)))
            .map(|(id, _)| id),
    );
    if !outside.is_empty() {
        return Err(AwardError::OutsideRegion(outside));
    }
    let actor = people::find_many_in(tx, &[actor_id]).await?.pop();
    if let Some(actor) = &actor {
        let family = list(
            found
                .iter()
                .filter(|p| {
                    crate::policy::may_review_claimant(actor.household(), p.household()).is_err()
                })
                .map(|p| &p.id),
        );
        if !family.is_empty() {
            return Err(AwardError::OwnHousehold(family));
        }
    }
    // By a rule: its points as they apply in the villagers' villages (a county or village may
    // have set its own, or switched it off there), the same for all of them.
    let mut points = points;
    if let Some(rule) = &rule {
        let mut places: Vec<&RegionCode> = villages.iter().map(|(_, v)| v).collect();
        places.sort_unstable();
        places.dedup();
        let mut distinct = Vec::with_capacity(places.len());
        for there in super::rules::across(tx, rule, &places).await? {
            match there {
                Some(there) if there.active => distinct.push(there.points),
                _ => return Err(AwardError::Rule(rule.id)),
            }
        }
        distinct.sort_unstable();
        distinct.dedup();
        match distinct[..] {
            [one] => points = one,
            [] => {}
            _ => return Err(AwardError::RulePointsDiffer(rule.id)),
        }
    }
    if points < 0 && matches!(scope, Scope::GridWorker { .. }) {
        return Err(AwardError::GridWorkerDeducts);
    }
    // In the order asked, each once.
    let mut villagers = Vec::with_capacity(villages.len());
    for id in &request.user_ids {
        if villagers.iter().any(|(v, _, _)| v == id) {
            continue;
        }
        if let (Some((_, village)), Some(person)) = (
            villages.iter().find(|(v, _)| v == id),
            found.iter().find(|p| p.id == *id),
        ) {
            villagers.push((*id, person.name.clone(), village.clone()));
        }
    }
    Ok(Plan {
        villagers,
        points,
        reason,
        rule_id: rule.map(|r| r.id),
    })
}

/// What `request` by `actor_id` would do now, villager by villager, moving nothing: the same
/// checks and errors as [`award`], in a read transaction; each villager's points they may
/// spend now, after, and the shortfall of a deduction larger than that.
pub async fn preview(
    db: &crate::storage::Db,
    actor_id: i64,
    request: &AwardRequest,
    scope: &Scope<'_>,
) -> Result<AwardPreview, AwardError> {
    let mut tx = db.reader().begin().await?;
    let plan = plan(&mut tx, actor_id, request, scope).await?;
    within_limits(&mut tx, actor_id, &plan, scope, now_ms()).await?;
    tx.rollback().await?;
    let mut villagers = Vec::with_capacity(plan.villagers.len());
    for (user_id, name, _) in plan.villagers {
        let available = super::balance(db, user_id).await?.available;
        let after = (available + plan.points).max(0);
        villagers.push(AwardPreviewLine {
            user_id,
            name,
            available,
            after,
            shortfall: (-(available + plan.points)).max(0),
        });
    }
    Ok(AwardPreview {
        points: plan.points,
        reason: plan.reason,
        villagers,
    })
}

/// Awards (or, with negative points, deducts) `request.points` to each villager, by `actor_id`,
/// inside `tx` (see the module docs). `within` says whether the caller may award in a village.
///
/// Errors: as [`plan`], and the ledger's.
pub async fn award(
    tx: &mut Tx,
    actor_id: i64,
    request: &AwardRequest,
    scope: &Scope<'_>,
) -> Result<AwardResult, AwardError> {
    let plan = plan(tx, actor_id, request, scope).await?;
    let (points, reason, rule_id) = (plan.points, plan.reason.clone(), plan.rule_id);
    // By id, as the villagers' accounts are locked.
    let mut villages: Vec<(i64, RegionCode)> = (plan.villagers.iter())
        .map(|(id, _, v)| (*id, v.clone()))
        .collect();
    villages.sort_unstable_by_key(|(id, _)| *id);
    let now = now_ms();
    let award_id =
        super::storage::insert_award(tx, actor_id, points, &reason, rule_id, now).await?;
    let mut result = AwardResult {
        award_id,
        transfer_ids: Vec::new(),
        shortfalls: Vec::new(),
    };
    // Open every account first and lock them in the ledger's order — the villagers' by id,
    // then the townships' issuance accounts by id (see `ledger::lock_accounts`) — so this
    // transaction (many transfers) and any other cannot wait for each other's rows in opposite
    // orders.
    let mut accounts = Vec::with_capacity(villages.len());
    for (person_id, village) in &villages {
        accounts.push(super::accounts_of(tx, *person_id, village).await?);
    }
    let mut all: Vec<i64> = accounts.iter().map(|(a, _)| *a).collect();
    ledger::lock_accounts(tx, &mut all).await?;
    let mut shared: Vec<i64> = accounts.iter().map(|(_, i)| *i).collect();
    ledger::lock_accounts(tx, &mut shared).await?;
    // A grid worker's limits, read now that their township's issuance account is locked: two
    // awards of theirs at once count each other.
    within_limits(tx, actor_id, &plan, scope, now).await?;
    let mut by_village: BTreeMap<RegionCode, Vec<i64>> = BTreeMap::new();
    for ((person_id, village), (account, issuance)) in villages.iter().zip(accounts) {
        by_village
            .entry(village.clone())
            .or_default()
            .push(*person_id);
        let wanted = points.abs();
        let (debit, credit) = match points > 0 {
            true => (issuance, account),
            false => (account, issuance),
        };
        let mut transfer = NewTransfer {
            key: format!("award:{award_id}:{person_id}"),
            debit_account_id: debit,
            credit_account_id: credit,
            amount: wanted,
            reason: if points > 0 { "award" } else { "deduction" }.into(),
            reference: Some(format!("award:{award_id}")),
            actor_id: Some(actor_id),
        };
        // A deduction takes at most what the villager can spend (the conditional update in
        // the ledger decides; a reservation made meanwhile only lowers it further).
        let made = loop {
            match ledger::transfer(tx, &transfer, false).await {
                Err(LedgerError::InsufficientPoints { available, .. }) if points < 0 => {
                    if available <= 0 {
                        break None;
                    }
                    transfer.amount = available;
                }
                other => break Some(other?.0),
            }
        };
        let deducted = made.as_ref().map_or(0, |t| t.amount);
        if let Some(t) = made {
            result.transfer_ids.push(t.id);
        }
        if points < 0 && deducted < wanted {
            result.shortfalls.push(Shortfall {
                user_id: *person_id,
                wanted,
                deducted,
            });
        }
    }
    for (village, people) in by_village {
        let record = crate::audit::Record {
            actor_id: Some(actor_id),
            action: if points > 0 {
                "points.award"
            } else {
                "points.deduct"
            },
            region: &village,
            target: format!("award:{award_id}"),
            before: None,
            after: Some(serde_json::json!({
                "points": points,
                "rule_id": rule_id,
                "reason": reason,
                "user_ids": people,
                "shortfalls": result.shortfalls.iter().filter(|s| people.contains(&s.user_id)).map(|s| serde_json::json!({"user_id": s.user_id, "wanted": s.wanted, "deducted": s.deducted})).collect::<Vec<_>>(),
            })),
        };
        crate::audit::record(tx, record, now).await?;
    }
    Ok(result)
}

/// For a grid worker, whether `plan` stays within the county's limits this county day (see the
/// module docs); nothing to check for admins.
async fn within_limits(
    tx: &mut Tx,
    actor_id: i64,
    plan: &Plan,
    scope: &Scope<'_>,
    now: i64,
) -> Result<(), AwardError> {
    let Scope::GridWorker { calendar, .. } = scope else {
        return Ok(());
    };
    let Some((_, _, first)) = plan.villagers.first() else {
        return Ok(());
    };
    let county = first.county().ok_or(AwardError::NoLimits)?;
    let (daily, villager_daily) = super::storage::award_limits(tx, county.as_str()).await?;
    if daily == 0 || villager_daily == 0 {
        return Err(AwardError::NoLimits);
    }
    let (used, by_villager) = super::storage::awarded_by(tx, actor_id, calendar.day(now)).await?;
    let wanted = plan.points * plan.villagers.len() as i64;
    if used + wanted > daily {
        return Err(AwardError::DailyLimit { limit: daily, used });
    }
    for (user_id, _, _) in &plan.villagers {
        let got = by_villager.get(user_id).copied().unwrap_or(0);
        if got + plan.points > villager_daily {
            return Err(AwardError::VillagerLimit {
                user_id: *user_id,
                limit: villager_daily,
                used: got,
            });
        }
    }
    Ok(())
}

/// The most a county lets a grid worker award per day in all, and to one villager.
pub const MAX_DAILY_LIMIT: i64 = 10_000;
pub const MAX_VILLAGER_DAILY_LIMIT: i64 = 1_000;

/// `county`'s limits for grid workers, for its admins and grid workers; a grid worker also
/// reads the points they awarded this county day (`used_today`, in `calendar`'s days).
///
/// Errors: [`AwardError::LimitsNotYours`] for anyone else.
pub async fn limits(
    db: &crate::storage::Db,
    caller: &crate::auth::caller::Caller,
    county: &RegionCode,
    calendar: &crate::calendar::Calendar,
) -> Result<jifen_shared::points::AwardLimits, AwardError> {
    let inside = |roles: &[Role]| {
        (caller.roles.iter()).any(|g| roles.contains(&g.role) && g.region_code.is_within(county))
    };
    let grid_worker = if inside(&[Role::VillageAdmin, Role::TownshipAdmin, Role::CountyAdmin]) {
        false
    } else if inside(&[Role::GridWorker]) {
        true
    } else {
        return Err(AwardError::LimitsNotYours);
    };
    let mut tx = db.reader().begin().await?;
    let (daily, villager_daily) = super::storage::award_limits(&mut tx, county.as_str()).await?;
    let used_today = if grid_worker {
        let today = calendar.day(now_ms());
        Some(
            super::storage::awarded_by(&mut tx, caller.id, today)
                .await?
                .0,
        )
    } else {
        None
    };
    tx.rollback().await?;
    Ok(jifen_shared::points::AwardLimits {
        daily_points: daily,
        villager_daily_points: villager_daily,
        used_today,
    })
}

/// Sets `county`'s limits for grid workers by one of its county admins, audited
/// (`points.limits`).
///
/// Errors: [`AwardError::LimitsNotYours`] (not a county admin of it), [`AwardError::Limits`]
/// (daily 0–10,000; per villager 0–1,000 and at most the daily limit).
pub async fn set_limits(
    db: &crate::storage::Db,
    caller: &crate::auth::caller::Caller,
    county: &RegionCode,
    limits: &jifen_shared::points::AwardLimits,
) -> Result<jifen_shared::points::AwardLimits, AwardError> {
    let actor_id = caller.id;
    if !(caller.roles.iter())
        .any(|g| g.role == Role::CountyAdmin && county.is_within(&g.region_code))
    {
        return Err(AwardError::LimitsNotYours);
    }
    let (daily, villager) = (limits.daily_points, limits.villager_daily_points);
    if !(0..=MAX_DAILY_LIMIT).contains(&daily)
        || !(0..=MAX_VILLAGER_DAILY_LIMIT).contains(&villager)
        || villager > daily
    {
        return Err(AwardError::Limits);
    }
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let before = super::storage::set_award_limits(
        &mut tx,
        county.as_str(),
        (daily, villager),
        actor_id,
        now,
    )
    .await?;
    let record = crate::audit::Record {
        actor_id: Some(actor_id),
        action: "points.limits",
        region: county,
        target: format!("award_limits:{county}"),
        before: Some(
            serde_json::json!({"daily_points": before.0, "villager_daily_points": before.1}),
        ),
        after: Some(serde_json::json!({"daily_points": daily, "villager_daily_points": villager})),
    };
    crate::audit::record(&mut tx, record, now).await?;
    tx.commit().await?;
    Ok(jifen_shared::points::AwardLimits {
        daily_points: daily,
        villager_daily_points: villager,
        used_today: None,
    })
}

fn list<'a>(ids: impl Iterator<Item = &'a i64>) -> String {
    ids.map(i64::to_string).collect::<Vec<_>>().join(", ")
}
