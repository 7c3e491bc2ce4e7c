//! Several `jifen serve` on one PostgreSQL: the instances' registry and the minute's sweeps
//! run by one instance at a time (`docs/deployment.md`).
//!
//! **Keys.** Every instance must sign and verify with the same key, or a token one issued is
//! refused by the next behind the load balancer, and a redemption QR code made by one cannot
//! be scanned at another. Each server registers in `server_instances` at start
//! ([`register`]) with a fingerprint of its key ([`Keys::fingerprint`]) and whether the key
//! was given (`JIFEN_JWT_SECRET`) or taken from its own data directory. On PostgreSQL a server
//! refuses to start beside a live instance (seen in the last [`LIVE_FOR`]) when their keys
//! differ, or when the other runs on another host and either of them took its key from its
//! data directory (a copied key file would work, but nothing keeps the copies equal). A live
//! row of the same host with the same key is the same deployment — a restart after a crash,
//! or a second process on the same data directory — and is let be. On SQLite one server owns
//! the database file (a lock beside it), so there is nothing to check. A registration is kept
//! alive every [`HEARTBEAT`] ([`heartbeat`]) and removed at a clean stop ([`leave`]); a killed
//! instance's row stops counting [`LIVE_FOR`] after its last heartbeat. An instance that comes
//! back after being presumed gone (paused, cut off from the database) while another started
//! with a different key is checked again by its heartbeat and answers `/readyz` with 503
//! until the conflict is gone, so the load balancer stops sending it requests.
//!
//! **Sweeps.** Every instance ticks once a minute ([`tick`]); on PostgreSQL the tick first
//! takes a session advisory lock without waiting (`pg_try_advisory_lock`, on a connection
//! closed afterwards, never pooled) and then sweeps
//! only when no instance swept in the last [`MIN_GAP`] (`sweep_runs`), so N instances sweep
//! once a minute between them, never twice at once, and a killed sweeper's lock goes with its
//! connection. The sweeps themselves were always safe to overlap (each row moves once, see
//! `jifen sweep`): this saves the duplicated work, it does not guard correctness. Outcomes
//! are counted in `jifen_sweep_ticks_total{outcome="swept|skipped|failed"}`.

use std::time::Duration;

use sqlx::Row;

use crate::auth::keys::Keys;
use crate::storage::{Backend, Db, now_ms};

/// How often a live instance says so.
pub const HEARTBEAT: Duration = Duration::from_secs(30);
/// An instance not heard from for this long is taken for gone (three heartbeats).
pub const LIVE_FOR: Duration = Duration::from_secs(90);
/// The sweeps' period.
pub const TICK: Duration = Duration::from_secs(60);
/// A tick sweeps only when the last sweep (by any instance) is at least this old: a little
/// under [`TICK`], so that one instance's ticks are never skipped for its own clock's jitter.
pub const MIN_GAP: Duration = Duration::from_secs(50);

/// The sweeps' advisory lock key (a 64-bit integer, the bytes of `jifen_sw`).
pub const SWEEP_LOCK: i64 = 0x6a69_6665_6e5f_7377; // "jifen_sw"

/// This server in the registry.
#[derive(Debug, Clone)]
pub struct Instance {
    /// Random, per process: `<host>-<16 hex digits>`.
    pub id: String,
    /// The machine it runs on ([`hostname`]).
    pub host: String,
    /// Whether its key came from the settings (`JIFEN_JWT_SECRET`).
    pub secret_given: bool,
}

/// Why a server may not serve beside the live instances of its database: another signs with
/// a different key, or runs on another host while one of them took its key from its data
/// directory. The message says what to set.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct KeyConflict(pub String);

/// Checks this server (`keys`, `secret_given`, `host`) against the live instances of the
/// database other than `this` (see the module docs); nothing to check on SQLite.
///
/// Errors: [`KeyConflict`] (inside the `anyhow::Error`); the database's.
async fn check_peers(
    tx: &mut crate::storage::Tx,
    backend: Backend,
    keys: &Keys,
    secret_given: bool,
    host: &str,
    this: Option<&str>,
    now: i64,
) -> anyhow::Result<()> {
    if backend != Backend::Postgres {
        return Ok(());
    }
    let live = sqlx::query(
        "SELECT id, host, key_fingerprint, secret_given FROM server_instances WHERE seen_at >= $1",
    )
    .bind(now - LIVE_FOR.as_millis() as i64)
    .fetch_all(&mut **tx)
    .await?;
    for row in live {
        let id: String = row.try_get("id")?;
        if Some(id.as_str()) == this {
            continue;
        }
        let other: String = row.try_get("host")?;
        let fingerprint: String = row.try_get("key_fingerprint")?;
        let other_given: i64 = row.try_get("secret_given")?;
        let gone = "if that server is gone (killed), its registration lapses 90 s after \
                    its last heartbeat";
        if fingerprint != keys.fingerprint {
            return Err(KeyConflict(format!(
                "another server on this database ({other}) signs with a different key: \
                 give every instance the same JIFEN_JWT_SECRET (docs/deployment.md); {gone}"
            ))
            .into());
        }
        // The same host with the same key is this deployment restarted, or a second
        // process sharing the data directory: one key either way.
        if other != host && (!secret_given || other_given == 0) {
            let which = if secret_given {
                format!("the server on {other}")
            } else {
                "this server".to_owned()
            };
            return Err(KeyConflict(format!(
                "another server ({other}) runs on this PostgreSQL database and {which} took \
                 its signing key from its own data directory: give every instance the same \
                 JIFEN_JWT_SECRET (docs/deployment.md); {gone}"
            ))
            .into());
        }
    }
    Ok(())
}

/// Writes `instance`'s row, seen `now` (a new one, or one put back).
async fn upsert(
    tx: &mut crate::storage::Tx,
    instance: &Instance,
    keys: &Keys,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO server_instances (id, host, key_fingerprint, secret_given, started_at, seen_at) \
         VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at",
    )
    .bind(&instance.id)
    .bind(&instance.host)
    .bind(&keys.fingerprint)
    .bind(i64::from(instance.secret_given))
    .bind(now)
    .execute(&mut **tx)
    .await
    .map(drop)
}

/// Registers this server, running on `host` ([`hostname`]), on PostgreSQL after checking the
/// live instances' keys (see the module docs). `secret_given`: the key came from the
/// settings, not the data directory.
///
/// Errors: [`KeyConflict`] — another live instance signs with a different key, or either this
/// one or a live one took its key from its own data directory (the message says what to
/// set); the database's errors.
pub async fn register(
    db: &Db,
    keys: &Keys,
    secret_given: bool,
    host: &str,
) -> anyhow::Result<Instance> {
    let instance = Instance {
        id: format!("{host}-{:016x}", rand::random::<u64>()),
        host: host.to_owned(),
        secret_given,
    };
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    crate::storage::lock_key(&mut tx, db.backend(), "server_instances").await?;
    sqlx::query("DELETE FROM server_instances WHERE seen_at < $1")
        .bind(now - 86_400_000)
        .execute(&mut *tx)
        .await?;
    check_peers(&mut tx, db.backend(), keys, secret_given, host, None, now).await?;
    upsert(&mut tx, &instance, keys, now).await?;
    tx.commit().await?;
    Ok(instance)
}

/// Says that `instance` is alive (every [`HEARTBEAT`]). An instance silent for longer than
/// [`LIVE_FOR`] (paused, cut off from the database) was presumed gone, and another may have
/// started meanwhile: it is checked again as at its start before it counts as live again.
///
/// Errors: [`KeyConflict`] when that check fails (the row stays stale, so the next heartbeat
/// checks again: the conflict clears once the other instance is gone); the database's.
pub async fn heartbeat(db: &Db, instance: &Instance, keys: &Keys) -> anyhow::Result<()> {
    let now = now_ms();
    if db.backend() == Backend::Sqlite {
        // One server owns the file: nothing to check, and no write lock to take every 30 s.
        sqlx::query("UPDATE server_instances SET seen_at = $2 WHERE id = $1")
            .bind(&instance.id)
            .bind(now)
            .execute(db.writer())
            .await?;
        return Ok(());
    }
    let mut tx = db.begin_write().await?;
    crate::storage::lock_key(&mut tx, db.backend(), "server_instances").await?;
    let seen: Option<i64> =
        sqlx::query_scalar("SELECT seen_at FROM server_instances WHERE id = $1")
            .bind(&instance.id)
            .fetch_optional(&mut *tx)
            .await?;
    if seen.is_none_or(|seen| now - seen > LIVE_FOR.as_millis() as i64) {
        let (given, host) = (instance.secret_given, instance.host.as_str());
        check_peers(
            &mut tx,
            db.backend(),
            keys,
            given,
            host,
            Some(&instance.id),
            now,
        )
        .await?;
    }
    upsert(&mut tx, instance, keys, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Removes `instance` from the registry (a clean stop).
pub async fn leave(db: &Db, instance: &Instance) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM server_instances WHERE id = $1")
        .bind(&instance.id)
        .execute(db.writer())
        .await
        .map(drop)
}

/// The sweeps' configured delays, in milliseconds.
#[derive(Debug, Clone, Copy)]
pub struct SweepDelays {
    /// `JIFEN_SERVICE_SLA_HOURS`.
    pub service_sla_ms: i64,
    /// `JIFEN_CLAIM_REVIEW_HOURS`.
    pub claim_review_ms: i64,
}

/// What one sweep changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Swept {
    /// Redemptions past their expiry, lapsed and their points returned.
    pub lapsed: usize,
    /// Service orders past their SLA, escalated one level.
    pub escalated: usize,
    /// Completed orders left unrated for 7 days, rated 中评.
    pub rated: usize,
    /// Claims waiting longer than the review time, sent up to the village admins (审核超时).
    pub overdue_claims: usize,
}

/// Runs every sweep once as of `now` (what `jifen sweep` and each swept tick do); one that
/// fails does not keep the others from running.
///
/// Errors: the sweeps that failed, each named (the others are done).
pub async fn sweep(db: &Db, delays: SweepDelays, now: i64) -> anyhow::Result<Swept> {
    let mut swept = Swept::default();
    let mut failed = Vec::new();
    match crate::shop::redemptions::sweep(db, now).await {
        Ok(n) => swept.lapsed = n,
        Err(e) => failed.push(format!("lapsed redemptions: {e}")),
    }
    match crate::services::sweep(db, delays.service_sla_ms, now).await {
        Ok((escalated, rated)) => (swept.escalated, swept.rated) = (escalated, rated),
        Err(e) => failed.push(format!("service orders: {e}")),
    }
    match crate::points::claims::escalate_due(db, delays.claim_review_ms, now).await {
        Ok(n) => swept.overdue_claims = n,
        Err(e) => failed.push(format!("overdue claims: {e}")),
    }
    if failed.is_empty() {
        Ok(swept)
    } else {
        Err(anyhow::anyhow!("sweeps failed: {}", failed.join("; ")))
    }
}

/// What a tick did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tick {
    /// This instance swept.
    Swept(Swept),
    /// Another instance is sweeping or swept less than [`MIN_GAP`] ago.
    Skipped,
}

impl Tick {
    /// The `outcome` label of `jifen_sweep_ticks_total`.
    pub fn outcome(&self) -> &'static str {
        match self {
            Tick::Swept(_) => "swept",
            Tick::Skipped => "skipped",
        }
    }
}

/// One minute's tick of `instance` as of `now` (see the module docs).
///
/// Errors: the database's; a sweep's (the lock is released whatever happens).
pub async fn tick(
    db: &Db,
    instance: &Instance,
    delays: SweepDelays,
    now: i64,
) -> anyhow::Result<Tick> {
    if db.backend() == Backend::Sqlite {
        return Ok(Tick::Swept(sweep(db, delays, now).await?));
    }
    // A session lock on a connection of its own, not a transaction: the sweeps commit their
    // own transactions meanwhile and may take longer than the idle-in-transaction limit. The
    // connection never goes back to the pool: closing it is what releases the lock, whatever
    // happens (an error, the task aborted at shutdown).
    let mut conn = db.writer().acquire().await?;
    conn.close_on_drop();
    let locked: bool = sqlx::query("SELECT pg_try_advisory_lock($1) AS locked")
        .bind(SWEEP_LOCK)
        .fetch_one(&mut *conn)
        .await?
        .try_get("locked")?;
    if !locked {
        return Ok(Tick::Skipped);
    }
    let outcome = async {
        let last: Option<i64> =
            sqlx::query_scalar("SELECT last_at FROM sweep_runs WHERE name = 'minute'")
                .fetch_optional(&mut *conn)
                .await?;
        // Either way round: another instance whose clock is a little ahead swept too.
        if last.is_some_and(|last| (now - last).abs() < MIN_GAP.as_millis() as i64) {
            return Ok(Tick::Skipped);
        }
        sqlx::query(
            "INSERT INTO sweep_runs (name, last_at, instance) VALUES ('minute', $1, $2) \
             ON CONFLICT (name) DO UPDATE SET last_at = excluded.last_at, instance = excluded.instance",
        )
        .bind(now)
        .bind(&instance.id)
        .execute(&mut *conn)
        .await?;
        Ok::<_, anyhow::Error>(Tick::Swept(sweep(db, delays, now).await?))
    }
    .await;
    // Released now, not when PostgreSQL gets round to ending the closed connection's backend
    // (the next tick may come at once: `jifen sweep`, the tests); closed either way.
    let _ = sqlx::query("SELECT pg_advisory_unlock($1) AS unlocked")
        .bind(SWEEP_LOCK)
        .fetch_one(&mut *conn)
        .await;
    conn.close().await.ok();
    outcome
}

/// What keeps this instance from being ready (`/readyz` answers 503 while it is set): a
/// [`KeyConflict`] found by a [`heartbeat`] after the instance was presumed gone.
pub type Conflict = std::sync::Arc<std::sync::Mutex<Option<String>>>;

/// Ticks every [`TICK`] and says this instance is alive every [`HEARTBEAT`], until aborted;
/// logs what the sweeps changed and counts the ticks in `ticks`
/// (`jifen_sweep_ticks_total`); a heartbeat's [`KeyConflict`] is logged as an error and kept
/// in `conflict` until a heartbeat passes again.
pub async fn run(
    db: Db,
    instance: Instance,
    keys: Keys,
    delays: SweepDelays,
    ticks: prometheus::IntCounterVec,
    conflict: Conflict,
) {
    let mut sweeps = tokio::time::interval(TICK);
    sweeps.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut beats = tokio::time::interval(HEARTBEAT);
    beats.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = beats.tick() => {
                let found = match heartbeat(&db, &instance, &keys).await {
                    Ok(()) => None,
                    Err(e) => match e.downcast::<KeyConflict>() {
                        Ok(KeyConflict(why)) => {
                            tracing::error!(error = %why, "not ready: another server's key conflicts");
                            Some(why)
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, "the instance's heartbeat failed");
                            continue;
                        }
                    },
                };
                *conflict.lock().unwrap_or_else(|p| p.into_inner()) = found;
            }
            _ = sweeps.tick() => {
                let outcome = match tick(&db, &instance, delays, now_ms()).await {
                    Ok(tick) => {
                        if let Tick::Swept(s) = tick && s != Swept::default() {
                            tracing::info!(
                                lapsed = s.lapsed,
                                escalated = s.escalated,
                                rated = s.rated,
                                overdue_claims = s.overdue_claims,
                                "swept"
                            );
                        }
                        tick.outcome()
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "the minute's sweep failed");
                        "failed"
                    }
                };
                ticks.with_label_values(&[outcome]).inc();
            }
        }
    }
}

/// This machine's name, for the registry's messages (`HOSTNAME`, `/etc/hostname`, else
/// `unknown`).
pub fn hostname() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown".to_owned())
}
