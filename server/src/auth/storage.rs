//! SQL for `role_assignments`, `refresh_tokens`, `otp_codes`, `login_failures`,
//! `wechat_bindings`, `wechat_sign_ins` and the password column of `people` (owned by this
//! module).

use jifen_shared::auth::{Role, RoleGrant};
use jifen_shared::regions::RegionCode;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::storage::{Db, Tx};

/// A person as the session layer needs them.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Account {
    pub id: i64,
    pub name: String,
    /// `None` for a villager without a phone (they never sign in; a proxy reads their `/me`).
    pub phone: Option<String>,
    pub village_code: Option<String>,
    pub grid_code: Option<String>,
    pub password_hash: Option<String>,
    /// When a reset set the password to a one-time one ([`set_password`]; UTC ms); `None`
    /// once the person set their own.
    pub password_reset_at: Option<i64>,
    /// Year of birth, when known.
    pub birth_year: Option<i64>,
}

/// Only open accounts: a closed one (迁出, 去世; `crate::people::closure`) signs in no more, its
/// access tokens stop working at once, and its phone may belong to a new account.
const ACCOUNT: &str = "SELECT id, name, phone, village_code, grid_code, password_hash, \
     password_reset_at, birth_year FROM people WHERE closed_at IS NULL";

/// The open account with this E.164 phone.
pub async fn account_by_phone(db: &Db, phone: &str) -> Result<Option<Account>, sqlx::Error> {
    sqlx::query_as(&format!("{ACCOUNT} AND phone = $1"))
        .bind(phone)
        .fetch_optional(db.reader())
        .await
}

/// The open account with this id.
pub async fn account_by_id(db: &Db, id: i64) -> Result<Option<Account>, sqlx::Error> {
    sqlx::query_as(&format!("{ACCOUNT} AND id = $1"))
        .bind(id)
        .fetch_optional(db.reader())
        .await
}

/// The person's roles, ordered by role then region. Rows the code cannot read (a role name
/// from a newer version) are skipped.
pub async fn roles(db: &Db, person_id: i64) -> Result<Vec<RoleGrant>, sqlx::Error> {
    read_roles(db.reader(), person_id).await
}

/// [`roles`] read through `exec` (a transaction or a pool).
async fn read_roles<'e>(
    exec: impl sqlx::Executor<'e, Database = sqlx::Any>,
    person_id: i64,
) -> Result<Vec<RoleGrant>, sqlx::Error> {
    let rows = sqlx::query("SELECT role, region_code FROM role_assignments WHERE person_id = $1")
        .bind(person_id)
        .fetch_all(exec)
        .await?;
    let mut grants: Vec<RoleGrant> = rows.iter().filter_map(grant_of).collect();
    grants.sort();
    Ok(grants)
}

/// Whether the person has a staff password, read inside `tx`.
pub async fn has_password_in(tx: &mut Tx, person_id: i64) -> Result<bool, sqlx::Error> {
    Ok(
        sqlx::query("SELECT id FROM people WHERE id = $1 AND password_hash IS NOT NULL")
            .bind(person_id)
            .fetch_optional(&mut **tx)
            .await?
            .is_some(),
    )
}

/// The person's roles, read inside `tx` (ordered as [`roles`]).
pub async fn roles_in(tx: &mut Tx, person_id: i64) -> Result<Vec<RoleGrant>, sqlx::Error> {
    read_roles(&mut **tx, person_id).await
}

/// The people holding `role` over exactly `region_code` (not above or below it), by id, read
/// inside `tx`: whom a notification for that role and place goes to (the grid workers of a
/// grid, the admins of a village).
pub async fn holders_in(
    tx: &mut Tx,
    role: Role,
    region_code: &str,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT person_id FROM role_assignments WHERE region_code = $1 AND role = $2 \
         ORDER BY person_id",
    )
    .bind(region_code)
    .bind(role.as_str())
    .fetch_all(&mut **tx)
    .await
}

/// Ends every session of the person (revokes all their refresh-token families).
pub async fn end_sessions(tx: &mut Tx, person_id: i64, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE refresh_families SET revoked_at = $2 WHERE person_id = $1 AND revoked_at IS NULL",
    )
    .bind(person_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "UPDATE refresh_tokens SET revoked_at = $2 WHERE person_id = $1 AND revoked_at IS NULL",
    )
    .bind(person_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Sets a person's password hash — the one-time password of a reset (`reset`: stamped
/// `now`, and the phone's failed sign-ins forgotten) or their own — and ends every session of
/// the old password. With `replacing`, only
/// while the stored hash is still that one (a change races a reset: the later one must not
/// silently undo the other); whether it was set.
pub async fn set_password(
    tx: &mut Tx,
    person_id: i64,
    password_hash: &str,
    reset: bool,
    replacing: Option<&str>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let set = sqlx::query(
        "UPDATE people SET password_hash = $2, password_reset_at = $3, updated_at = $4 \
         WHERE id = $1 AND ($5 = '' OR password_hash = $5)",
    )
    .bind(person_id)
    .bind(password_hash)
    .bind(reset.then_some(now))
    .bind(now)
    .bind(replacing.unwrap_or(""))
    .execute(&mut **tx)
    .await?
    .rows_affected()
        == 1;
    if set {
        end_sessions(tx, person_id, now).await?;
    }
    if set && reset {
        // The admin's reset lifts the lock of wrong passwords for the phone (by address stays).
        sqlx::query(
            "DELETE FROM login_failures WHERE phone = (SELECT phone FROM people WHERE id = $1)",
        )
        .bind(person_id)
        .execute(&mut **tx)
        .await?;
    }
    Ok(set)
}

/// The people holding `role` over `region` or a region containing it (its township, county…:
/// whoever the role reaches `region` through, as [`crate::policy::may`] decides), by id.
pub async fn holders_over(
    tx: &mut Tx,
    role: Role,
    region: &RegionCode,
) -> Result<Vec<i64>, sqlx::Error> {
    let regions: Vec<String> = std::iter::successors(Some(region.clone()), RegionCode::parent)
        .map(|r| r.to_string())
        .collect();
    let slots: Vec<String> = (0..regions.len()).map(|i| format!("${}", i + 2)).collect();
    let sql = format!(
        "SELECT DISTINCT person_id FROM role_assignments WHERE role = $1 AND region_code IN ({}) \
         ORDER BY person_id",
        slots.join(", ")
    );
    let mut query = sqlx::query_scalar(&sql).bind(role.as_str());
    for r in regions {
        query = query.bind(r);
    }
    query.fetch_all(&mut **tx).await
}

/// The roles of each of these people (ordered as [`roles`]), by person id.
pub async fn roles_of_many(
    db: &Db,
    ids: impl Iterator<Item = i64>,
) -> Result<std::collections::HashMap<i64, Vec<RoleGrant>>, sqlx::Error> {
    let ids: Vec<String> = ids.map(|id| id.to_string()).collect();
    let mut grants: std::collections::HashMap<i64, Vec<RoleGrant>> = Default::default();
    if ids.is_empty() {
        return Ok(grants);
    }
    // Integers only, so the list can be inlined safely.
    let rows = sqlx::query(&format!(
        "SELECT person_id, role, region_code FROM role_assignments WHERE person_id IN ({})",
        ids.join(", ")
    ))
    .fetch_all(db.reader())
    .await?;
    for r in rows {
        if let Some(grant) = grant_of(&r) {
            grants
                .entry(r.try_get("person_id")?)
                .or_default()
                .push(grant);
        }
    }
    grants.values_mut().for_each(|g| g.sort());
    Ok(grants)
}

/// A stored role, unless the code cannot read it (a role name from a newer version).
fn grant_of(r: &AnyRow) -> Option<RoleGrant> {
    let role = Role::parse(r.try_get::<String, _>("role").ok()?.as_str())?;
    let region_code = RegionCode::parse(&r.try_get::<String, _>("region_code").ok()?).ok()?;
    Some(RoleGrant { role, region_code })
}

/// Creates the staff person (or finds them by phone), sets their password hash (ending the
/// person's existing sessions) and grants `role` over `region`; returns the person's id.
pub async fn upsert_staff(
    db: &Db,
    name: &str,
    phone: &str,
    password_hash: &str,
    grant: &RoleGrant,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let existing: Option<i64> =
        sqlx::query("SELECT id FROM people WHERE phone = $1 AND closed_at IS NULL")
            .bind(phone)
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.try_get("id"))
            .transpose()?;
    let id = match existing {
        Some(id) => {
            // A new password ends every session of the old one.
            end_sessions(&mut tx, id, now).await?;
            sqlx::query(
                "UPDATE people SET password_hash = $2, password_reset_at = NULL, updated_at = $3 \
                 WHERE id = $1",
            )
            .bind(id)
            .bind(password_hash)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            id
        }
        None => {
            sqlx::query_scalar(
                "INSERT INTO people (name, phone, password_hash, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $4) RETURNING id",
            )
            .bind(name)
            .bind(phone)
            .bind(password_hash)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?
        }
    };
    insert_role(&mut tx, id, grant, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// Grants the role if the person does not hold it yet; returns whether it was new.
pub async fn insert_role(
    tx: &mut Tx,
    person_id: i64,
    grant: &RoleGrant,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO role_assignments (person_id, role, region_code, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (person_id, role, region_code) DO NOTHING",
    )
    .bind(person_id)
    .bind(grant.role.as_str())
    .bind(grant.region_code.as_str())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Takes the role away; returns whether the person held it.
pub async fn delete_role(
    tx: &mut Tx,
    person_id: i64,
    grant: &RoleGrant,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "DELETE FROM role_assignments WHERE person_id = $1 AND role = $2 AND region_code = $3",
    )
    .bind(person_id)
    .bind(grant.role.as_str())
    .bind(grant.region_code.as_str())
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Makes `person_id` a villager of `village_code` only (a villager belongs to one village;
/// staff roles are untouched).
pub async fn set_villager_role(
    tx: &mut Tx,
    person_id: i64,
    village_code: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM role_assignments WHERE person_id = $1 AND role = 'villager' AND region_code <> $2")
        .bind(person_id)
        .bind(village_code)
        .execute(&mut **tx)
        .await?;
    let region_code =
        RegionCode::parse(village_code).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    insert_role(
        tx,
        person_id,
        &RoleGrant {
            role: Role::Villager,
            region_code,
        },
        now,
    )
    .await?;
    Ok(())
}

/// A stored refresh token.
#[derive(Debug, Clone)]
pub struct RefreshRow {
    pub id: i64,
    pub person_id: i64,
    pub family: String,
    pub expires_at: i64,
    /// When it was used (UTC ms), if it was.
    pub rotated_at: Option<i64>,
    pub revoked: bool,
}

/// Stores a new refresh token (its hash).
pub async fn insert_refresh(
    tx: &mut Tx,
    person_id: i64,
    family: &str,
    token_hash: &str,
    now: i64,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO refresh_tokens (person_id, family, token_hash, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(person_id)
    .bind(family)
    .bind(token_hash)
    .bind(now)
    .bind(expires_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The refresh token with this hash.
pub async fn find_refresh(
    tx: &mut Tx,
    token_hash: &str,
) -> Result<Option<RefreshRow>, sqlx::Error> {
    sqlx::query(
        "SELECT id, person_id, family, expires_at, rotated_at, revoked_at FROM refresh_tokens WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(&mut **tx)
    .await?
    .map(|r| {
        Ok(RefreshRow {
            id: r.try_get("id")?,
            person_id: r.try_get("person_id")?,
            family: r.try_get("family")?,
            expires_at: r.try_get("expires_at")?,
            rotated_at: r.try_get("rotated_at")?,
            revoked: r.try_get::<Option<i64>, _>("revoked_at")?.is_some(),
        })
    })
    .transpose()
}

/// Marks the token used (the caller holds its family's lock).
pub async fn mark_rotated(tx: &mut Tx, id: i64, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE refresh_tokens SET rotated_at = $2 WHERE id = $1 AND rotated_at IS NULL")
        .bind(id)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Records a new refresh-token family.
pub async fn insert_family(
    tx: &mut Tx,
    family: &str,
    person_id: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO refresh_families (id, person_id, created_at) VALUES ($1, $2, $3)")
        .bind(family)
        .bind(person_id)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Locks the family's row for the rest of the transaction if it is not revoked; returns
/// whether it is live. Rotation and revocation both go through this row, so on PostgreSQL
/// they wait for each other instead of missing each other's new tokens.
pub async fn lock_live_family(tx: &mut Tx, family: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE refresh_families SET revoked_at = NULL WHERE id = $1 AND revoked_at IS NULL",
    )
    .bind(family)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Whether a token issued in `family` after token `id` has been used already.
pub async fn successor_used(tx: &mut Tx, family: &str, id: i64) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "SELECT id FROM refresh_tokens WHERE family = $1 AND id > $2 AND rotated_at IS NOT NULL",
    )
    .bind(family)
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?
    .is_some())
}

/// Revokes the family and every token in it.
pub async fn revoke_family(tx: &mut Tx, family: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE refresh_families SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
        .bind(family)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "UPDATE refresh_tokens SET revoked_at = $2 WHERE family = $1 AND revoked_at IS NULL",
    )
    .bind(family)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// How many code requests for `phone` (or from `client_ip`) were made since `since` (UTC ms),
/// and the oldest of them.
pub async fn otp_requests_since(
    tx: &mut Tx,
    column: OtpKey,
    value: &str,
    since: i64,
) -> Result<(i64, Option<i64>), sqlx::Error> {
    let sql = format!(
        "SELECT CAST(COUNT(*) AS BIGINT) AS n, MIN(created_at) AS oldest FROM otp_codes \
         WHERE {} = $1 AND created_at > $2",
        column.column()
    );
    let row = sqlx::query(&sql)
        .bind(value)
        .bind(since)
        .fetch_one(&mut **tx)
        .await?;
    Ok((row.try_get("n")?, row.try_get("oldest")?))
}

/// What a rate limit counts by.
#[derive(Debug, Clone, Copy)]
pub enum OtpKey {
    Phone,
    ClientIp,
}

impl OtpKey {
    fn column(self) -> &'static str {
        match self {
            OtpKey::Phone => "phone",
            OtpKey::ClientIp => "client_ip",
        }
    }
}

/// Records a code request and returns its id; `code_hash` is `None` when no code was sent
/// (unregistered phone).
pub async fn insert_otp(
    tx: &mut Tx,
    phone: &str,
    client_ip: &str,
    code_hash: Option<&str>,
    now: i64,
    expires_at: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO otp_codes (phone, client_ip, code_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(phone)
    .bind(client_ip)
    .bind(code_hash)
    .bind(now)
    .bind(expires_at)
    .fetch_one(&mut **tx)
    .await
}

/// Forgets a code request (its code could not be sent), so that it counts against no limit
/// and does not replace an older code that did arrive.
pub async fn delete_otp(db: &Db, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM otp_codes WHERE id = $1")
        .bind(id)
        .execute(db.writer())
        .await?;
    Ok(())
}

/// The newest code sent to `phone` that is unused and unexpired: (id, hash).
pub async fn live_otp(
    tx: &mut Tx,
    phone: &str,
    now: i64,
) -> Result<Option<(i64, String)>, sqlx::Error> {
    sqlx::query(
        "SELECT id, code_hash FROM otp_codes WHERE phone = $1 AND code_hash IS NOT NULL \
         AND used_at IS NULL AND expires_at > $2 ORDER BY created_at DESC, id DESC LIMIT 1",
    )
    .bind(phone)
    .bind(now)
    .fetch_optional(&mut **tx)
    .await?
    .map(|r| Ok((r.try_get("id")?, r.try_get("code_hash")?)))
    .transpose()
}

/// Whether a code request for `phone` since `since` found no account (and sent nothing).
pub async fn recent_unsent_otp(tx: &mut Tx, phone: &str, since: i64) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM otp_codes WHERE phone = $1 AND code_hash IS NULL AND created_at > $2",
    )
    .bind(phone)
    .bind(since)
    .fetch_one(&mut **tx)
    .await?;
    Ok(n > 0)
}

/// Takes one try of the code, if fewer than `max_attempts` were taken and it is unused;
/// returns whether this call got one. Every try counts, right or wrong, and the check and the
/// count are one statement, so parallel guesses cannot get more than `max_attempts` tries.
pub async fn otp_take_try(tx: &mut Tx, id: i64, max_attempts: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE otp_codes SET attempts = attempts + 1 WHERE id = $1 AND attempts < $2 AND used_at IS NULL",
    )
    .bind(id)
    .bind(max_attempts)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Marks the code used, if nobody did first; returns whether this call did.
pub async fn otp_use(tx: &mut Tx, id: i64, now: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE otp_codes SET used_at = $2 WHERE id = $1 AND used_at IS NULL")
        .bind(id)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Failed password sign-ins for `phone` and from `client_ip` since `since`, and the oldest
/// of each.
pub async fn login_failures_since(
    db: &Db,
    phone: &str,
    client_ip: &str,
    since: i64,
) -> Result<[(i64, Option<i64>); 2], sqlx::Error> {
    let mut out = [(0, None); 2];
    for (i, (column, value)) in [("phone", phone), ("client_ip", client_ip)]
        .into_iter()
        .enumerate()
    {
        let row = sqlx::query(&format!(
            "SELECT CAST(COUNT(*) AS BIGINT) AS n, MIN(created_at) AS oldest FROM login_failures WHERE {column} = $1 AND created_at > $2"
        ))
        .bind(value)
        .bind(since)
        .fetch_one(db.reader())
        .await?;
        out[i] = (row.try_get("n")?, row.try_get("oldest")?);
    }
    Ok(out)
}

/// Records a failed password sign-in.
pub async fn insert_login_failure(
    db: &Db,
    phone: &str,
    client_ip: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    sqlx::query("INSERT INTO login_failures (phone, client_ip, created_at) VALUES ($1, $2, $3)")
        .bind(phone)
        .bind(client_ip)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// The person bound to this WeChat account (`appid`, `openid`), if any.
pub async fn wechat_person(db: &Db, appid: &str, openid: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query("SELECT person_id FROM wechat_bindings WHERE appid = $1 AND openid = $2")
        .bind(appid)
        .bind(openid)
        .fetch_optional(db.reader())
        .await?
        .map(|r| r.try_get("person_id"))
        .transpose()
}

/// Binds the WeChat account to `person_id` (replacing the person's earlier binding for this
/// appid) unless the account is bound already — by an earlier or a concurrent, now committed,
/// transaction; returns whether it bound.
pub async fn bind_wechat(
    tx: &mut Tx,
    appid: &str,
    openid: &str,
    unionid: Option<&str>,
    person_id: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    sqlx::query("DELETE FROM wechat_bindings WHERE appid = $1 AND person_id = $2 AND openid <> $3")
        .bind(appid)
        .bind(person_id)
        .bind(openid)
        .execute(&mut **tx)
        .await?;
    let bound = sqlx::query(
        "INSERT INTO wechat_bindings (appid, openid, unionid, person_id, created_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING person_id",
    )
    .bind(appid)
    .bind(openid)
    .bind(unionid)
    .bind(person_id)
    .bind(now)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(bound.is_some())
}

/// Starts a WeChat sign-in: stores `state` with the verifier's SHA-256 (hex) until
/// `expires_at`, after removing sign-ins that expired more than an hour before `now`; returns
/// how many sign-ins `client` started since `since` before this one (for its limit), and does
/// not store it when that is `limit` or more (exact under concurrent starts: they are
/// serialised per client).
pub async fn start_wechat_sign_in(
    db: &Db,
    state: &str,
    verifier_sha256: &str,
    client: &str,
    (now, expires_at): (i64, i64),
    (since, limit): (i64, i64),
) -> Result<i64, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    crate::storage::lock_key(&mut tx, db.backend(), &format!("wechat-start:{client}")).await?;
    sqlx::query("DELETE FROM wechat_sign_ins WHERE expires_at < $1")
        .bind(now - 3_600_000)
        .execute(&mut *tx)
        .await?;
    let started: i64 = sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM wechat_sign_ins WHERE client = $1 AND created_at > $2",
    )
    .bind(client)
    .bind(since)
    .fetch_one(&mut *tx)
    .await?;
    if started < limit {
        sqlx::query(
            "INSERT INTO wechat_sign_ins (state, verifier_sha256, client, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(state)
        .bind(verifier_sha256)
        .bind(client)
        .bind(now)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(started)
}

/// Whether `state` was started with this verifier (SHA-256, hex), has not expired at `now` and
/// was not used.
pub async fn wechat_sign_in_open(
    db: &Db,
    state: &str,
    verifier_sha256: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "SELECT 1 FROM wechat_sign_ins WHERE state = $1 AND verifier_sha256 = $2 \
         AND expires_at > $3 AND used_at IS NULL",
    )
    .bind(state)
    .bind(verifier_sha256)
    .bind(now)
    .fetch_optional(db.reader())
    .await?
    .is_some())
}

/// Marks the sign-in of `state` (with this verifier) used, unless it is used or expired;
/// returns whether this call marked it.
pub async fn use_wechat_sign_in(
    db: &Db,
    state: &str,
    verifier_sha256: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(
        "UPDATE wechat_sign_ins SET used_at = $3 WHERE state = $1 AND verifier_sha256 = $2 \
         AND expires_at > $3 AND used_at IS NULL",
    )
    .bind(state)
    .bind(verifier_sha256)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(done.rows_affected() == 1)
}

/// How many people hold `role` anywhere (each grant counted once per person and region).
pub async fn count_role(db: &Db, role: Role) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM role_assignments WHERE role = $1")
        .bind(role.as_str())
        .fetch_one(db.reader())
        .await
}

/// Revokes every role of the person and forgets their WeChat bindings (an account being
/// closed, `crate::people::closure`); the roles they held.
pub async fn drop_roles_and_wechat(
    tx: &mut Tx,
    person_id: i64,
) -> Result<Vec<RoleGrant>, sqlx::Error> {
    let held = roles_in(tx, person_id).await?;
    for table in ["role_assignments", "wechat_bindings"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE person_id = $1"))
            .bind(person_id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(held)
}
