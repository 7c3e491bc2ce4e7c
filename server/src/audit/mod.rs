//! The audit log (小微权力监督): every staff action is recorded — actor, time, region, action,
//! target, before and after — in the same transaction as the action itself, so an action
//! cannot happen unrecorded. The actor's name is kept as it was when they acted. Rows are
//! only inserted; nothing updates or deletes them.

pub mod routes;

use jifen_shared::Page;
use jifen_shared::audit::AuditEntry;
use jifen_shared::regions::RegionCode;
use sqlx::Row;

use crate::storage::{Db, Tx};

/// One action to record.
#[derive(Debug, Clone)]
pub struct Record<'a> {
    /// The staff member (`None` for the command line run by the operator).
    pub actor_id: Option<i64>,
    /// Dotted, stable: `grid.create`, `role.grant`, `villagers.import`…
    pub action: &'a str,
    pub region: &'a RegionCode,
    pub target: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// Records `record` inside the caller's transaction.
pub async fn record(tx: &mut Tx, record: Record<'_>, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_log (actor_id, actor_name, action, region_code, target, before, after, created_at) \
         VALUES ($1, (SELECT name FROM people WHERE id = $1), $2, $3, $4, $5, $6, $7)",
    )
    .bind(record.actor_id)
    .bind(record.action)
    .bind(record.region.as_str())
    .bind(record.target)
    .bind(record.before.map(|v| v.to_string()))
    .bind(record.after.map(|v| v.to_string()))
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Records `record` in a transaction of its own (for actions that span several).
pub async fn record_alone(db: &Db, record: Record<'_>) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    self::record(&mut tx, record, crate::storage::now_ms()).await?;
    tx.commit().await
}

/// The most recent entries about `region` and everything inside it, newest first; `cursor` is
/// the `next_cursor` of the previous page; `limit` 1–100.
pub async fn list(
    db: &Db,
    region: &RegionCode,
    cursor: Option<i64>,
    limit: u32,
) -> Result<Page<AuditEntry>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, actor_id, actor_name, action, region_code, target, before, after, created_at \
         FROM audit_log WHERE region_code LIKE $1 AND id < $2 ORDER BY id DESC LIMIT $3",
    )
    .bind(format!("{region}%"))
    .bind(cursor.unwrap_or(i64::MAX))
    .bind(i64::from(limit) + 1)
    .fetch_all(db.reader())
    .await?;
    let items = rows.iter().map(entry).collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_overfetch(items, limit as usize, |e| e.id))
}

/// The entries about `target` (e.g. `rule:12`) recorded for one of `regions`, newest first, at
/// most `limit`.
pub async fn about(
    db: &Db,
    target: &str,
    regions: &[String],
    limit: u32,
) -> Result<Vec<AuditEntry>, sqlx::Error> {
    let placeholders: Vec<String> = (3..regions.len() + 3).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT id, actor_id, actor_name, action, region_code, target, before, after, created_at \
         FROM audit_log WHERE target = $1 AND region_code IN ({}) ORDER BY id DESC LIMIT $2",
        placeholders.join(", ")
    );
    let mut query = sqlx::query(&sql).bind(target).bind(i64::from(limit));
    for region in regions {
        query = query.bind(region);
    }
    query
        .fetch_all(db.reader())
        .await?
        .iter()
        .map(entry)
        .collect()
}

/// An `audit_log` row on the wire.
fn entry(r: &sqlx::any::AnyRow) -> Result<AuditEntry, sqlx::Error> {
    let json = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
    let at: i64 = r.try_get("created_at")?;
    Ok(AuditEntry {
        id: r.try_get("id")?,
        actor_id: r.try_get("actor_id")?,
        actor_name: r.try_get("actor_name")?,
        action: r.try_get("action")?,
        region_code: r.try_get("region_code")?,
        target: r.try_get("target")?,
        before: json(r.try_get("before")?),
        after: json(r.try_get("after")?),
        created_at: crate::storage::rfc3339(at),
    })
}
