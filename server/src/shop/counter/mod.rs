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
//!
//! **Member cards** (会员卡, issue "Villagers without a smartphone"): a printed card carries
//! the same member code as a QR, and a 10-digit card number (9 random digits and a Luhn check
//! digit, so a mistyped digit is caught) given when the card is first printed ([`card`]). A
//! lost card is replaced (挂失补卡, [`replace_card`]): its code and number are kept in
//! `revoked_member_codes` and refused from then on with `card_revoked`, and a new code and
//! number are made. Wherever a villager is named by a card — the counter ([`identify`]) or a
//! proxy session ([`crate::proxy::open`]) — the code or the number is accepted.

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
    #[error("villager: give one of member_code, phone and card_no")]
    Neither,
    #[error("villager: card_no is 10 digits with a valid check digit")]
    BadCardNo,
    /// The card was reported lost and replaced.
    #[error("villager: this member card was reported lost and replaced: use the new card")]
    Revoked,
    /// The card's account was closed (迁出, 去世).
    #[error("villager: this member card's account is closed")]
    Closed,
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
            CounterError::Neither | CounterError::BadCardNo => ErrorCode::InvalidInput,
            CounterError::Revoked => ErrorCode::CardRevoked,
            CounterError::Closed => ErrorCode::PersonClosed,
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

/// Whom a member code or card number names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardLookup {
    Person(i64),
    /// A card reported lost (挂失).
    Revoked,
    /// The card of an account closed since (迁出, 去世): revoked with it.
    Closed,
    /// Forged, tampered, or never made.
    Unknown,
}

/// A card found among the revoked ones ([`storage::revoked`]), or not.
fn revoked(closed: Option<bool>) -> CardLookup {
    match closed {
        Some(true) => CardLookup::Closed,
        Some(false) => CardLookup::Revoked,
        None => CardLookup::Unknown,
    }
}

/// Whom the member code `code` names.
pub async fn lookup_code(
    conn: &mut sqlx::AnyConnection,
    keys: &Keys,
    code: &str,
) -> Result<CardLookup, sqlx::Error> {
    let Some(nonce) = token::verify(&keys.redemption, Purpose::Member, code) else {
        return Ok(CardLookup::Unknown);
    };
    if let Some(id) = storage::person_of(&mut *conn, &nonce).await? {
        return Ok(CardLookup::Person(id));
    }
    Ok(revoked(
        storage::revoked(&mut *conn, Some(&nonce), None).await?,
    ))
}

/// Whom the card number `card_no` (normalised) names.
pub async fn lookup_card(
    conn: &mut sqlx::AnyConnection,
    card_no: &str,
) -> Result<CardLookup, sqlx::Error> {
    if let Some(id) = storage::person_of_card(&mut *conn, card_no).await? {
        return Ok(CardLookup::Person(id));
    }
    Ok(revoked(
        storage::revoked(&mut *conn, None, Some(card_no)).await?,
    ))
}

/// [`lookup_code`] outside a transaction.
pub async fn person_of_code(db: &Db, keys: &Keys, code: &str) -> Result<CardLookup, sqlx::Error> {
    let mut conn = db.reader().acquire().await?;
    lookup_code(&mut conn, keys, code).await
}

/// [`lookup_card`] outside a transaction.
pub async fn person_of_card(db: &Db, card_no: &str) -> Result<CardLookup, sqlx::Error> {
    let mut conn = db.reader().acquire().await?;
    lookup_card(&mut conn, card_no).await
}

/// The villager named by a member code, card number or phone, and their village, when `shop`
/// serves them (a village's own shop, or its township's).
///
/// Errors: [`CounterError::Neither`] (not exactly one given), [`CounterError::Phone`] (not a
/// mainland mobile number), [`CounterError::BadCardNo`], [`CounterError::Revoked`],
/// [`CounterError::Unknown`].
pub async fn identify(
    tx: &mut Tx,
    keys: &Keys,
    shop: &ShopRow,
    villager: &VillagerRef,
) -> Result<(PersonRow, RegionCode), CounterError> {
    let by_card = |found: CardLookup| match found {
        CardLookup::Person(id) => Ok(Some(id)),
        CardLookup::Revoked => Err(CounterError::Revoked),
        CardLookup::Closed => Err(CounterError::Closed),
        CardLookup::Unknown => Ok(None),
    };
    let id = match (
        villager.member_code.as_deref(),
        villager.phone.as_deref(),
        villager.card_no.as_deref(),
    ) {
        (Some(code), None, None) => by_card(lookup_code(tx, keys, code).await?)?,
        (None, None, Some(card_no)) => {
            let card_no =
                jifen_shared::proxy::normalize_card_no(card_no).ok_or(CounterError::BadCardNo)?;
            by_card(lookup_card(tx, &card_no).await?)?
        }
        (None, Some(phone), None) => {
            let phone = Phone::parse(phone).map_err(CounterError::Phone)?;
            crate::people::storage::find_by_phone(tx, phone.as_str())
                .await?
                .map(|p| p.id)
        }
        _ => return Err(CounterError::Neither),
    };
    let person = match id {
        Some(id) => crate::people::storage::find_many_in(tx, &[id])
            .await?
            .pop()
            .filter(|p| p.closed_at.is_none()),
        None => None,
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

/// `person_id`'s member card: their member code (made now if they had none) and its card
/// number (given now if it had none). Answers the number, the QR token, and whether the number
/// is new.
pub async fn card(
    tx: &mut Tx,
    keys: &Keys,
    person_id: i64,
    now: i64,
) -> Result<(String, String, bool), sqlx::Error> {
    if storage::card_of(tx, person_id).await?.is_none() {
        storage::insert_nonce(tx, person_id, &token::new_nonce(), now).await?;
    }
    let (nonce, card_no) = storage::card_of(tx, person_id)
        .await?
        .ok_or(sqlx::Error::RowNotFound)?;
    let token = token::sign(&keys.redemption, Purpose::Member, &nonce);
    if let Some(card_no) = card_no {
        return Ok((card_no, token, false));
    }
    // 10^9 numbers: a clash is rare; each draw is checked against every number ever given.
    loop {
        let card_no = new_card_no();
        if !storage::card_no_taken(tx, &card_no).await? {
            storage::set_card_no(tx, person_id, &card_no, now).await?;
            // Another print may have given one a moment ago (PostgreSQL): that one stands.
            let given = storage::card_of(tx, person_id)
                .await?
                .and_then(|(_, no)| no);
            let issued = given.as_deref() == Some(card_no.as_str());
            return Ok((given.unwrap_or(card_no), token, issued));
        }
    }
}

/// 挂失补卡: `person_id`'s card (code and number) is kept as lost and a new one made; answers
/// as [`card`] does.
pub async fn replace_card(
    tx: &mut Tx,
    keys: &Keys,
    person_id: i64,
    by: i64,
    now: i64,
) -> Result<(String, String, bool), sqlx::Error> {
    storage::revoke(tx, person_id, by, now).await?;
    card(tx, keys, person_id, now).await
}

/// A new card number: 9 random digits (the first not 0) and a Luhn check digit.
fn new_card_no() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    let body: String = std::iter::once(char::from(b'0' + rng.random_range(1..10u8)))
        .chain((0..8).map(|_| char::from(b'0' + rng.random_range(0..10u8))))
        .collect();
    format!("{body}{}", jifen_shared::proxy::luhn_digit(&body))
}
