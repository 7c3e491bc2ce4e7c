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

/// What the audit screen asks for (`GET /admin/audit`): the entries about `region` and
/// everything inside it, narrowed by the other fields (all optional, combined with AND).
#[derive(Debug, Clone)]
pub struct Filter {
    pub region: RegionCode,
    /// Part of the actor's name as recorded.
    pub actor: Option<String>,
    /// An action of [`jifen_shared::audit::ACTIONS`], or a family (`points`).
    pub action: Option<String>,
    /// Exactly this target (`person:42`, `receipt:DB7K2M9QXA`).
    pub target: Option<String>,
    /// Recorded in `[start, end)`, UTC milliseconds.
    pub during: Option<crate::calendar::Period>,
}

/// The columns of an entry, with its region's name.
const ENTRY: &str = "a.id, a.actor_id, a.actor_name, a.action, a.region_code, r.name AS region_name, \
    a.target, a.before, a.after, a.created_at \
    FROM audit_log a LEFT JOIN regions r ON r.code = a.region_code";

/// The entries `filter` matches, newest first, below the id `cursor` (the `next_cursor` of the
/// previous page), at most `limit`; `limit` + 1 are read to know whether more follow.
async fn matching(
    db: &Db,
    filter: &Filter,
    cursor: Option<i64>,
    limit: usize,
) -> Result<Vec<AuditEntry>, sqlx::Error> {
    let mut sql = format!("SELECT {ENTRY} WHERE a.region_code LIKE $1 AND a.id < $2");
    let mut texts = Vec::new();
    let mut next = 3;
    let mut bind_text = |sql: &mut String, clause: &str, value: String| {
        sql.push_str(&clause.replace('?', &format!("${next}")));
        texts.push(value);
        next += 1;
    };
    if let Some(actor) = &filter.actor {
        let pattern = format!("%{}%", crate::storage::like_literal(actor));
        bind_text(&mut sql, " AND a.actor_name LIKE ? ESCAPE '\\'", pattern);
    }
    if let Some(action) = &filter.action {
        if action.contains('.') {
            bind_text(&mut sql, " AND a.action = ?", action.clone());
        } else {
            bind_text(&mut sql, " AND a.action LIKE ?", format!("{action}.%"));
        }
    }
    if let Some(target) = &filter.target {
        bind_text(&mut sql, " AND a.target = ?", target.clone());
    }
    let mut numbers = Vec::new();
    if let Some(during) = filter.during {
        sql.push_str(&format!(
            " AND a.created_at >= ${next} AND a.created_at < ${}",
            next + 1
        ));
        numbers.extend([during.start, during.end]);
        next += 2;
    }
    sql.push_str(&format!(" ORDER BY a.id DESC LIMIT ${next}"));
    let mut query = sqlx::query(&sql)
        .bind(format!("{}%", filter.region))
        .bind(cursor.unwrap_or(i64::MAX));
    for text in texts {
        query = query.bind(text);
    }
    for number in numbers {
        query = query.bind(number);
    }
    let rows = query
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(db.reader())
        .await?;
    rows.iter().map(entry).collect()
}

/// One page of the entries `filter` matches, newest first; `cursor` is the `next_cursor` of
/// the previous page; `limit` 1–100.
pub async fn list(
    db: &Db,
    filter: &Filter,
    cursor: Option<i64>,
    limit: u32,
) -> Result<Page<AuditEntry>, sqlx::Error> {
    let items = matching(db, filter, cursor, limit as usize + 1).await?;
    Ok(Page::from_overfetch(items, limit as usize, |e| e.id))
}

/// Every entry `filter` matches, newest first, as a CSV file (UTF-8 with a byte-order mark,
/// text cells formula-inert: [`crate::csv_output`]); `None` when more than
/// [`jifen_shared::audit::MAX_CSV_ROWS`] match. Times are written in the county's time zone.
pub async fn csv(
    db: &Db,
    filter: &Filter,
    calendar: &crate::calendar::Calendar,
) -> Result<Option<Vec<u8>>, sqlx::Error> {
    use jifen_shared::audit::MAX_CSV_ROWS;
    let entries = matching(db, filter, None, MAX_CSV_ROWS + 1).await?;
    if entries.len() > MAX_CSV_ROWS {
        return Ok(None);
    }
    let mut w = crate::csv_output::writer();
    let header = [
        "id",
        "time",
        "actor_id",
        "actor",
        "action",
        "region_code",
        "region",
        "target",
        "before",
        "after",
    ];
    let written = (|| -> Result<(), csv::Error> {
        w.write_record(header)?;
        for e in &entries {
            let at = (e.created_at.parse::<jiff::Timestamp>())
                .map(|t| calendar.time_label(t.as_millisecond()))
                .unwrap_or_else(|_| e.created_at.clone());
            let json = |v: &Option<serde_json::Value>| {
                v.as_ref().map(|v| v.to_string()).unwrap_or_default()
            };
            let inert = crate::csv_output::inert;
            w.write_record([
                e.id.to_string(),
                at,
                e.actor_id.map(|i| i.to_string()).unwrap_or_default(),
                inert(e.actor_name.as_deref().unwrap_or("")),
                e.action.clone(),
                e.region_code.clone(),
                inert(e.region_name.as_deref().unwrap_or("")),
                inert(&e.target),
                inert(&json(&e.before)),
                inert(&json(&e.after)),
            ])?;
        }
        Ok(())
    })();
    let bytes = written.and_then(|()| crate::csv_output::finish(w));
    bytes
        .map(Some)
        .map_err(|e| sqlx::Error::Protocol(format!("audit CSV: {e}")))
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
        "SELECT {ENTRY} WHERE a.target = $1 AND a.region_code IN ({}) ORDER BY a.id DESC LIMIT $2",
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
        region_name: r.try_get("region_name")?,
        target: r.try_get("target")?,
        before: json(r.try_get("before")?),
        after: json(r.try_get("after")?),
        created_at: crate::storage::rfc3339(at),
    })
}
