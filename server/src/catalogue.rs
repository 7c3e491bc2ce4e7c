//! County catalogues: a list the product ships (scope `*`) that each county may change code
//! by code (scope = the county's 6-digit code) — recycling categories with their points per
//! kilogram ([`crate::recycling`]), service types with their reward ([`crate::services`]).
//! A county's entry replaces the shipped one of the same code, and may be switched off.
//!
//! The tables share one shape: `id, code, name, <value>, active, county_code, scope,
//! created_at, updated_at`, unique on `(scope, code)`; the SQL here is parameterised by the
//! table and its value column (both constants of the owning module, never input).

use jifen_shared::regions::{RegionCode, RegionLevel};
use sqlx::Row;

use crate::error::DomainError;
use crate::policy::{self, Action};
use crate::storage::{Db, Tx};
use jifen_shared::ErrorCode;
use jifen_shared::auth::RoleGrant;

/// A catalogue table: its name, the column of its number (points per kg, reward points, also
/// the field's name on the wire), the bounds a county's entry must keep, and how setting one
/// is audited.
#[derive(Debug, Clone, Copy)]
pub struct Table {
    pub name: &'static str,
    pub value: &'static str,
    /// The highest value (the lowest is 1).
    pub max_value: i64,
    /// The longest name, in characters.
    pub max_name_chars: usize,
    /// The audit action of setting an entry, e.g. `recycling.category`.
    pub action: &'static str,
    /// The audit target's kind: the target is `<target>:<id>`.
    pub target: &'static str,
}

/// An entry as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub value: i64,
    pub active: bool,
    /// `None` for the shipped entry.
    pub county_code: Option<String>,
}

/// A county's entry as an admin sets it (`PUT /admin/recycling/categories`,
/// `PUT /admin/services/types`).
#[derive(Debug, Clone, Copy)]
pub struct EntryUpdate<'a> {
    pub county_code: &'a str,
    pub code: &'a str,
    pub name: &'a str,
    pub value: i64,
    pub active: bool,
}

/// Why an entry cannot be set.
#[derive(Debug, thiserror::Error)]
pub enum EntryError {
    #[error("county_code: {0} is not a loaded county")]
    NoSuchCounty(String),
    #[error("code: 1 to 40 of a-z, 0-9 and _")]
    Code,
    #[error("name: {0}")]
    Name(crate::text::NameError),
    #[error("{field}: a whole number from 1 to {max}")]
    Value { field: &'static str, max: i64 },
    #[error("you are not an admin of county {0}")]
    NotCountyAdmin(String),
    #[error(transparent)]
    Storage(#[from] sqlx::Error),
}

impl DomainError for EntryError {
    fn code(&self) -> ErrorCode {
        match self {
            EntryError::NotCountyAdmin(_) => ErrorCode::Forbidden,
            EntryError::NoSuchCounty(_)
            | EntryError::Code
            | EntryError::Name(_)
            | EntryError::Value { .. } => ErrorCode::InvalidInput,
            EntryError::Storage(_) => ErrorCode::Internal,
        }
    }

    fn wrapped(&self) -> Option<&dyn DomainError> {
        match self {
            EntryError::Storage(e) => Some(e),
            _ => None,
        }
    }
}

/// The county a region lies in (itself for a county); `None` above counties.
pub fn county_of(region: &RegionCode) -> Option<RegionCode> {
    region.county()
}

/// The region a catalogue is read for: any county, township, village or grid code (the
/// catalogue is its county's); `None` for anything else.
pub fn region_within_county(code: &str) -> Option<RegionCode> {
    RegionCode::parse(code)
        .ok()
        .filter(|c| c.level() >= RegionLevel::County)
}

/// A loaded county named by `code`.
async fn county(db: &Db, code: &str) -> Result<RegionCode, EntryError> {
    let county = RegionCode::parse(code)
        .ok()
        .filter(|c| c.level() == RegionLevel::County)
        .ok_or_else(|| EntryError::NoSuchCounty(code.to_owned()))?;
    if crate::regions::storage::find(db, county.as_str())
        .await?
        .is_none()
    {
        return Err(EntryError::NoSuchCounty(code.to_owned()));
    }
    Ok(county)
}

/// Checks a code (1–40 of `a-z0-9_`) and normalises a name of at most `max_chars`.
fn check(code: &str, name: &str, max_chars: usize) -> Result<String, EntryError> {
    if !jifen_shared::catalogue::code_ok(code) {
        return Err(EntryError::Code);
    }
    crate::text::name(name, max_chars).map_err(EntryError::Name)
}

fn entry(t: Table, r: &sqlx::any::AnyRow) -> Result<Entry, sqlx::Error> {
    Ok(Entry {
        id: r.try_get("id")?,
        code: r.try_get("code")?,
        name: r.try_get("name")?,
        value: r.try_get(t.value)?,
        active: r.try_get::<i64, _>("active")? == 1,
        county_code: r.try_get("county_code")?,
    })
}

/// The entries in use in the county of `region` (any code inside it), by id: see
/// [`effective`]; none above counties.
pub async fn in_county(db: &Db, t: Table, region: &RegionCode) -> Result<Vec<Entry>, sqlx::Error> {
    match county_of(region) {
        Some(county) => effective(db.reader(), t, county.as_str()).await,
        None => Ok(Vec::new()),
    }
}

/// The entries in use in `county`, by id: the shipped ones whose code the county has not set,
/// and the county's own (switched-off ones included).
pub async fn effective<'e>(
    exec: impl sqlx::Executor<'e, Database = sqlx::Any>,
    t: Table,
    county: &str,
) -> Result<Vec<Entry>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT id, code, name, {v}, active, county_code FROM {n} c WHERE c.scope = $1 \
         OR (c.scope = '*' AND NOT EXISTS (SELECT 1 FROM {n} o \
             WHERE o.scope = $1 AND o.code = c.code)) ORDER BY id",
        v = t.value,
        n = t.name
    ))
    .bind(county)
    .fetch_all(exec)
    .await?
    .iter()
    .map(|r| entry(t, r))
    .collect()
}

/// The entry of this scope (a county code) and code, if set.
async fn in_scope(
    tx: &mut Tx,
    t: Table,
    scope: &str,
    code: &str,
) -> Result<Option<Entry>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT id, code, name, {v}, active, county_code FROM {n} WHERE scope = $1 AND code = $2",
        v = t.value,
        n = t.name
    ))
    .bind(scope)
    .bind(code)
    .fetch_optional(&mut **tx)
    .await?
    .as_ref()
    .map(|r| entry(t, r))
    .transpose()
}

/// Inserts or changes a county's entry (its `county_code` is the scope); its id.
async fn upsert(tx: &mut Tx, t: Table, e: &Entry, now: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(&format!(
        "INSERT INTO {n} (code, name, {v}, active, county_code, scope, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $5, $6, $6) \
         ON CONFLICT (scope, code) DO UPDATE SET name = excluded.name, \
           {v} = excluded.{v}, active = excluded.active, updated_at = excluded.updated_at \
         RETURNING id",
        v = t.value,
        n = t.name
    ))
    .bind(&e.code)
    .bind(&e.name)
    .bind(e.value)
    .bind(i64::from(e.active))
    .bind(&e.county_code)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
}

/// Sets a county's own entry, audited as the table's action with the target
/// `<target>:<id>`: the county must be loaded and the caller a county admin there
/// ([`Action::ManageRules`]), the code and name well formed, the value within 1 and the
/// table's maximum. Answers the stored entry.
///
/// Errors: every [`EntryError`].
pub async fn set(
    db: &Db,
    t: Table,
    actor_id: i64,
    grants: &[RoleGrant],
    update: EntryUpdate<'_>,
) -> Result<Entry, EntryError> {
    let county = county(db, update.county_code).await?;
    if !policy::may(grants, Action::ManageRules, &county) {
        return Err(EntryError::NotCountyAdmin(county.to_string()));
    }
    let name = check(update.code, update.name, t.max_name_chars)?;
    if !(1..=t.max_value).contains(&update.value) {
        return Err(EntryError::Value {
            field: t.value,
            max: t.max_value,
        });
    }
    let entry = Entry {
        id: 0,
        code: update.code.to_owned(),
        name,
        value: update.value,
        active: update.active,
        county_code: Some(county.to_string()),
    };
    let now = crate::storage::now_ms();
    let mut tx = db.begin_write().await?;
    let before = in_scope(&mut tx, t, county.as_str(), &entry.code).await?;
    let id = upsert(&mut tx, t, &entry, now).await?;
    let record = crate::audit::Record {
        actor_id: Some(actor_id),
        action: t.action,
        region: &county,
        target: format!("{}:{id}", t.target),
        before: before
            .map(|b| serde_json::json!({"name": b.name, t.value: b.value, "active": b.active})),
        after: Some(
            serde_json::json!({"code": entry.code, "name": entry.name, t.value: entry.value, "active": entry.active}),
        ),
    };
    crate::audit::record(&mut tx, record, now).await?;
    tx.commit().await?;
    Ok(Entry { id, ..entry })
}
