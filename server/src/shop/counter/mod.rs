//! The shop's counter (收银台): the QR codes a keeper scans and naming the villager in front of
//! them — for handing over reserved goods ([`crate::shop::redemptions`]) and for weighing
//! recyclables ([`crate::recycling`]).
//!
//! - [`token`]: **both QR token formats**, side by side — the redemption token (`JF1.…`, shown
//!   once to collect a reservation, with its 8-character short code) and the member code
//!   (`JFM1.…`, 会员码). Changing a QR token format is a change to [`token`] only;
//! - this module: member codes and naming the villager at the counter ([`identify`], used by
//!   `POST /shop/identify` through [`preview`] and by the recycling drop-off
//!   [`crate::recycling::drop_off`]);
//! - [`storage`]: the SQL of the `member_codes` table.
//!
//! The routes stay with the shop's ([`crate::shop::routes`]: `GET /me/member-code`,
//! `POST /shop/identify`; the redemption token is scanned by `POST /shop/scan`).
//!
//! A villager's member code is a signed token ([`token::Purpose::Member`]) over a random nonce
//! kept in `member_codes`: opaque (nothing about the person is readable from it), made on
//! first request and then the same every time, so it can be printed on a card for a villager
//! without a phone. The keeper scans it, or types the villager's 11-digit phone instead,
//! before weighing recyclables ([`crate::recycling`]).

pub mod storage;
pub mod token;

use crate::auth::keys::Keys;
use crate::error::DomainError;
use crate::people::phone::Phone;
use crate::people::storage::PersonRow;
use crate::shop::storage::ShopRow;
use crate::storage::{Db, Tx, now_ms};
use jifen_shared::ErrorCode;
use jifen_shared::auth::RoleGrant;
use jifen_shared::points::mask_name;
use jifen_shared::recycling::{IdentifiedVillager, IdentifyRequest, MemberCode, VillagerRef};
use jifen_shared::regions::RegionCode;
use token::Purpose;

/// Why the villager at the counter could not be named.
#[derive(Debug, thiserror::Error)]
pub enum CounterError {
    #[error("villager: give either member_code or phone")]
    Neither,
    #[error("villager: {0}")]
    Phone(crate::people::phone::PhoneError),
    /// A forged or tampered member code, a phone nobody has, or a person this shop does not
    /// serve (answered alike, so a keeper cannot probe who is registered elsewhere).
    #[error("villager: nobody this shop serves has this member code or phone")]
    Unknown,
    #[error("shop_id: no shop {0}")]
    NoSuchShop(i64),
    #[error("you do not keep shop {0}")]
    NotKeeper(i64),
    #[error(transparent)]
    Storage(#[from] sqlx::Error),
}

impl DomainError for CounterError {
    fn code(&self) -> ErrorCode {
        match self {
            CounterError::Neither => ErrorCode::InvalidInput,
            CounterError::Phone(_) => ErrorCode::InvalidPhone,
            CounterError::Unknown | CounterError::NoSuchShop(_) => ErrorCode::NotFound,
            CounterError::NotKeeper(_) => ErrorCode::Forbidden,
            CounterError::Storage(_) => ErrorCode::Internal,
        }
    }

    fn wrapped(&self) -> Option<&dyn DomainError> {
        match self {
            CounterError::Storage(e) => Some(e),
            _ => None,
        }
    }
}

/// The person's member code, made on first request (`GET /me/member-code`).
pub async fn member_code(db: &Db, keys: &Keys, person_id: i64) -> Result<MemberCode, sqlx::Error> {
    let nonce = match storage::nonce_of(db, person_id).await? {
        Some(nonce) => nonce,
        None => {
            let mut tx = db.begin_write().await?;
            storage::insert_nonce(&mut tx, person_id, &token::new_nonce(), now_ms()).await?;
            tx.commit().await?;
            // Of two first requests at once, the one inserted first wins; both answer it.
            storage::nonce_of(db, person_id)
                .await?
                .ok_or(sqlx::Error::RowNotFound)?
        }
    };
    Ok(MemberCode {
        token: token::sign(&keys.redemption, Purpose::Member, &nonce),
    })
}

/// The villager named by a member code or phone, and their village, when `shop` serves them
/// (a village's own shop, or its township's).
///
/// Errors: [`CounterError::Neither`] (none or both given), [`CounterError::Phone`] (not a
/// mainland mobile number), [`CounterError::Unknown`].
pub async fn identify(
    tx: &mut Tx,
    keys: &Keys,
    shop: &ShopRow,
    villager: &VillagerRef,
) -> Result<(PersonRow, RegionCode), CounterError> {
    let person = match (villager.member_code.as_deref(), villager.phone.as_deref()) {
        (Some(code), None) => match token::verify(&keys.redemption, Purpose::Member, code) {
            Some(nonce) => {
                let id = storage::person_of(tx, &nonce).await?;
                match id {
                    Some(id) => crate::people::storage::find_many_in(tx, &[id]).await?.pop(),
                    None => None,
                }
            }
            None => None,
        },
        (None, Some(phone)) => {
            let phone = Phone::parse(phone).map_err(CounterError::Phone)?;
            crate::people::storage::find_by_phone(tx, phone.as_str()).await?
        }
        _ => return Err(CounterError::Neither),
    }
    .ok_or(CounterError::Unknown)?;
    let village = person
        .village()
        .filter(|v| crate::shop::serves(shop, v))
        .ok_or(CounterError::Unknown)?;
    Ok((person, village))
}

/// Who the keeper `keeper_id` (holding `grants`) is about to credit at the counter of
/// `request.shop_id` (`POST /shop/identify`): the villager's masked name and village.
///
/// Errors: [`CounterError::NoSuchShop`], [`CounterError::NotKeeper`], and those of
/// [`identify`].
pub async fn preview(
    db: &Db,
    keys: &Keys,
    keeper_id: i64,
    grants: &[RoleGrant],
    request: &IdentifyRequest,
) -> Result<IdentifiedVillager, CounterError> {
    let mut tx = db.reader().begin().await?;
    let shop = crate::shop::storage::shop(&mut *tx, request.shop_id)
        .await?
        .ok_or(CounterError::NoSuchShop(request.shop_id))?;
    if !crate::shop::keeps(&mut tx, keeper_id, grants, shop.id, &shop.region_code).await? {
        return Err(CounterError::NotKeeper(shop.id));
    }
    let (person, village) = identify(&mut tx, keys, &shop, &request.villager).await?;
    drop(tx);
    let village_name = crate::regions::storage::find(db, village.as_str())
        .await?
        .map(|r| r.name)
        .unwrap_or_default();
    Ok(IdentifiedVillager {
        name: mask_name(&person.name),
        village_name,
    })
}
