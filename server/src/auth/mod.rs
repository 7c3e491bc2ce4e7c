//! Sign-in and sessions (登录): SMS codes for villagers ([`otp`]), WeChat ([`wechat`]), staff
//! passwords, short-lived JWT access tokens and rotating refresh tokens; the [`caller::Caller`] extractor that every protected route uses.
//!
//! Sessions:
//! - access tokens are HS256 JWTs (`jsonwebtoken`, the algorithm pinned, `exp` and `sub`
//!   required, audience [`ACCESS_AUDIENCE`], 5 s leeway) that live [`ACCESS_TTL`]; they carry only the person's id — roles
//!   are read from the database on every request, never from claims;
//! - refresh tokens are 32 random bytes (base64url), stored as SHA-256 hashes, valid
//!   [`REFRESH_TTL`], and work once: each use returns a new one of the same family. Presenting
//!   a token that was already used revokes its whole family (someone replayed a stolen
//!   token), so both the thief and the owner must sign in again — except within
//!   [`ROTATION_GRACE`] of its use while no successor has been used (a lost answer).

pub mod caller;
pub mod keys;
pub mod otp;
pub mod password;
pub mod routes;
pub mod sms;
pub mod storage;
pub mod wechat;

use crate::error::DomainError;
use jifen_shared::ErrorCode;
use std::time::Duration;

use base64::Engine;
use jifen_shared::auth::{Me, Tokens};
use jifen_shared::regions::RegionCode;
use jsonwebtoken::{Algorithm, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::people::phone::Phone;
use crate::storage::{Db, Tx, now_ms};
use keys::Keys;

/// How long an access token is accepted: 15 minutes.
pub const ACCESS_TTL: Duration = Duration::from_secs(15 * 60);
/// How long an unused refresh token stays valid: 30 days.
pub const REFRESH_TTL: Duration = Duration::from_secs(30 * 24 * 3600);
/// How long after its use a refresh token may be presented again without counting as a
/// replay: 30 seconds, for a villager whose refresh answer was lost on a weak network, or two
/// tabs refreshing at once (their cookies may then arrive in either order, so both new
/// tokens stay valid). An attacker replaying a stolen token inside this window gets a
/// session, the price of not signing out villagers on every dropped answer (the same
/// trade-off as Auth0's "reuse interval"); once any successor has been used, the old token is
/// a replay and ends the family.
pub const ROTATION_GRACE: Duration = Duration::from_secs(30);

/// Why a sign-in or session request failed.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("wrong phone number or password")]
    InvalidCredentials,
    #[error("the refresh token is not valid (unknown, expired, used or revoked)")]
    InvalidToken,
    #[error("sign in first: the access token is missing, invalid or expired")]
    Unauthenticated,
    #[error("too many failed sign-ins; try again in {retry_after_s} s")]
    TooManyFailures { retry_after_s: u64 },
    #[error("your password was reset: set your own first (POST /auth/password/change)")]
    PasswordChangeRequired,
    #[error("new_password: {0}")]
    WeakPassword(String),
    #[error("no person has the id {0}")]
    NoSuchPerson(i64),
    #[error("person {0} holds no staff role: villagers sign in with SMS codes")]
    NotStaff(i64),
    #[error("only an admin above every role of person {0}, in its region, resets their password")]
    NotAbove(i64),
    #[error("cannot hash the password: {0}")]
    Hashing(#[from] anyhow::Error),
    #[error(transparent)]
    Storage(#[from] sqlx::Error),
}

impl DomainError for AuthError {
    fn code(&self) -> ErrorCode {
        match self {
            AuthError::InvalidCredentials => ErrorCode::InvalidCredentials,
            AuthError::InvalidToken => ErrorCode::InvalidToken,
            AuthError::Unauthenticated => ErrorCode::Unauthenticated,
            AuthError::TooManyFailures { .. } => ErrorCode::RateLimited,
            AuthError::PasswordChangeRequired => ErrorCode::PasswordChangeRequired,
            AuthError::WeakPassword(_) | AuthError::NotStaff(_) => ErrorCode::InvalidInput,
            AuthError::NoSuchPerson(_) => ErrorCode::NotFound,
            AuthError::NotAbove(_) => ErrorCode::Forbidden,
            AuthError::Hashing(_) | AuthError::Storage(_) => ErrorCode::Internal,
        }
    }

    fn wrapped(&self) -> Option<&dyn DomainError> {
        match self {
            AuthError::Storage(e) => Some(e),
            _ => None,
        }
    }

    fn retry_after_s(&self) -> Option<u64> {
        match self {
            AuthError::TooManyFailures { retry_after_s } => Some(*retry_after_s),
            _ => None,
        }
    }
}

/// The `aud` of access tokens: other tokens signed with the same key (WeChat bind tokens)
/// are refused where an access token is expected.
pub const ACCESS_AUDIENCE: &str = "jifen:access";

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    aud: String,
    #[serde(default)]
    iat: Option<u64>,
    exp: u64,
}

/// The person id an access token was issued to.
///
/// Errors: [`AuthError::Unauthenticated`] for anything but a token signed with our key using
/// HS256, unexpired, with numeric `exp`, a `sub` and the audience [`ACCESS_AUDIENCE`].
pub fn verify_access(keys: &Keys, token: &str) -> Result<i64, AuthError> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_required_spec_claims(&["exp", "sub", "aud"]);
    validation.set_audience(&[ACCESS_AUDIENCE]);
    validation.leeway = 5;
    let data = jsonwebtoken::decode::<Claims>(token, &keys.decoding, &validation)
        .map_err(|_| AuthError::Unauthenticated)?;
    data.claims
        .sub
        .parse()
        .map_err(|_| AuthError::Unauthenticated)
}

/// A signed access token for `person_id`, valid [`ACCESS_TTL`] from now: what a sign-in
/// answers, and what `jifen simulate` signs for the people it plays.
///
/// Errors: [`AuthError::Unauthenticated`] if the key cannot sign (logged).
pub fn sign_access(keys: &Keys, person_id: i64) -> Result<String, AuthError> {
    let now = (now_ms() / 1000) as u64;
    let claims = Claims {
        sub: person_id.to_string(),
        aud: ACCESS_AUDIENCE.into(),
        iat: Some(now),
        exp: now + ACCESS_TTL.as_secs(),
    };
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &keys.encoding).map_err(|e| {
        tracing::error!(error = %e, "cannot sign an access token");
        AuthError::Unauthenticated
    })
}

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The signed-in person's profile: `GET /me`.
pub async fn me(db: &Db, person_id: i64) -> Result<Me, AuthError> {
    let account = storage::account_by_id(db, person_id)
        .await?
        .ok_or(AuthError::Unauthenticated)?;
    let code = |c: Option<String>| c.and_then(|c| RegionCode::parse(&c).ok());
    let village_code = code(account.village_code);
    let elder_default = match (&village_code, account.birth_year) {
        (Some(village), Some(born)) => {
            let age = crate::proxy::settings_for(db.reader(), village)
                .await?
                .elder_age;
            age > 0 && i64::from(jiff::Zoned::now().year()) - born >= age
        }
        _ => false,
    };
    Ok(Me {
        id: account.id,
        name: account.name,
        phone_masked: account.phone.map(|p| Phone::from_stored(p).masked()),
        village_code,
        grid_code: code(account.grid_code),
        roles: storage::roles(db, person_id).await?,
        balance: crate::points::balance(db, person_id).await?.available,
        must_change_password: account.password_reset_at.is_some(),
        elder_default,
    })
}

/// Starts a session for `person_id` in a new refresh-token family. Its transaction is run
/// again after a conflict ([`crate::storage::retry`]): the sign-ins that end here checked a
/// code or a password in transactions of their own before, which a retry of the whole
/// request would check again (a code already used, a password already changed).
async fn start_session(db: &Db, keys: &Keys, person_id: i64) -> Result<Tokens, AuthError> {
    crate::storage::retry(async || {
        let family = random_token();
        let now = now_ms();
        let mut tx = db.begin_write().await?;
        storage::insert_family(&mut tx, &family, person_id, now).await?;
        issue(db, keys, tx, person_id, &family, now).await
    })
    .await
}

/// Issues a new refresh token of `family` for `person_id` in `tx`, commits, and answers it
/// with a new access token and the person's profile.
async fn issue(
    db: &Db,
    keys: &Keys,
    mut tx: Tx,
    person_id: i64,
    family: &str,
    now: i64,
) -> Result<Tokens, AuthError> {
    let refresh_token = random_token();
    let expires_at = now + REFRESH_TTL.as_millis() as i64;
    let hash = token_hash(&refresh_token);
    storage::insert_refresh(&mut tx, person_id, family, &hash, now, expires_at).await?;
    tx.commit().await?;
    Ok(Tokens {
        access_token: sign_access(keys, person_id)?,
        refresh_token,
        expires_in: ACCESS_TTL.as_secs(),
        user: me(db, person_id).await?,
    })
}

/// Failed password sign-ins allowed per phone per hour.
pub const PASSWORD_FAILURES_PER_PHONE: i64 = 10;
/// Failed password sign-ins allowed per client address per hour.
pub const PASSWORD_FAILURES_PER_IP: i64 = 50;

/// `POST /auth/password`: a staff account signs in with phone and password.
///
/// Errors: [`AuthError::InvalidCredentials`] for a malformed or unknown phone, an account
/// without a password, or a wrong password — never saying which;
/// [`AuthError::TooManyFailures`] after [`PASSWORD_FAILURES_PER_PHONE`] failures for the phone
/// or [`PASSWORD_FAILURES_PER_IP`] from the address within an hour.
pub async fn login_with_password(
    db: &Db,
    keys: &Keys,
    phone: &str,
    password: &str,
    client_ip: &str,
) -> Result<Tokens, AuthError> {
    let now = now_ms();
    let key = Phone::parse(phone)
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|_| phone.trim().to_owned());
    check_failure_limits(db, &key, client_ip, now).await?;
    let account = match Phone::parse(phone) {
        Ok(phone) => storage::account_by_phone(db, phone.as_str()).await?,
        Err(_) => None,
    };
    let hash = account.as_ref().and_then(|a| a.password_hash.clone());
    if !password::verify(password.to_owned(), hash).await {
        storage::insert_login_failure(db, &key, client_ip, now).await?;
        return Err(AuthError::InvalidCredentials);
    }
    let account = account.ok_or(AuthError::InvalidCredentials)?;
    if one_time_expired(&account, now) {
        return Err(AuthError::InvalidCredentials);
    }
    start_session(db, keys, account.id).await
}

/// Refuses once [`PASSWORD_FAILURES_PER_PHONE`] wrong passwords for the phone `key` (E.164)
/// or [`PASSWORD_FAILURES_PER_IP`] from `client_ip` were given within the hour.
async fn check_failure_limits(
    db: &Db,
    key: &str,
    client_ip: &str,
    now: i64,
) -> Result<(), AuthError> {
    let hour = 3_600_000;
    let [by_phone, by_ip] = storage::login_failures_since(db, key, client_ip, now - hour).await?;
    for ((count, oldest), limit) in [
        (by_phone, PASSWORD_FAILURES_PER_PHONE),
        (by_ip, PASSWORD_FAILURES_PER_IP),
    ] {
        if count >= limit {
            let wait = oldest.unwrap_or(now) + hour - now;
            return Err(AuthError::TooManyFailures {
                retry_after_s: (wait.max(1000) as u64).div_ceil(1000),
            });
        }
    }
    Ok(())
}

/// How long the one-time password of a reset signs in: 72 hours, time to hand it over in
/// person; then it is refused like a wrong one, and the admin resets again.
pub const ONE_TIME_TTL_MS: i64 = 72 * 3_600_000;

/// Whether the account's password is the one-time password of a reset older than
/// [`ONE_TIME_TTL_MS`].
fn one_time_expired(account: &storage::Account, now: i64) -> bool {
    account
        .password_reset_at
        .is_some_and(|at| now - at > ONE_TIME_TTL_MS)
}

/// The longest password accepted, in characters (Argon2 takes any length; this bounds the
/// work a request can ask for).
pub const MAX_PASSWORD_CHARS: usize = 128;

/// `POST /auth/password/change`: the person `person_id` replaces their password, also the
/// one-time password of a reset. The current one must match (a wrong one counts against the
/// sign-in failure limits, as at sign-in); the new one has
/// [`password::MIN_PASSWORD_CHARS`]–[`MAX_PASSWORD_CHARS`] characters and is neither the
/// current one nor the account's phone number. Every session of the old password ends and
/// a new one starts (its tokens are the answer).
///
/// Errors: [`AuthError::InvalidCredentials`] (wrong current password, or an account without
/// one), [`AuthError::TooManyFailures`], [`AuthError::WeakPassword`].
pub async fn change_password(
    db: &Db,
    keys: &Keys,
    person_id: i64,
    request: &jifen_shared::auth::ChangePassword,
    client_ip: &str,
) -> Result<Tokens, AuthError> {
    let now = now_ms();
    let account = storage::account_by_id(db, person_id)
        .await?
        .ok_or(AuthError::Unauthenticated)?;
    let phone = account.phone.clone().unwrap_or_default();
    check_failure_limits(db, &phone, client_ip, now).await?;
    let current = request.current_password.clone();
    if !password::verify(current, account.password_hash.clone()).await
        || one_time_expired(&account, now)
    {
        storage::insert_login_failure(db, &phone, client_ip, now).await?;
        return Err(AuthError::InvalidCredentials);
    }
    let new = &request.new_password;
    let chars = new.chars().count();
    let (min, max) = (password::MIN_PASSWORD_CHARS, MAX_PASSWORD_CHARS);
    if !(min..=max).contains(&chars) {
        return Err(AuthError::WeakPassword(format!(
            "{min} to {max} characters"
        )));
    }
    if new.trim().is_empty() {
        return Err(AuthError::WeakPassword("only spaces".into()));
    }
    if *new == request.current_password {
        return Err(AuthError::WeakPassword(
            "the same as the current one".into(),
        ));
    }
    if Phone::parse(new).is_ok_and(|p| p.as_str() == phone) {
        return Err(AuthError::WeakPassword("your phone number".into()));
    }
    let hash = password::hash(new.clone()).await?;
    // Filed under the person's first role's region (roles are ordered by role, then region).
    let region = storage::roles(db, person_id).await?.into_iter().next();
    let mut tx = db.begin_write().await?;
    let replacing = account.password_hash.as_deref();
    if !storage::set_password(&mut tx, person_id, &hash, false, replacing, now).await? {
        // Reset (or changed elsewhere) since it was checked: the current password is not it.
        return Err(AuthError::InvalidCredentials);
    }
    if let Some(grant) = region {
        let record = crate::audit::Record {
            actor_id: Some(person_id),
            action: "password.change",
            region: &grant.region_code,
            target: format!("person:{person_id}"),
            before: None,
            after: None,
        };
        crate::audit::record(&mut tx, record, now).await?;
    }
    tx.commit().await?;
    start_session(db, keys, person_id).await
}

/// Letters and digits of a one-time password: no 0/O, 1/I/L, so it can be read out and
/// typed on a phone.
const ONE_TIME_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// `POST /admin/users/{id}/password/reset`: an admin (`actor` holding `grants`) gives the
/// staff person `person_id` a one-time password — 10 characters of [`ONE_TIME_ALPHABET`],
/// answered once, stored only as its Argon2 hash. It signs them in, and until they set their
/// own ([`change_password`]) every other request is refused with 403
/// `password_change_required`. Their sessions end. Audited as `password.reset` (without the
/// password). Who may: an admin above every staff role the person holds, where they hold it
/// ([`crate::policy::outranks`]) — a village admin resets the grid workers and keepers of the
/// village, a township admin the village admins of the township…, never a peer.
///
/// Errors: [`AuthError::NoSuchPerson`], [`AuthError::NotStaff`] (only a villager role),
/// [`AuthError::NotAbove`].
pub async fn reset_password(
    db: &Db,
    actor_id: i64,
    grants: &[jifen_shared::auth::RoleGrant],
    person_id: i64,
) -> Result<jifen_shared::auth::OneTimePassword, AuthError> {
    if storage::account_by_id(db, person_id).await?.is_none() {
        return Err(AuthError::NoSuchPerson(person_id));
    }
    let staff: Vec<_> = storage::roles(db, person_id)
        .await?
        .into_iter()
        .filter(|g| g.role != jifen_shared::auth::Role::Villager)
        .collect();
    let Some(first) = staff.first() else {
        return Err(AuthError::NotStaff(person_id));
    };
    if person_id == actor_id || !crate::policy::outranks(grants, &staff) {
        return Err(AuthError::NotAbove(person_id));
    }
    let one_time: String = {
        let mut rng = rand::rng();
        (0..10)
            .map(|_| {
                let i = (rng.next_u32() as usize) % ONE_TIME_ALPHABET.len();
                char::from(ONE_TIME_ALPHABET[i])
            })
            .collect()
    };
    let hash = password::hash(one_time.clone()).await?;
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    storage::set_password(&mut tx, person_id, &hash, true, None, now).await?;
    let record = crate::audit::Record {
        actor_id: Some(actor_id),
        action: "password.reset",
        region: &first.region_code,
        target: format!("person:{person_id}"),
        before: None,
        after: None,
    };
    crate::audit::record(&mut tx, record, now).await?;
    tx.commit().await?;
    Ok(jifen_shared::auth::OneTimePassword {
        one_time_password: one_time,
    })
}

/// `POST /auth/refresh`: trades a refresh token for a new session of the same family.
///
/// Errors: [`AuthError::InvalidToken`] when the token is unknown, expired or revoked, or was
/// already used — in which case the whole family is revoked, unless within
/// [`ROTATION_GRACE`] of that use while no successor has been used (then another token of
/// the family is issued).
pub async fn refresh(db: &Db, keys: &Keys, token: &str) -> Result<Tokens, AuthError> {
    let now = now_ms();
    let hash = token_hash(token);
    let mut tx = db.begin_write().await?;
    let Some(found) = storage::find_refresh(&mut tx, &hash).await? else {
        return Err(AuthError::InvalidToken);
    };
    // Refreshes of one family queue here; the token is read again under the lock.
    if !storage::lock_live_family(&mut tx, &found.family).await? {
        return Err(AuthError::InvalidToken);
    }
    let Some(row) = storage::find_refresh(&mut tx, &hash).await? else {
        return Err(AuthError::InvalidToken);
    };
    if row.revoked || row.expires_at <= now {
        return Err(AuthError::InvalidToken);
    }
    match row.rotated_at {
        None => {
            storage::mark_rotated(&mut tx, row.id, now).await?;
        }
        Some(used_at)
            if now - used_at <= ROTATION_GRACE.as_millis() as i64
                && !storage::successor_used(&mut tx, &row.family, row.id).await? =>
        {
            // The answer to the first use was lost (a weak network) or another tab refreshed
            // at the same moment: a sibling token is issued; the first successor stays valid.
            tracing::info!(
                person_id = row.person_id,
                "refresh token used again within the grace period"
            );
        }
        Some(_) => {
            tracing::warn!(
                person_id = row.person_id,
                "a used refresh token was presented again: family revoked"
            );
            storage::revoke_family(&mut tx, &row.family, now).await?;
            tx.commit().await?;
            return Err(AuthError::InvalidToken);
        }
    }
    issue(db, keys, tx, row.person_id, &row.family, now).await
}

/// `POST /auth/logout`: ends the session the refresh token belongs to (its whole family). An
/// unknown token is not an error: the session is over either way.
pub async fn logout(db: &Db, token: &str) -> Result<(), AuthError> {
    let mut tx = db.begin_write().await?;
    if let Some(row) = storage::find_refresh(&mut tx, &token_hash(token)).await? {
        storage::revoke_family(&mut tx, &row.family, now_ms()).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Why a role cannot be granted.
#[derive(Debug, thiserror::Error)]
pub enum GrantError {
    #[error("no person has the id {0}")]
    NoSuchPerson(i64),
    #[error("no region {0} is loaded")]
    NoSuchRegion(RegionCode),
    #[error("a {0} is granted over a {1}, and {2} is a {3}")]
    WrongLevel(
        jifen_shared::auth::Role,
        jifen_shared::regions::RegionLevel,
        RegionCode,
        jifen_shared::regions::RegionLevel,
    ),
    #[error("villagers are made by the villager import, which also says their village")]
    VillagerByImport,
    /// A staff role for someone without a phone, who could never sign in to use it.
    #[error("a staff role needs a phone to sign in with: record the person's phone first")]
    NoPhone,
    #[error(transparent)]
    Storage(#[from] sqlx::Error),
}

impl DomainError for GrantError {
    fn code(&self) -> ErrorCode {
        match self {
            GrantError::NoSuchPerson(_) => ErrorCode::NotFound,
            GrantError::NoSuchRegion(_)
            | GrantError::WrongLevel(..)
            | GrantError::VillagerByImport
            | GrantError::NoPhone => ErrorCode::InvalidInput,
            GrantError::Storage(_) => ErrorCode::Internal,
        }
    }

    fn wrapped(&self) -> Option<&dyn DomainError> {
        match self {
            GrantError::Storage(e) => Some(e),
            _ => None,
        }
    }

    /// Names the field: `region_code: …` or `role: …`.
    fn message(&self) -> String {
        match self {
            GrantError::NoSuchRegion(_) | GrantError::WrongLevel(..) => {
                format!("region_code: {self}")
            }
            GrantError::VillagerByImport | GrantError::NoPhone => format!("role: {self}"),
            _ => self.to_string(),
        }
    }
}

/// Whether `grant` can exist at all: its region is loaded and of a level the role is granted
/// over, and it is not the villager role (which only the registry gives).
///
/// Errors: [`GrantError::NoSuchRegion`], [`GrantError::WrongLevel`],
/// [`GrantError::VillagerByImport`].
pub async fn check_grant(db: &Db, grant: &jifen_shared::auth::RoleGrant) -> Result<(), GrantError> {
    if grant.role == jifen_shared::auth::Role::Villager {
        // A villager belongs to one village: the registry (the villager import) says which.
        return Err(GrantError::VillagerByImport);
    }
    let region = crate::regions::storage::find(db, grant.region_code.as_str())
        .await?
        .ok_or_else(|| GrantError::NoSuchRegion(grant.region_code.clone()))?;
    if !grant.role.levels().contains(&region.level) {
        return Err(GrantError::WrongLevel(
            grant.role,
            grant.role.levels()[0],
            grant.region_code.clone(),
            region.level,
        ));
    }
    Ok(())
}

/// Grants `grant` to person `person_id` (`POST /admin/users/{id}/roles`), recording
/// `role.grant` by `actor_id` in the audit log when it is new; returns the person's roles.
/// The caller's right to grant it is the policy's to decide, before this is called.
///
/// Errors: [`GrantError::NoSuchPerson`], [`GrantError::NoSuchRegion`],
/// [`GrantError::WrongLevel`] (see [`jifen_shared::auth::Role::levels`]), [`GrantError::NoPhone`]
/// (a role other than villager for someone without a phone).
pub async fn grant_role(
    db: &Db,
    actor_id: Option<i64>,
    person_id: i64,
    grant: &jifen_shared::auth::RoleGrant,
) -> Result<jifen_shared::auth::PersonRoles, GrantError> {
    let account = storage::account_by_id(db, person_id)
        .await?
        .ok_or(GrantError::NoSuchPerson(person_id))?;
    if account.phone.is_none() && grant.role != jifen_shared::auth::Role::Villager {
        return Err(GrantError::NoPhone);
    }
    check_grant(db, grant).await?;
    change_role(db, actor_id, person_id, grant, true).await
}

async fn person_exists(db: &Db, person_id: i64) -> Result<(), GrantError> {
    match storage::account_by_id(db, person_id).await? {
        Some(_) => Ok(()),
        None => Err(GrantError::NoSuchPerson(person_id)),
    }
}

/// Grants (`granted`) or revokes `grant` and records the change, if there is one, in the same
/// transaction; the person's roles after it.
async fn change_role(
    db: &Db,
    actor_id: Option<i64>,
    person_id: i64,
    grant: &jifen_shared::auth::RoleGrant,
    granted: bool,
) -> Result<jifen_shared::auth::PersonRoles, GrantError> {
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let changed = if granted {
        storage::insert_role(&mut tx, person_id, grant, now).await?
    } else {
        storage::delete_role(&mut tx, person_id, grant).await?
    };
    if changed {
        let (action, before, after) = match granted {
            true => ("role.grant", None, Some(serde_json::json!(grant))),
            false => ("role.revoke", Some(serde_json::json!(grant)), None),
        };
        let record = crate::audit::Record {
            actor_id,
            action,
            region: &grant.region_code,
            target: format!("person:{person_id}"),
            before,
            after,
        };
        crate::audit::record(&mut tx, record, now).await?;
    }
    tx.commit().await?;
    Ok(jifen_shared::auth::PersonRoles {
        id: person_id,
        roles: storage::roles(db, person_id).await?,
    })
}

/// Takes `grant` away from person `person_id` (`DELETE /admin/users/{id}/roles/{role}/{region}`),
/// recording `role.revoke` by `actor_id` when the person held it; returns the person's roles.
/// Revoking a role the person does not hold changes nothing. The villager role is the
/// registry's (the villager import) and cannot be revoked here. The caller's right is the
/// policy's to decide (the same as granting).
///
/// Errors: [`GrantError::VillagerByImport`] (whoever the person), [`GrantError::NoSuchPerson`].
pub async fn revoke_role(
    db: &Db,
    actor_id: Option<i64>,
    person_id: i64,
    grant: &jifen_shared::auth::RoleGrant,
) -> Result<jifen_shared::auth::PersonRoles, GrantError> {
    if grant.role == jifen_shared::auth::Role::Villager {
        return Err(GrantError::VillagerByImport);
    }
    person_exists(db, person_id).await?;
    change_role(db, actor_id, person_id, grant, false).await
}
