//! Recycling for points (垃圾—积分—商品, the county's "waste for points for goods"): villagers
//! bring sorted recyclables to a points supermarket; the keeper weighs them and the villager
//! is credited from their township's issuance account.
//!
//! Rules:
//! - categories (废纸, 塑料瓶, 金属, 玻璃, 废旧电池/有害垃圾, 废旧家电) carry a rate in whole
//!   points per kilogram. The product ships a catalogue (migration `0017_recycling`); a
//!   county admin sets the county's own rates ([`crate::policy::Action::ManageRules`] over the
//!   county): a county category replaces the shipped one of the same code, and may be
//!   switched off;
//! - rounding: each line earns `floor(grams × points_per_kg / 1000)` points — the floor per
//!   line, in grams, so 2,499 g of paper at 2 points/kg earns 4 points and 499 g earns none
//!   (the county never pays for more than was weighed; a line that earns nothing is still
//!   recorded, for the reports' weights);
//! - the keeper of the shop ([`crate::shop::keeps`]) names the villager by member code or
//!   phone at the shop's counter ([`crate::shop::counter`]); the shop must serve the villager's village; nobody
//!   credits themselves or their household (小微权力监督, [`crate::policy::may_review_claimant`]);
//! - 1–10 lines, each category at most once, 1 g–1 t each; a drop-off is one transaction
//!   (the drop-off, its lines, the ledger transfer and the audit entry `recycling.dropoff`),
//!   and `POST /shop/recycling` requires an `Idempotency-Key` (400 without), so a retried tap
//!   credits once.

pub mod routes;
pub mod storage;

use crate::error::DomainError;
use jifen_shared::ErrorCode;
use jifen_shared::auth::RoleGrant;
use jifen_shared::points::mask_name;
use jifen_shared::recycling::{
    CategoryUpdate, Dropoff, DropoffItem, NewDropoff, RecyclingCategory,
};
use jifen_shared::regions::RegionCode;

use crate::auth::keys::Keys;
use crate::catalogue::{self, Entry, EntryError, EntryUpdate, county_of};
use crate::ledger::{self, LedgerError, NewTransfer};
use crate::policy;
use crate::shop::counter::{self, CounterError};
use crate::storage::{Db, Tx, rfc3339};

/// The most lines in one drop-off.
pub const MAX_LINES: usize = 10;
/// The heaviest line, in grams (one tonne).
pub const MAX_GRAMS: i64 = 1_000_000;
/// The highest rate (points per kilogram) and the longest category name (characters): the
/// wire's bounds, which the PWA's form checks too.
pub use jifen_shared::recycling::{MAX_NAME_CHARS, MAX_RATE};

/// Why a category could not be set or a drop-off recorded.
#[derive(Debug, thiserror::Error)]
pub enum RecyclingError {
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Entry(#[from] EntryError),
    #[error("shop_id: no shop {0}")]
    NoSuchShop(i64),
    #[error("you do not keep shop {0}")]
    NotKeeper(i64),
    #[error("lines: no category {0} is in use in this county")]
    NoSuchCategory(i64),
    #[error("villager: nobody credits points to themselves or their own household")]
    OwnHousehold,
    #[error(transparent)]
    Counter(#[from] CounterError),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error(transparent)]
    Storage(#[from] sqlx::Error),
}

impl DomainError for RecyclingError {
    fn code(&self) -> ErrorCode {
        match self {
            RecyclingError::NotKeeper(_) | RecyclingError::OwnHousehold => ErrorCode::Forbidden,
            RecyclingError::NoSuchShop(_) => ErrorCode::NotFound,
            RecyclingError::Invalid(_) | RecyclingError::NoSuchCategory(_) => {
                ErrorCode::InvalidInput
            }
            RecyclingError::Entry(_)
            | RecyclingError::Counter(_)
            | RecyclingError::Ledger(_)
            | RecyclingError::Storage(_) => ErrorCode::Internal,
        }
    }

    fn wrapped(&self) -> Option<&dyn DomainError> {
        match self {
            RecyclingError::Entry(e) => Some(e),
            RecyclingError::Counter(e) => Some(e),
            RecyclingError::Storage(e) => Some(e),
            _ => None,
        }
    }
}

/// Points of a line: `floor(grams × points_per_kg / 1000)` (both bounded, so no overflow).
pub fn line_points(grams: i64, points_per_kg: i64) -> i64 {
    grams * points_per_kg / 1000
}

/// A weight as people read it: `800 克`, `2.5 公斤`.
pub fn weight_label(grams: i64) -> String {
    if grams < 1000 {
        return format!("{grams} 克");
    }
    let kg = format!("{}.{:03}", grams / 1000, grams % 1000);
    format!("{} 公斤", kg.trim_end_matches('0').trim_end_matches('.'))
}

fn category(e: Entry) -> RecyclingCategory {
    RecyclingCategory {
        id: e.id,
        code: e.code,
        name: e.name,
        points_per_kg: e.value,
        active: e.active,
        county_code: e.county_code,
    }
}

/// The categories in use in the county of `region` (any code inside it), by id: the shipped
/// catalogue with the county's own replacing it code by code; switched-off ones included.
pub async fn categories(
    db: &Db,
    region: &RegionCode,
) -> Result<Vec<RecyclingCategory>, sqlx::Error> {
    let entries = catalogue::in_county(db, storage::CATEGORIES, region).await?;
    Ok(entries.into_iter().map(category).collect())
}

/// Sets a county's own category (`PUT /admin/recycling/categories`), audited as
/// `recycling.category`; the rules are [`catalogue::set`]'s (rate 1–[`MAX_RATE`]).
///
/// Errors: [`RecyclingError::Entry`].
pub async fn set_category(
    db: &Db,
    actor_id: i64,
    grants: &[RoleGrant],
    update: &CategoryUpdate,
) -> Result<RecyclingCategory, RecyclingError> {
    let update = EntryUpdate {
        county_code: &update.county_code,
        code: &update.code,
        name: &update.name,
        value: update.points_per_kg,
        active: update.active,
    };
    let stored = catalogue::set(db, storage::CATEGORIES, actor_id, grants, update).await?;
    Ok(category(stored))
}

/// Records a drop-off weighed by `keeper_id` (holding `grants`) and credits the villager,
/// inside `tx` (see the module docs).
///
/// Errors: [`RecyclingError::Invalid`] (lines), [`RecyclingError::NoSuchShop`],
/// [`RecyclingError::NotKeeper`], [`RecyclingError::Counter`] (the villager),
/// [`RecyclingError::OwnHousehold`], [`RecyclingError::NoSuchCategory`].
pub async fn drop_off(
    tx: &mut Tx,
    keys: &Keys,
    keeper_id: i64,
    grants: &[RoleGrant],
    request: &NewDropoff,
    now: i64,
) -> Result<Dropoff, RecyclingError> {
    let mut lines = request.lines.clone();
    if lines.is_empty() || lines.len() > MAX_LINES {
        return Err(RecyclingError::Invalid(format!("lines: 1 to {MAX_LINES}")));
    }
    if let Some(bad) = lines.iter().find(|l| !(1..=MAX_GRAMS).contains(&l.grams)) {
        return Err(RecyclingError::Invalid(format!(
            "lines: grams must be a whole number from 1 to {MAX_GRAMS}, not {}",
            bad.grams
        )));
    }
    lines.sort_by_key(|l| l.category_id);
    if lines
        .windows(2)
        .any(|w| w[0].category_id == w[1].category_id)
    {
        return Err(RecyclingError::Invalid(
            "lines: each category at most once (add up the weight)".into(),
        ));
    }
    let shop = crate::shop::storage::shop(&mut **tx, request.shop_id)
        .await?
        .ok_or(RecyclingError::NoSuchShop(request.shop_id))?;
    if !crate::shop::keeps(tx, keeper_id, grants, shop.id, &shop.region_code).await? {
        return Err(RecyclingError::NotKeeper(shop.id));
    }
    let (person, village) = counter::identify(tx, keys, &shop, &request.villager).await?;
    let keeper = crate::people::storage::find_many_in(tx, &[keeper_id])
        .await?
        .pop();
    if let Some(keeper) = &keeper
        && policy::may_review_claimant(keeper.household(), person.household()).is_err()
    {
        return Err(RecyclingError::OwnHousehold);
    }
    let county = county_of(&village).ok_or(RecyclingError::NoSuchCategory(0))?;
    let in_use = catalogue::effective(&mut **tx, storage::CATEGORIES, county.as_str()).await?;
    let mut items = Vec::with_capacity(lines.len());
    for line in &lines {
        let category = in_use
            .iter()
            .find(|c| c.id == line.category_id && c.active)
            .map(|c| category(c.clone()))
            .ok_or(RecyclingError::NoSuchCategory(line.category_id))?;
        items.push(DropoffItem {
            category_id: category.id,
            name: category.name,
            grams: line.grams,
            points_per_kg: category.points_per_kg,
            points: line_points(line.grams, category.points_per_kg),
        });
    }
    let points: i64 = items.iter().map(|i| i.points).sum();
    let summary = items
        .iter()
        .map(|i| format!("{} {}", i.name, weight_label(i.grams)))
        .collect::<Vec<_>>()
        .join("、");
    let id =
        storage::insert_dropoff(tx, shop.id, person.id, keeper_id, points, &summary, now).await?;
    for item in &items {
        storage::insert_line(tx, id, item).await?;
    }
    if points > 0 {
        let (account, issuance) = crate::points::accounts_of(tx, person.id, &village).await?;
        ledger::lock_accounts(tx, &mut vec![account]).await?;
        let (transfer, _) = ledger::transfer(
            tx,
            &NewTransfer {
                key: format!("recycling:{id}"),
                debit_account_id: issuance,
                credit_account_id: account,
                amount: points,
                reason: "recycling".into(),
                reference: Some(format!("recycling:{id}")),
                actor_id: Some(keeper_id),
            },
            false,
        )
        .await?;
        storage::set_transfer(tx, id, transfer.id).await?;
    }
    let record = crate::audit::Record {
        actor_id: Some(keeper_id),
        action: "recycling.dropoff",
        region: &village,
        target: format!("recycling:{id}"),
        before: None,
        after: Some(serde_json::json!({
            "shop_id": shop.id,
            "person_id": person.id,
            "points": points,
            "lines": items.iter().map(|i| serde_json::json!({"category_id": i.category_id, "grams": i.grams, "points": i.points})).collect::<Vec<_>>(),
        })),
    };
    crate::audit::record(tx, record, now).await?;
    Ok(Dropoff {
        id,
        shop_id: shop.id,
        villager_name: mask_name(&person.name),
        points,
        items,
        created_at: rfc3339(now),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_earn_the_floor_of_their_grams() {
        assert_eq!(line_points(2499, 2), 4);
        assert_eq!(line_points(2500, 2), 5);
        assert_eq!(line_points(499, 2), 0);
        assert_eq!(line_points(1, 1000), 1);
        assert_eq!(line_points(MAX_GRAMS, MAX_RATE), 1_000_000);
    }

    #[test]
    fn weights_read_as_people_say_them() {
        assert_eq!(weight_label(800), "800 克");
        assert_eq!(weight_label(1000), "1 公斤");
        assert_eq!(weight_label(2500), "2.5 公斤");
        assert_eq!(weight_label(2005), "2.005 公斤");
    }
}
