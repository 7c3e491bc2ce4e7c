//! One villager (一户一档), for the admins of their village and above: register one
//! (`POST /admin/people`, phone optional), edit the registry entry (`PUT /admin/people/{id}`),
//! change the phone (`POST …/phone`), and close the account when the villager moved away (迁出)
//! or died (去世) (`GET …/closing`, `POST …/close`).
//!
//! Rules:
//! - authority: [`policy::Action::ManagePeople`] over the person's village (village admins of
//!   it, township and county admins above it). Staff who may not even find the person (another
//!   village's admin) are told there is no such person (`not_found`), as `GET /admin/people/{id}`
//!   does; staff who may find but not manage them (a grid worker) get `forbidden`. Staff
//!   accounts — a password, an admin role, a role outside the caller's region — are never
//!   changed here (`forbidden`), for the reason the villager import gives
//!   ([`super::import::is_staff_account`]).
//! - an edit is checked as the villager CSV is (names, 户号, tags; [`super::import`]); the grid
//!   must be a grid of the person's own village (`unknown_grid`); the village itself is not
//!   edited (moving to another village is 迁出 here and a registration there).
//! - a new phone is normalised to E.164 as the import does (`invalid_phone`), must not belong to
//!   another open account (`phone_taken`), and ends the person's sessions (the import's
//!   [`crate::auth::storage::end_sessions`]).
//! - a villager registered by the form is checked as a CSV row is, with the same rules for one
//!   without a phone (a 户号 required, `household_required` said as `invalid_input`); someone
//!   already there with that phone is `phone_taken`, and one without a phone already there with
//!   that village, 户号 and name is `already_exists`.
//! - a closed account is no longer edited (`person_closed`) nor closed again (`already_closed`).
//! - every change is recorded in the audit log with before and after (phones masked), in the
//!   transaction of the change; an edit that changes nothing records nothing.
//!
//! **Closing an account (the balance rule).** In one transaction:
//! 1. the person's reserved redemptions are cancelled (the points reserved return to the
//!    account, the stock to the shop), their pending claims rejected (`账户已注销`), their open
//!    service orders cancelled, and the orders they had claimed as a volunteer given back to
//!    the pool;
//! 2. the points the account holds then go, by one ledger transfer keyed `person:<id>:close`
//!    (so a retry can never move them twice), to the open member of the same household (same
//!    village and 户号) with the lowest id — who gets a notice in their inbox — or, when the
//!    household has no other open member (or the person no 户号), back to their township's
//!    issuance account (returned to issuance, as points that were never spent);
//! 3. every role is revoked, WeChat bindings and the member code (card) forgotten, family
//!    delegations to and from them ended, sessions ended;
//!    the row keeps its history (ledger, claims, orders, audit) and is marked closed with the
//!    reason. A closed account cannot sign in (its access tokens stop working at once), is
//!    listed only with `?closed=true`, and its phone number is free for a new registration
//!    (the phone is unique among open accounts only).
//!
//! With `seen_points` the admin's confirmation ("剩余 30 积分将转给同户 张三") is binding: if the
//! account holds another amount by then, nothing happens (`balance_changed`).

use jifen_shared::ErrorCode;
use jifen_shared::auth::RoleGrant;
use jifen_shared::people::{
    BalanceDestination, CloseAccount, ClosedAccount, Heir, MAX_TAGS, PersonListing, PersonUpdate,
};
use jifen_shared::regions::{RegionCode, RegionLevel};

use super::import::{self, MAX_NAME_CHARS};
use super::phone::{Phone, PhoneError};
use super::storage::{self, PersonRow};
use crate::error::DomainError;
use crate::ledger::{self, AccountKind, LedgerError, NewTransfer};
use crate::policy::{self, Action};
use crate::storage::{Db, Tx, now_ms};

/// Why a villager could not be edited or closed.
#[derive(Debug, thiserror::Error)]
pub enum VillagerError {
    #[error("no person {0} in your villages")]
    NotFound(i64),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Phone(#[from] PhoneError),
    #[error("grid_code: {0:?} is not a grid of the person's village")]
    UnknownGrid(String),
    #[error("phone: {0} belongs to another account")]
    PhoneTaken(String),
    #[error("{0} is already registered in this household")]
    Exists(String),
    #[error("person {0} is closed (迁出 or 去世) and no longer edited")]
    Closed(i64),
    #[error("person {id} was closed already ({reason})")]
    AlreadyClosed { id: i64, reason: String },
    #[error("seen_points: the account holds {points} points now, not {seen}")]
    BalanceChanged { seen: i64, points: i64 },
    #[error(transparent)]
    Ledger(LedgerError),
    #[error(transparent)]
    Storage(#[from] sqlx::Error),
}

impl DomainError for VillagerError {
    fn code(&self) -> ErrorCode {
        match self {
            VillagerError::NotFound(_) => ErrorCode::NotFound,
            VillagerError::Forbidden(_) => ErrorCode::Forbidden,
            VillagerError::Invalid(_) => ErrorCode::InvalidInput,
            VillagerError::Phone(_) => ErrorCode::InvalidPhone,
            VillagerError::UnknownGrid(_) => ErrorCode::UnknownGrid,
            VillagerError::PhoneTaken(_) => ErrorCode::PhoneTaken,
            VillagerError::Exists(_) => ErrorCode::AlreadyExists,
            VillagerError::Closed(_) => ErrorCode::PersonClosed,
            VillagerError::AlreadyClosed { .. } => ErrorCode::AlreadyClosed,
            VillagerError::BalanceChanged { .. } => ErrorCode::BalanceChanged,
            VillagerError::Ledger(_) | VillagerError::Storage(_) => ErrorCode::Internal,
        }
    }

    fn wrapped(&self) -> Option<&dyn DomainError> {
        match self {
            VillagerError::Phone(e) => Some(e),
            VillagerError::Storage(e) => Some(e),
            _ => None,
        }
    }
}

impl From<LedgerError> for VillagerError {
    fn from(e: LedgerError) -> Self {
        match e {
            LedgerError::Storage(e) => VillagerError::Storage(e),
            e => VillagerError::Ledger(e),
        }
    }
}

/// The person `id` inside `tx` (registry locked) if `grants` may manage them (see the module
/// docs), with their village.
async fn load(
    tx: &mut Tx,
    grants: &[RoleGrant],
    id: i64,
) -> Result<(PersonRow, RegionCode), VillagerError> {
    let person = storage::find_in(tx, id)
        .await?
        .ok_or(VillagerError::NotFound(id))?;
    let village = person.village().ok_or(VillagerError::NotFound(id))?;
    if !policy::may(grants, Action::ManagePeople, &village) {
        let findable = [person.village_code.as_deref(), person.grid_code.as_deref()]
            .into_iter()
            .flatten()
            .filter_map(|c| RegionCode::parse(c).ok())
            .any(|c| policy::may(grants, Action::ReadPeople, &c));
        return Err(if findable {
            VillagerError::Forbidden(format!("you are not an admin of village {village}"))
        } else {
            VillagerError::NotFound(id)
        });
    }
    let within = |r: &RegionCode| policy::may(grants, Action::ManagePeople, r);
    if import::is_staff_account(tx, id, &within).await? {
        return Err(VillagerError::Forbidden(format!(
            "person {id} is a staff account; it is not changed here"
        )));
    }
    Ok((person, village))
}

/// [`load`] for a change: refuses a closed account.
async fn load_open(
    tx: &mut Tx,
    grants: &[RoleGrant],
    id: i64,
) -> Result<(PersonRow, RegionCode), VillagerError> {
    let (person, village) = load(tx, grants, id).await?;
    if person.closed_at.is_some() {
        return Err(VillagerError::Closed(id));
    }
    Ok((person, village))
}

/// Begins a write transaction with the registry locked (imports and grid assignments take the
/// same lock, [`storage::lock_registry`]).
async fn begin(db: &Db) -> Result<Tx, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    storage::lock_registry(&mut tx, db).await?;
    Ok(tx)
}

/// The person as `caller_id` sees them after a change.
async fn listing(
    db: &Db,
    caller_id: i64,
    grants: &[RoleGrant],
    id: i64,
) -> Result<PersonListing, VillagerError> {
    super::directory::get(db, caller_id, grants, id)
        .await?
        .ok_or(VillagerError::NotFound(id))
}

/// Records a change of the person (`before` and `after` as recorded) in the audit log.
async fn audit(
    tx: &mut Tx,
    actor_id: i64,
    action: &str,
    village: &RegionCode,
    (id, before, after): (i64, serde_json::Value, serde_json::Value),
    now: i64,
) -> Result<(), sqlx::Error> {
    let record = crate::audit::Record {
        actor_id: Some(actor_id),
        action,
        region: village,
        target: format!("person:{id}"),
        before: Some(before),
        after: Some(after),
    };
    crate::audit::record(tx, record, now).await
}

/// Stores `wanted` over `person` and records the change as `action`, phones masked.
async fn save(
    tx: &mut Tx,
    actor_id: i64,
    action: &str,
    village: &RegionCode,
    (person, wanted): (&PersonRow, &PersonRow),
    now: i64,
) -> Result<(), sqlx::Error> {
    storage::update(tx, wanted, now).await?;
    let change = (person.id, import::audited(person), import::audited(wanted));
    audit(tx, actor_id, action, village, change, now).await
}

/// Replaces the name, 户号, tags and grid of villager `id` (`PUT /admin/people/{id}`), as the
/// admin `actor_id` holding `grants`; answers the person as stored.
///
/// Errors: [`VillagerError::Invalid`] (name empty or over 50 characters, 户号 over 32, a tag
/// over 20, more than [`MAX_TAGS`] tags, invisible characters), [`VillagerError::UnknownGrid`],
/// [`VillagerError::NotFound`], [`VillagerError::Forbidden`], [`VillagerError::Closed`].
pub async fn update(
    db: &Db,
    actor_id: i64,
    grants: &[RoleGrant],
    id: i64,
    request: &PersonUpdate,
) -> Result<PersonListing, VillagerError> {
    let name = crate::text::name(&request.name, MAX_NAME_CHARS)
        .map_err(|e| VillagerError::Invalid(format!("name: {e}")))?;
    let household = import::household(request.household.as_deref())
        .map_err(|e| VillagerError::Invalid(format!("household: {e}")))?;
    if request.tags.len() > MAX_TAGS {
        return Err(VillagerError::Invalid(format!("tags: at most {MAX_TAGS}")));
    }
    let tags = import::tags(request.tags.iter().map(String::as_str))
        .map_err(|e| VillagerError::Invalid(format!("tags: {e}")))?;
    let now = now_ms();
    let mut tx = begin(db).await?;
    let (person, village) = load_open(&mut tx, grants, id).await?;
    let grid_code = match request.grid_code.as_deref().filter(|g| !g.is_empty()) {
        Some(grid) => Some(grid_of(&mut tx, &village, grid).await?),
        None => None,
    };
    let wanted = PersonRow {
        name,
        household,
        tags,
        grid_code,
        birth_year: birth_year(request.birth_year)?,
        ..person.clone()
    };
    if wanted.phone.is_none() && wanted.household.is_none() {
        return Err(VillagerError::Invalid(
            "household: a villager without a phone needs a 户号".into(),
        ));
    }
    if wanted != person {
        let change = (&person, &wanted);
        save(&mut tx, actor_id, "person.update", &village, change, now).await?;
    }
    tx.commit().await?;
    listing(db, actor_id, grants, id).await
}

/// A birth year from a form: 1900 to this year, or none.
fn birth_year(year: Option<i32>) -> Result<Option<i64>, VillagerError> {
    year.map(|y| import::birth_year(&y.to_string()).map_err(VillagerError::Invalid))
        .transpose()
}

/// Registers one villager (`POST /admin/people`) as the admin `actor_id` holding `grants`:
/// the villager role over their village, audited (`person.create`); answers them as stored.
///
/// Errors: [`VillagerError::Invalid`] (as [`update`]'s, a village that is not a loaded
/// village, no phone and no 户号, a birth year), [`VillagerError::Phone`],
/// [`VillagerError::UnknownGrid`], [`VillagerError::Forbidden`] (not an admin of the village),
/// [`VillagerError::PhoneTaken`], [`VillagerError::Exists`].
pub async fn create(
    db: &Db,
    actor_id: i64,
    grants: &[RoleGrant],
    request: &jifen_shared::people::NewPerson,
) -> Result<PersonListing, VillagerError> {
    let name = crate::text::name(&request.name, MAX_NAME_CHARS)
        .map_err(|e| VillagerError::Invalid(format!("name: {e}")))?;
    let phone = match request
        .phone
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        Some(raw) => Some(Phone::parse(raw)?),
        None => None,
    };
    let household = import::household(request.household.as_deref())
        .map_err(|e| VillagerError::Invalid(format!("household: {e}")))?;
    if phone.is_none() && household.is_none() {
        return Err(VillagerError::Invalid(
            "household: a villager without a phone needs a 户号 (how the registry knows them again)".into(),
        ));
    }
    if request.tags.len() > MAX_TAGS {
        return Err(VillagerError::Invalid(format!("tags: at most {MAX_TAGS}")));
    }
    let tags = import::tags(request.tags.iter().map(String::as_str))
        .map_err(|e| VillagerError::Invalid(format!("tags: {e}")))?;
    let birth_year = birth_year(request.birth_year)?;
    let village = RegionCode::parse(&request.village_code)
        .ok()
        .filter(|v| v.level() == RegionLevel::Village)
        .ok_or_else(|| VillagerError::Invalid("village_code: a village's 12-digit code".into()))?;
    if !policy::may(grants, Action::ManagePeople, &village) {
        return Err(VillagerError::Forbidden(format!(
            "you are not an admin of village {village}"
        )));
    }
    if crate::regions::storage::find(db, village.as_str())
        .await?
        .is_none_or(|r| r.level != RegionLevel::Village)
    {
        return Err(VillagerError::Invalid(format!(
            "village_code: {village} is not a loaded village"
        )));
    }
    let now = now_ms();
    let mut tx = begin(db).await?;
    let grid_code = match request.grid_code.as_deref().filter(|g| !g.is_empty()) {
        Some(grid) => Some(grid_of(&mut tx, &village, grid).await?),
        None => None,
    };
    if let Some(phone) = &phone
        && storage::find_by_phone(&mut tx, phone.as_str())
            .await?
            .is_some()
    {
        return Err(VillagerError::PhoneTaken(phone.masked()));
    }
    if let Some(household) = &household
        && phone.is_none()
        && storage::find_by_household(&mut tx, village.as_str(), household, &name)
            .await?
            .is_some()
    {
        return Err(VillagerError::Exists(name));
    }
    let person = PersonRow {
        id: 0,
        name,
        phone: phone.map(|p| p.as_str().to_owned()),
        village_code: Some(village.to_string()),
        grid_code,
        household,
        tags,
        closed_at: None,
        closed_reason: None,
        birth_year,
    };
    let id = storage::insert(&mut tx, &person, now).await?;
    crate::auth::storage::set_villager_role(&mut tx, id, village.as_str(), now).await?;
    let record = crate::audit::Record {
        actor_id: Some(actor_id),
        action: "person.create",
        region: &village,
        target: format!("person:{id}"),
        before: None,
        after: Some(import::audited(&person)),
    };
    crate::audit::record(&mut tx, record, now).await?;
    tx.commit().await?;
    listing(db, actor_id, grants, id).await
}

/// `grid` checked as a loaded grid of `village`.
async fn grid_of(tx: &mut Tx, village: &RegionCode, grid: &str) -> Result<String, VillagerError> {
    let unknown = || VillagerError::UnknownGrid(crate::text::clip(grid));
    let code = RegionCode::parse(grid).map_err(|_| unknown())?;
    if code.level() != RegionLevel::Grid || code.parent().as_ref() != Some(village) {
        return Err(unknown());
    }
    crate::regions::storage::find_in(tx, code.as_str())
        .await?
        .filter(|r| r.level == RegionLevel::Grid)
        .ok_or_else(unknown)?;
    Ok(code.to_string())
}

/// Gives villager `id` the phone number `raw` (`POST /admin/people/{id}/phone`), as the admin
/// `actor_id`; their sessions end (whoever holds the old number is signed out). The same
/// number again changes nothing.
///
/// Errors: [`VillagerError::Phone`], [`VillagerError::PhoneTaken`],
/// [`VillagerError::NotFound`], [`VillagerError::Forbidden`], [`VillagerError::Closed`].
pub async fn change_phone(
    db: &Db,
    actor_id: i64,
    grants: &[RoleGrant],
    id: i64,
    raw: &str,
) -> Result<PersonListing, VillagerError> {
    let phone = Phone::parse(raw)?;
    let now = now_ms();
    let mut tx = begin(db).await?;
    let (person, village) = load_open(&mut tx, grants, id).await?;
    if person.phone.as_deref() != Some(phone.as_str()) {
        if storage::find_by_phone(&mut tx, phone.as_str())
            .await?
            .is_some()
        {
            return Err(VillagerError::PhoneTaken(phone.masked()));
        }
        let wanted = PersonRow {
            phone: Some(phone.as_str().to_owned()),
            ..person.clone()
        };
        save(
            &mut tx,
            actor_id,
            "person.phone",
            &village,
            (&person, &wanted),
            now,
        )
        .await?;
        crate::auth::storage::end_sessions(&mut tx, id, now).await?;
    }
    tx.commit().await?;
    listing(db, actor_id, grants, id).await
}

/// What the person's account holds (posted points; a reservation still counts, it is
/// cancelled on closing) and who would inherit it.
async fn destination(
    tx: &mut Tx,
    person: &PersonRow,
    village: &RegionCode,
) -> Result<(i64, Option<PersonRow>), sqlx::Error> {
    let account =
        ledger::storage::find_account(tx, AccountKind::Villager, village.as_str(), Some(person.id))
            .await?;
    let points = match account {
        Some(account) => ledger::storage::read_balance(&mut **tx, account)
            .await?
            .map_or(0, |b| b.posted()),
        None => 0,
    };
    let heir = match &person.household {
        Some(household) => {
            storage::household_heir(&mut **tx, village.as_str(), household, person.id).await?
        }
        None => None,
    };
    Ok((points, heir))
}

fn balance_destination(points: i64, heir: Option<&PersonRow>) -> BalanceDestination {
    BalanceDestination {
        points,
        heir: heir.map(|h| Heir {
            id: h.id,
            name: h.name.clone(),
        }),
    }
}

/// Where villager `id`'s points would go if their account were closed now
/// (`GET /admin/people/{id}/closing`): what the PWA says when it asks to confirm.
///
/// Errors: [`VillagerError::NotFound`], [`VillagerError::Forbidden`],
/// [`VillagerError::AlreadyClosed`].
pub async fn closing_preview(
    db: &Db,
    grants: &[RoleGrant],
    id: i64,
) -> Result<BalanceDestination, VillagerError> {
    let mut tx = db.begin_write().await?;
    let (_, _, points, heir) = closing(&mut tx, grants, id).await?;
    Ok(balance_destination(points, heir.as_ref()))
}

/// The open person `id` that `grants` may close, their village, what their account holds and
/// who would inherit it.
async fn closing(
    tx: &mut Tx,
    grants: &[RoleGrant],
    id: i64,
) -> Result<(PersonRow, RegionCode, i64, Option<PersonRow>), VillagerError> {
    let (person, village) = load(tx, grants, id).await?;
    if let (Some(_), Some(reason)) = (person.closed_at, &person.closed_reason) {
        return Err(VillagerError::AlreadyClosed {
            id,
            reason: reason.clone(),
        });
    }
    let (points, heir) = destination(tx, &person, &village).await?;
    Ok((person, village, points, heir))
}

/// Closes villager `id`'s account (`POST /admin/people/{id}/close`), as the admin `actor_id`,
/// following the balance rule of the module docs; answers the person and where the points
/// went. A transaction that lost a deadlock to another (PostgreSQL) is run again.
///
/// Errors: [`VillagerError::NotFound`], [`VillagerError::Forbidden`],
/// [`VillagerError::AlreadyClosed`] (closing twice changes nothing),
/// [`VillagerError::BalanceChanged`].
pub async fn close(
    db: &Db,
    actor_id: i64,
    grants: &[RoleGrant],
    id: i64,
    request: &CloseAccount,
) -> Result<ClosedAccount, VillagerError> {
    let mut attempt = 1;
    let balance = loop {
        match close_once(db, actor_id, grants, id, request).await {
            Err(VillagerError::Storage(e)) if attempt < 5 && import::is_retryable(&e) => {
                attempt += 1
            }
            done => break done?,
        }
    };
    Ok(ClosedAccount {
        person: listing(db, actor_id, grants, id).await?,
        balance,
    })
}

async fn close_once(
    db: &Db,
    actor_id: i64,
    grants: &[RoleGrant],
    id: i64,
    request: &CloseAccount,
) -> Result<BalanceDestination, VillagerError> {
    let now = now_ms();
    let mut tx = begin(db).await?;
    let (person, village, points, heir) = closing(&mut tx, grants, id).await?;
    if let Some(seen) = request.seen_points
        && seen != points
    {
        return Err(VillagerError::BalanceChanged { seen, points });
    }
    let (account, issuance) = crate::points::accounts_of(&mut tx, id, &village).await?;
    let heir_account = match &heir {
        Some(h) => Some(
            ledger::account(&mut tx, AccountKind::Villager, village.as_str(), Some(h.id)).await?,
        ),
        None => None,
    };
    let mut mine: Vec<i64> = [Some(account), heir_account]
        .into_iter()
        .flatten()
        .collect();
    ledger::lock_accounts(&mut tx, &mut mine).await?;

    let redemptions = crate::shop::redemptions::cancel_all_of(&mut tx, id, Some(actor_id), now)
        .await
        .map_err(|e| match e {
            crate::shop::redemptions::RedemptionError::Storage(e) => VillagerError::Storage(e),
            e => VillagerError::Invalid(e.to_string()),
        })?;
    let reason = request.reason;
    let claims = crate::points::claims::reject_all_of(
        &mut tx,
        id,
        actor_id,
        &format!("账户已注销（{}）", reason.label_zh()),
        now,
    )
    .await?;
    let (cancelled_orders, released_orders) =
        crate::services::orders::let_go_of(&mut tx, id, actor_id, now).await?;

    // The posted balance is unchanged by the voided reservations: what was reserved returned.
    if points > 0 {
        let transfer = NewTransfer {
            key: format!("person:{id}:close"),
            debit_account_id: account,
            credit_account_id: heir_account.unwrap_or(issuance),
            amount: points,
            reason: if heir.is_some() {
                "closed.household".into()
            } else {
                "closed.issuance".into()
            },
            reference: Some(format!("person:{id}")),
            actor_id: Some(actor_id),
        };
        ledger::transfer(&mut tx, &transfer, false).await?;
        if let Some(heir) = &heir {
            let text = format!(
                "同户 {}（{}）的 {points} 积分已转入您的账户",
                person.name,
                reason.label_zh()
            );
            crate::inbox::notify(
                &mut tx,
                heir.id,
                "points_inherited",
                &text,
                &format!("person:{id}"),
                now,
            )
            .await?;
        }
    }
    let roles = crate::auth::storage::drop_roles_and_wechat(&mut tx, id).await?;
    // The member card's code and number are kept as revoked: never given again.
    crate::shop::counter::storage::revoke(&mut tx, id, actor_id, now).await?;
    crate::proxy::storage::end_delegations_of(&mut tx, id, now).await?;
    crate::auth::storage::end_sessions(&mut tx, id, now).await?;
    storage::close(&mut tx, id, reason.as_str(), now).await?;

    let mut before = import::audited(&person);
    before["roles"] = serde_json::to_value(&roles).unwrap_or_default();
    before["points"] = points.into();
    let after = serde_json::json!({
        "closed_reason": reason.as_str(),
        "points": points,
        "to": if heir.is_some() { "household" } else { "issuance" },
        "heir_id": heir.as_ref().map(|h| h.id),
        "cancelled_redemptions": redemptions,
        "rejected_claims": claims,
        "cancelled_orders": cancelled_orders,
        "released_orders": released_orders,
    });
    let change = (id, before, after);
    audit(&mut tx, actor_id, "person.close", &village, change, now).await?;
    tx.commit().await?;
    Ok(balance_destination(points, heir.as_ref()))
}
