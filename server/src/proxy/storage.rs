//! SQL of the tables this module owns: `proxy_sessions`, `proxy_actions`, `proxy_days`,
//! `assistance_settings` and `delegations` (migration 0034). Times are UTC milliseconds.

use std::collections::HashMap;

use jifen_shared::proxy::{AssistanceSettings, ProxyKind, ProxyNote};
use sqlx::Row;

use crate::storage::{Db, Tx};

/// A proxy session as stored.
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub id: i64,
    pub agent_id: i64,
    pub person_id: i64,
    pub kind: ProxyKind,
    pub expires_at: i64,
    pub ended_at: Option<i64>,
}

fn kind_of(row: &sqlx::any::AnyRow) -> Result<ProxyKind, sqlx::Error> {
    let kind: String = row.try_get("kind")?;
    ProxyKind::parse(&kind).ok_or_else(|| sqlx::Error::Decode(format!("proxy kind {kind}").into()))
}

/// Records a new session; answers its id.
pub async fn insert_session(
    tx: &mut Tx,
    nonce: &str,
    agent_id: i64,
    person_id: i64,
    kind: ProxyKind,
    now: i64,
    expires_at: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO proxy_sessions (nonce, agent_id, person_id, kind, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(nonce)
    .bind(agent_id)
    .bind(person_id)
    .bind(kind.as_str())
    .bind(now)
    .bind(expires_at)
    .fetch_one(&mut **tx)
    .await
}

/// The session whose token carries `nonce`.
pub async fn session_by_nonce(db: &Db, nonce: &str) -> Result<Option<SessionRow>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, agent_id, person_id, kind, expires_at, ended_at FROM proxy_sessions WHERE nonce = $1",
    )
    .bind(nonce)
    .fetch_optional(db.reader())
    .await?;
    row.map(|r| {
        Ok(SessionRow {
            id: r.try_get("id")?,
            agent_id: r.try_get("agent_id")?,
            person_id: r.try_get("person_id")?,
            kind: kind_of(&r)?,
            expires_at: r.try_get("expires_at")?,
            ended_at: r.try_get("ended_at")?,
        })
    })
    .transpose()
}

/// Ends `agent_id`'s session `id` if still open; whether it was.
pub async fn end_session(
    tx: &mut Tx,
    id: i64,
    agent_id: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE proxy_sessions SET ended_at = $3 WHERE id = $1 AND agent_id = $2 AND ended_at IS NULL",
    )
    .bind(id)
    .bind(agent_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Whether session `id` is `agent_id`'s (open or ended).
pub async fn is_session_of(tx: &mut Tx, id: i64, agent_id: i64) -> Result<bool, sqlx::Error> {
    let row = sqlx::query("SELECT 1 AS one FROM proxy_sessions WHERE id = $1 AND agent_id = $2")
        .bind(id)
        .bind(agent_id)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(row.is_some())
}

/// Ends the open sessions opened by `person_id`'s member card (挂失补卡: the lost card no
/// longer stands for them; index `proxy_sessions_person`).
pub async fn end_card_sessions(tx: &mut Tx, person_id: i64, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE proxy_sessions SET ended_at = $2 \
         WHERE person_id = $1 AND kind = 'card' AND ended_at IS NULL",
    )
    .bind(person_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The county's settings, `None` when it set none.
pub async fn assistance(
    executor: impl sqlx::AnyExecutor<'_>,
    county: &str,
) -> Result<Option<AssistanceSettings>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT proxy_daily_actions, proxy_daily_points, elder_age FROM assistance_settings WHERE county_code = $1",
    )
    .bind(county)
    .fetch_optional(executor)
    .await?;
    row.map(|r| {
        Ok(AssistanceSettings {
            proxy_daily_actions: r.try_get("proxy_daily_actions")?,
            proxy_daily_points: r.try_get("proxy_daily_points")?,
            elder_age: r.try_get("elder_age")?,
        })
    })
    .transpose()
}

/// Sets the county's settings.
pub async fn set_assistance(
    tx: &mut Tx,
    county: &str,
    settings: &AssistanceSettings,
    by: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO assistance_settings (county_code, proxy_daily_actions, proxy_daily_points, elder_age, updated_by, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (county_code) DO UPDATE SET proxy_daily_actions = $2, proxy_daily_points = $3, \
         elder_age = $4, updated_by = $5, updated_at = $6",
    )
    .bind(county)
    .bind(settings.proxy_daily_actions)
    .bind(settings.proxy_daily_points)
    .bind(settings.elder_age)
    .bind(by)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// What proxies did for `person_id` on county day `day`: (actions, points).
pub async fn day_used(
    executor: impl sqlx::AnyExecutor<'_>,
    person_id: i64,
    day: &str,
) -> Result<(i64, i64), sqlx::Error> {
    let row =
        sqlx::query("SELECT actions, points FROM proxy_days WHERE person_id = $1 AND day = $2")
            .bind(person_id)
            .bind(day)
            .fetch_optional(executor)
            .await?;
    match row {
        Some(r) => Ok((r.try_get("actions")?, r.try_get("points")?)),
        None => Ok((0, 0)),
    }
}

/// Counts one more action spending `points` for `person_id` on `day`, unless that would pass
/// `max_actions` or `max_points`: whether it was counted. One statement, so two transactions
/// at once cannot both pass the last place (PostgreSQL takes the row's lock; SQLite has one
/// writer). The caller has checked that one action of `points` fits an empty day.
pub async fn count_action(
    tx: &mut Tx,
    person_id: i64,
    day: &str,
    points: i64,
    max_actions: i64,
    max_points: i64,
) -> Result<bool, sqlx::Error> {
    let row = sqlx::query(
        "INSERT INTO proxy_days (person_id, day, actions, points) VALUES ($1, $2, 1, $3) \
         ON CONFLICT (person_id, day) DO UPDATE SET actions = proxy_days.actions + 1, \
         points = proxy_days.points + $3 \
         WHERE proxy_days.actions < $4 AND proxy_days.points + $3 <= $5 \
         RETURNING actions",
    )
    .bind(person_id)
    .bind(day)
    .bind(points)
    .bind(max_actions)
    .bind(max_points)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.is_some())
}

/// One proxy action to record.
#[derive(Debug, Clone)]
pub struct NewAction<'a> {
    pub receipt_no: &'a str,
    pub session_id: i64,
    pub agent_id: i64,
    pub person_id: i64,
    pub village_code: &'a str,
    pub kind: &'a str,
    pub subject: &'a str,
    pub points: i64,
    pub summary: &'a str,
    pub sms_phone: Option<&'a str>,
}

/// Records a proxy action.
pub async fn insert_action(tx: &mut Tx, a: &NewAction<'_>, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO proxy_actions (receipt_no, session_id, agent_id, person_id, village_code, kind, \
         subject, points, summary, sms_phone, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(a.receipt_no)
    .bind(a.session_id)
    .bind(a.agent_id)
    .bind(a.person_id)
    .bind(a.village_code)
    .bind(a.kind)
    .bind(a.subject)
    .bind(a.points)
    .bind(a.summary)
    .bind(a.sms_phone)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A proxy action as stored, with the names of both people and the session's kind.
#[derive(Debug, Clone)]
pub struct ActionRow {
    pub receipt_no: String,
    pub agent_id: i64,
    pub agent_name: String,
    pub person_id: i64,
    pub person_name: String,
    pub village_code: String,
    pub village_name: Option<String>,
    pub action: String,
    pub session_kind: ProxyKind,
    pub subject: String,
    pub points: i64,
    pub summary: String,
    pub sms_phone: Option<String>,
    pub created_at: i64,
}

const ACTION: &str = "a.receipt_no, a.agent_id, g.name AS agent_name, a.person_id, p.name AS person_name, \
    a.village_code, r.name AS village_name, a.kind AS action, s.kind, a.subject, a.points, a.summary, \
    a.sms_phone, a.created_at \
    FROM proxy_actions a JOIN proxy_sessions s ON s.id = a.session_id \
    JOIN people g ON g.id = a.agent_id JOIN people p ON p.id = a.person_id \
    LEFT JOIN regions r ON r.code = a.village_code";

fn action_row(r: &sqlx::any::AnyRow) -> Result<ActionRow, sqlx::Error> {
    Ok(ActionRow {
        receipt_no: r.try_get("receipt_no")?,
        agent_id: r.try_get("agent_id")?,
        agent_name: r.try_get("agent_name")?,
        person_id: r.try_get("person_id")?,
        person_name: r.try_get("person_name")?,
        village_code: r.try_get("village_code")?,
        village_name: r.try_get("village_name")?,
        action: r.try_get("action")?,
        session_kind: kind_of(r)?,
        subject: r.try_get("subject")?,
        points: r.try_get("points")?,
        summary: r.try_get("summary")?,
        sms_phone: r.try_get("sms_phone")?,
        created_at: r.try_get("created_at")?,
    })
}

/// The action with receipt number `receipt_no`.
pub async fn action(db: &Db, receipt_no: &str) -> Result<Option<ActionRow>, sqlx::Error> {
    sqlx::query(&format!("SELECT {ACTION} WHERE a.receipt_no = $1"))
        .bind(receipt_no)
        .fetch_optional(db.reader())
        .await?
        .as_ref()
        .map(action_row)
        .transpose()
}

/// Claims the sending of `receipt_no`'s SMS: whether this caller is the one to send it (it
/// has a phone and nobody claimed it before), so a retried request never texts twice.
pub async fn claim_sms(db: &Db, receipt_no: &str, now: i64) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(
        "UPDATE proxy_actions SET sms_sent_at = $2 \
         WHERE receipt_no = $1 AND sms_phone IS NOT NULL AND sms_sent_at IS NULL",
    )
    .bind(receipt_no)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(done.rows_affected() == 1)
}

/// The proxy agent who did `subject` (`claim:12`, `redemption:7`…), if a proxy did it.
pub async fn agent_of(tx: &mut Tx, subject: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT agent_id FROM proxy_actions WHERE subject = $1")
        .bind(subject)
        .fetch_optional(&mut **tx)
        .await
}

/// The notes of those of `subjects` a proxy did, by subject (names masked), each with the
/// villager it was done for: a ledger movement shows the note only on that villager's own
/// movement (an order's `order:N` is also the reference of its volunteer's reward).
pub async fn notes(
    executor: impl sqlx::AnyExecutor<'_>,
    subjects: &[String],
) -> Result<HashMap<String, (i64, ProxyNote)>, sqlx::Error> {
    if subjects.is_empty() {
        return Ok(HashMap::new());
    }
    let marks: Vec<String> = (1..=subjects.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT a.subject, a.person_id, a.receipt_no, g.name AS agent_name, s.kind FROM proxy_actions a \
         JOIN proxy_sessions s ON s.id = a.session_id JOIN people g ON g.id = a.agent_id \
         WHERE a.subject IN ({})",
        marks.join(", ")
    );
    let mut query = sqlx::query(&sql);
    for subject in subjects {
        query = query.bind(subject);
    }
    let rows = query.fetch_all(executor).await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get::<String, _>("subject")?,
                (
                    r.try_get::<i64, _>("person_id")?,
                    ProxyNote {
                        receipt_no: r.try_get("receipt_no")?,
                        agent_name: jifen_shared::points::mask_name(
                            &r.try_get::<String, _>("agent_name")?,
                        ),
                        kind: kind_of(r)?,
                    },
                ),
            ))
        })
        .collect()
}

/// The note of a row that LEFT JOINs `proxy_actions pa` (on its subject), `proxy_sessions
/// pas` and the agent `people pag`, selecting `pa.receipt_no AS proxy_receipt, pag.name AS
/// proxy_agent, pas.kind AS proxy_kind` (claims and redemptions are read so); `None` when no
/// proxy did it.
pub fn note_of(row: &sqlx::any::AnyRow) -> Result<Option<ProxyNote>, sqlx::Error> {
    let Some(receipt_no) = row.try_get::<Option<String>, _>("proxy_receipt")? else {
        return Ok(None);
    };
    let kind: String = row.try_get("proxy_kind")?;
    Ok(Some(ProxyNote {
        receipt_no,
        agent_name: jifen_shared::points::mask_name(
            &row.try_get::<Option<String>, _>("proxy_agent")?
                .unwrap_or_default(),
        ),
        kind: ProxyKind::parse(&kind)
            .ok_or_else(|| sqlx::Error::Decode(format!("proxy kind {kind}").into()))?,
    }))
}

/// A delegation as stored, with names.
#[derive(Debug, Clone)]
pub struct DelegationRow {
    pub id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub delegate_id: i64,
    pub delegate_name: String,
    pub delegate_phone: Option<String>,
    pub consent: String,
    pub recorded_by: Option<String>,
    pub created_at: i64,
    pub ended_at: Option<i64>,
}

const DELEGATION: &str = "d.id, d.person_id, p.name AS person_name, d.delegate_id, q.name AS delegate_name, \
    q.phone AS delegate_phone, d.consent, w.name AS recorded_by, d.created_at, d.ended_at \
    FROM delegations d JOIN people p ON p.id = d.person_id JOIN people q ON q.id = d.delegate_id \
    LEFT JOIN people w ON w.id = d.recorded_by";

fn delegation_row(r: &sqlx::any::AnyRow) -> Result<DelegationRow, sqlx::Error> {
    Ok(DelegationRow {
        id: r.try_get("id")?,
        person_id: r.try_get("person_id")?,
        person_name: r.try_get("person_name")?,
        delegate_id: r.try_get("delegate_id")?,
        delegate_name: r.try_get("delegate_name")?,
        delegate_phone: r.try_get("delegate_phone")?,
        consent: r.try_get("consent")?,
        recorded_by: r.try_get("recorded_by")?,
        created_at: r.try_get("created_at")?,
        ended_at: r.try_get("ended_at")?,
    })
}

/// The delegations of `person_id`, ended ones too, newest first.
pub async fn delegations_of(db: &Db, person_id: i64) -> Result<Vec<DelegationRow>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {DELEGATION} WHERE d.person_id = $1 ORDER BY d.id DESC"
    ))
    .bind(person_id)
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(delegation_row)
    .collect()
}

/// The live delegations `delegate_id` holds (the people they may act for), by name.
pub async fn delegations_held(
    db: &Db,
    delegate_id: i64,
) -> Result<Vec<DelegationRow>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {DELEGATION} WHERE d.delegate_id = $1 AND d.ended_at IS NULL AND p.closed_at IS NULL \
         ORDER BY p.name, d.id"
    ))
    .bind(delegate_id)
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(delegation_row)
    .collect()
}

/// Delegation `id`.
pub async fn delegation(tx: &mut Tx, id: i64) -> Result<Option<DelegationRow>, sqlx::Error> {
    sqlx::query(&format!("SELECT {DELEGATION} WHERE d.id = $1"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .as_ref()
        .map(delegation_row)
        .transpose()
}

/// Whether `delegate_id` may act for `person_id` now.
pub async fn is_delegate(
    executor: impl sqlx::AnyExecutor<'_>,
    person_id: i64,
    delegate_id: i64,
) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM delegations WHERE person_id = $1 AND delegate_id = $2 AND ended_at IS NULL",
    )
    .bind(person_id)
    .bind(delegate_id)
    .fetch_optional(executor)
    .await?;
    Ok(found.is_some())
}

/// Links `delegate_id` to `person_id`; `None` when a live link exists already (also when
/// another request made it a moment ago: the partial unique index decides).
pub async fn insert_delegation(
    tx: &mut Tx,
    person_id: i64,
    delegate_id: i64,
    consent: &str,
    by: i64,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO delegations (person_id, delegate_id, consent, recorded_by, created_at) \
         VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (person_id, delegate_id) WHERE ended_at IS NULL DO NOTHING RETURNING id",
    )
    .bind(person_id)
    .bind(delegate_id)
    .bind(consent)
    .bind(by)
    .bind(now)
    .fetch_optional(&mut **tx)
    .await
}

/// Ends delegation `id` if live; whether it was.
pub async fn end_delegation(tx: &mut Tx, id: i64, by: i64, now: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE delegations SET ended_at = $2, ended_by = $3 WHERE id = $1 AND ended_at IS NULL",
    )
    .bind(id)
    .bind(now)
    .bind(by)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Ends every live delegation to or from `person_id` (their account is being closed).
pub async fn end_delegations_of(tx: &mut Tx, person_id: i64, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE delegations SET ended_at = $2 \
         WHERE (person_id = $1 OR delegate_id = $1) AND ended_at IS NULL",
    )
    .bind(person_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
