//! Sign-in by SMS one-time code (短信验证码), the villagers' way in.
//!
//! - a code is 6 random digits, valid [`CODE_TTL`] (5 minutes), works once, and allows
//!   [`MAX_ATTEMPTS`] (5) tries in all, even in parallel; only an HMAC of it (keyed with a
//!   server secret, so a database copy does not reveal codes) is stored;
//! - per phone: one request per [`RESEND_COOLDOWN`] (60 s), and at most
//!   `JIFEN_OTP_PER_HOUR` / `JIFEN_OTP_PER_DAY`; per client address at most
//!   `JIFEN_OTP_PER_IP_PER_HOUR` (rolling windows; every request counts, sent or not);
//! - a code is only sent to phones in the registry, but the answer is the same 202 either way,
//!   so the send endpoint does not tell who is registered; verify says `not_registered` only
//!   after such a send (within 5 minutes), else `invalid_code`, so it cannot list them either;
//! - a newer code replaces older ones: only the newest unexpired code is checked;
//! - a code the SMS gateway did not take (refused, unreachable, timed out) is forgotten: the
//!   request counts against no limit (per phone or per address), so the person may ask again
//!   at once, and an older code that did arrive keeps working; the client gets 503
//!   `sms_unavailable`. Nothing was sent, so there is nothing for the limits to protect, and
//!   the gateway keeps its own per-number limits. (While the send is under way, up to the
//!   gateway timeout, the request already counts and its code is the newest.)

use crate::error::DomainError;
use jifen_shared::ErrorCode;
use std::time::Duration;

use hmac::{Hmac, Mac};
use jifen_shared::auth::Tokens;
use rand::Rng;
use sha2::Sha256;

use super::keys::Keys;
use super::sms::SmsSender;
use super::storage::{self, OtpKey};
use crate::config::OtpLimits;
use crate::people::phone::{Phone, PhoneError};
use crate::storage::{Db, now_ms};

/// How long a code is valid.
pub const CODE_TTL: Duration = Duration::from_secs(5 * 60);
/// Wrong tries before a code stops working.
pub const MAX_ATTEMPTS: i64 = 5;
/// Minimum time between two codes for one phone.
pub const RESEND_COOLDOWN: Duration = Duration::from_secs(60);

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;

/// Why a code was not sent or not accepted.
#[derive(Debug, thiserror::Error)]
pub enum OtpError {
    #[error("phone: {0}")]
    InvalidPhone(#[from] PhoneError),
    #[error("too many codes asked for; try again in {retry_after_s} s")]
    RateLimited { retry_after_s: u64 },
    #[error(
        "the code is wrong, expired, already used or was tried too many times; ask for a new one"
    )]
    InvalidCode,
    #[error("this phone number is not in the village registry; ask your village to add it")]
    NotRegistered,
    #[error("the SMS could not be sent; try again later")]
    SmsUnavailable,
    #[error(transparent)]
    Auth(#[from] super::AuthError),
    #[error(transparent)]
    Storage(#[from] sqlx::Error),
}

impl DomainError for OtpError {
    fn code(&self) -> ErrorCode {
        match self {
            OtpError::InvalidPhone(_) => ErrorCode::InvalidPhone,
            OtpError::RateLimited { .. } => ErrorCode::RateLimited,
            OtpError::InvalidCode => ErrorCode::InvalidCode,
            OtpError::NotRegistered => ErrorCode::NotRegistered,
            OtpError::SmsUnavailable => ErrorCode::SmsUnavailable,
            OtpError::Auth(_) | OtpError::Storage(_) => ErrorCode::Internal,
        }
    }

    fn wrapped(&self) -> Option<&dyn DomainError> {
        match self {
            OtpError::Auth(e) => Some(e),
            OtpError::Storage(e) => Some(e),
            _ => None,
        }
    }

    fn retry_after_s(&self) -> Option<u64> {
        match self {
            OtpError::RateLimited { retry_after_s } => Some(*retry_after_s),
            _ => None,
        }
    }
}

/// HMAC-SHA256 of `phone:code` under the deployment's OTP key, hex.
fn code_mac(keys: &Keys, phone: &Phone, code: &str) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(&keys.otp).expect("HMAC takes any key length");
    mac.update(format!("{phone}:{code}").as_bytes());
    mac
}

fn code_hash(keys: &Keys, phone: &Phone, code: &str) -> String {
    hex::encode(code_mac(keys, phone, code).finalize().into_bytes())
}

/// Whether `code` is the one stored as `stored` (constant-time).
fn code_matches(keys: &Keys, phone: &Phone, code: &str, stored: &str) -> bool {
    hex::decode(stored).is_ok_and(|bytes| code_mac(keys, phone, code).verify_slice(&bytes).is_ok())
}

/// Serialises code requests for the same phone or address, so parallel requests cannot all
/// pass the count before any is recorded: SQLite's write transaction already does; on
/// PostgreSQL a transaction-scoped advisory lock per key does.
async fn lock_for_limits(
    tx: &mut crate::storage::Tx,
    db: &Db,
    keys: &[&str],
) -> Result<(), sqlx::Error> {
    for key in keys {
        crate::storage::lock_key(tx, db.backend(), &format!("otp:{key}")).await?;
    }
    Ok(())
}

/// `POST /auth/otp/send`: checks the limits, records the request and, for a registered phone,
/// sends a new code. Returns the seconds until the next code may be asked for.
///
/// Errors: [`OtpError::InvalidPhone`], [`OtpError::RateLimited`] (with the wait),
/// [`OtpError::SmsUnavailable`] when the gateway refuses or cannot be reached (the request is
/// then forgotten, see the module docs).
pub async fn send_code(
    db: &Db,
    keys: &Keys,
    sms: &dyn SmsSender,
    limits: OtpLimits,
    phone: &str,
    client_ip: &str,
) -> Result<u64, OtpError> {
    let phone = Phone::parse(phone)?;
    let registered = storage::account_by_phone(db, phone.as_str())
        .await?
        .is_some();
    let now = now_ms();
    let cooldown = RESEND_COOLDOWN.as_millis() as i64;
    let mut tx = db.begin_write().await?;
    lock_for_limits(&mut tx, db, &[phone.as_str(), client_ip]).await?;
    let windows = [
        (OtpKey::Phone, phone.as_str(), cooldown, 1),
        (
            OtpKey::Phone,
            phone.as_str(),
            HOUR_MS,
            i64::from(limits.per_hour),
        ),
        (
            OtpKey::Phone,
            phone.as_str(),
            DAY_MS,
            i64::from(limits.per_day),
        ),
        (
            OtpKey::ClientIp,
            client_ip,
            HOUR_MS,
            i64::from(limits.per_ip_per_hour),
        ),
    ];
    for (key, value, window, limit) in windows {
        let (count, oldest) =
            storage::otp_requests_since(&mut tx, key, value, now - window).await?;
        if count >= limit {
            let free_at = oldest.unwrap_or(now) + window;
            let retry_after_s = ((free_at - now).max(1000) as u64).div_ceil(1000);
            return Err(OtpError::RateLimited { retry_after_s });
        }
    }
    let code = registered.then(|| format!("{:06}", rand::rng().random_range(0..1_000_000)));
    let hash = code.as_deref().map(|c| code_hash(keys, &phone, c));
    let id = storage::insert_otp(
        &mut tx,
        phone.as_str(),
        client_ip,
        hash.as_deref(),
        now,
        now + CODE_TTL.as_millis() as i64,
    )
    .await?;
    tx.commit().await?;
    match code {
        Some(code) => {
            if let Err(e) = sms.send(&phone, &code).await {
                tracing::error!(error = %e, phone = %phone.masked(), "SMS not sent");
                if let Err(e) = storage::delete_otp(db, id).await {
                    // The request keeps counting: safe, only less friendly.
                    tracing::error!(error = %e, "cannot forget the unsent SMS code");
                }
                return Err(OtpError::SmsUnavailable);
            }
        }
        None => {
            tracing::info!(target: "jifen::sms", "no SMS code for {}: not in the registry", phone.masked())
        }
    }
    Ok(RESEND_COOLDOWN.as_secs())
}

/// `POST /auth/otp/verify`: checks the code and starts a session.
///
/// Errors: as [`check_code`].
pub async fn verify_code(
    db: &Db,
    keys: &Keys,
    phone: &str,
    code: &str,
) -> Result<Tokens, OtpError> {
    let person_id = check_code(db, keys, phone, code).await?;
    Ok(super::start_session(db, keys, person_id).await?)
}

/// Checks `code` for `phone` and uses it up; returns the person of that phone.
///
/// Errors: [`OtpError::InvalidPhone`], [`OtpError::NotRegistered`], [`OtpError::InvalidCode`]
/// (wrong — the try is counted —, expired, used, or too many tries).
pub async fn check_code(db: &Db, keys: &Keys, phone: &str, code: &str) -> Result<i64, OtpError> {
    let phone = Phone::parse(phone)?;
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let Some(account) = storage::account_by_phone(db, phone.as_str()).await? else {
        // Say "not registered" only to someone who just asked for a code for this phone (the
        // send found no account), so verify cannot be used to list who is registered.
        let since = now - CODE_TTL.as_millis() as i64;
        return Err(
            if storage::recent_unsent_otp(&mut tx, phone.as_str(), since).await? {
                OtpError::NotRegistered
            } else {
                OtpError::InvalidCode
            },
        );
    };
    let Some((id, hash)) = storage::live_otp(&mut tx, phone.as_str(), now).await? else {
        return Err(OtpError::InvalidCode);
    };
    if !storage::otp_take_try(&mut tx, id, MAX_ATTEMPTS).await? {
        return Err(OtpError::InvalidCode);
    }
    let given = code.trim();
    let well_formed = given.len() == 6 && given.bytes().all(|b| b.is_ascii_digit());
    if !well_formed || !code_matches(keys, &phone, given, &hash) {
        tx.commit().await?; // the try counts
        return Err(OtpError::InvalidCode);
    }
    if !storage::otp_use(&mut tx, id, now).await? {
        return Err(OtpError::InvalidCode);
    }
    tx.commit().await?;
    Ok(account.id)
}
