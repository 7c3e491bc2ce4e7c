//! The villager CSV (村民名册): `POST /admin/villagers/import` and `jifen import-villagers`.
//!
//! Columns, named by the header row in any order: `name`, `phone`, `village_code` (required);
//! `grid_code`, `household` (户号), `tags`, `birth_year` (optional). Tags are separated by `;`,
//! `；`, `、` or `|`; the county's groups (党员, 村民代表, 脱贫户…) and free tags alike.
//!
//! A villager without a phone has an empty `phone` cell (issue "Villagers without a
//! smartphone"): they take part by their member card through a 代办员 or family delegate. Such
//! a row needs a 户号 (`household_required`), since village + 户号 + name is then how a second
//! import recognises them; an empty phone never removes the number of someone who has one.
//!
//! Rules:
//! - each row is checked on its own; a bad row is reported by line number with a stable code
//!   and the good rows are still imported: `missing_column`, `invalid_utf8`, `empty_name`,
//!   `invalid_name` (see [`crate::text::name`]; at most 50 characters), `invalid_phone`
//!   (see [`Phone::parse`]), `unknown_village` (no such village loaded), `unknown_grid` (no
//!   such grid in that village), `invalid_household` (longer than 32 characters or
//!   invisible characters), `invalid_tag` (same rules as names, at most 20 characters),
//!   `duplicate_phone` (the phone appeared earlier in the file; the first row is kept),
//!   `household_required` (no phone and no 户号), `invalid_birth_year` (not a year from 1900
//!   to this one),
//!   `outside_region` (over HTTP: the village, or the village of the person the phone already
//!   belongs to, is outside the caller's admin regions), `staff_account` (the phone belongs to
//!   a staff account — a password, an admin role, or a role outside the caller's region —
//!   which the import never changes);
//! - a changed phone number ends the person's sessions (their refresh tokens), so whoever
//!   held the old number is signed out;
//! - a person is recognised by their phone; failing that, by village + household + name, so a
//!   villager whose phone number changed is updated, not duplicated;
//! - a person already stored exactly as given is left alone: importing the same file twice
//!   changes nothing the second time;
//! - every imported person holds the `villager` role over their village (and no other
//!   village); staff roles they may hold are untouched;
//! - each person created or changed is recorded in the audit log (`person.create`,
//!   `person.update`, with before and after, phones masked) in the same transaction as the
//!   change;
//! - two imports racing over the same people (PostgreSQL) do not fail: the batch that lost
//!   (a phone taken, a deadlock) is retried and finds the people the winner wrote.

use crate::error::DomainError;
use jifen_shared::ErrorCode;
use std::collections::HashMap;

use jifen_shared::auth::Role;
use jifen_shared::imports::RowError;
use jifen_shared::people::VillagerImportReport;
use jifen_shared::regions::{RegionCode, RegionLevel};

use super::phone::Phone;
use super::storage::{self, PersonRow};
use crate::csv_input::CsvTable;
use crate::regions;
use crate::storage::{Db, now_ms};
use crate::text::{self, clip};

/// The longest person name, in characters.
pub const MAX_NAME_CHARS: usize = 50;
/// The longest household number (户号), in characters.
pub const MAX_HOUSEHOLD_CHARS: usize = 32;
/// The longest tag, in characters.
pub const MAX_TAG_CHARS: usize = 20;
/// Rows written per transaction.
const ROWS_PER_TRANSACTION: usize = 1000;

/// A file that cannot be imported at all.
#[derive(Debug, thiserror::Error)]
pub enum VillagerImportError {
    #[error("not a villager CSV: {0}")]
    Header(String),
    #[error("database error")]
    Storage(#[from] sqlx::Error),
}

impl DomainError for VillagerImportError {
    fn code(&self) -> ErrorCode {
        match self {
            VillagerImportError::Header(_) => ErrorCode::InvalidInput,
            VillagerImportError::Storage(_) => ErrorCode::Internal,
        }
    }

    fn wrapped(&self) -> Option<&dyn DomainError> {
        match self {
            VillagerImportError::Storage(e) => Some(e),
            _ => None,
        }
    }
}

/// Parses and imports a villager CSV (see the module docs) for `actor_id` (`None`: the
/// command line). Rows of villages for which `within` says no are rejected with
/// `outside_region` (the CLI allows every village).
///
/// Errors: [`VillagerImportError::Header`] when the required columns are missing;
/// [`VillagerImportError::Storage`] when the database fails (transactions already committed,
/// of 1,000 rows each, stay; a second run completes the work).
pub async fn import_villagers(
    db: &Db,
    bytes: &[u8],
    actor_id: Option<i64>,
    within: &dyn Fn(&RegionCode) -> bool,
) -> Result<VillagerImportReport, VillagerImportError> {
    let mut report = empty_report();
    let rows = parse(db, bytes, within, &mut report.errors).await?;
    for part in rows.chunks(ROWS_PER_TRANSACTION) {
        let mut attempt = 1;
        let done = loop {
            match save_all(db, part, actor_id, within).await {
                Err(e) if attempt < 5 && is_retryable(&e) => attempt += 1,
                done => break done?,
            }
        };
        report.created += done.created;
        report.updated += done.updated;
        report.unchanged += done.unchanged;
        report.errors.extend(done.errors);
    }
    report.errors.sort_by_key(|e| e.line);
    Ok(report)
}

fn empty_report() -> VillagerImportReport {
    VillagerImportReport {
        created: 0,
        updated: 0,
        unchanged: 0,
        errors: Vec::new(),
    }
}

/// Another import got in the way (PostgreSQL; SQLite's writer is serial): it inserted the
/// same phone first, or the two deadlocked over the same people in different orders
/// (SQLSTATE 40P01; PostgreSQL aborts one of them) — running the batch again settles it.
pub(crate) fn is_retryable(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(e)
        if e.is_unique_violation() || matches!(e.code().as_deref(), Some("40P01" | "40001")))
}

/// Saves `rows` in one transaction; the counts of this batch.
async fn save_all(
    db: &Db,
    rows: &[(u64, PersonRow)],
    actor_id: Option<i64>,
    within: &dyn Fn(&RegionCode) -> bool,
) -> Result<VillagerImportReport, sqlx::Error> {
    let mut report = empty_report();
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    storage::lock_registry(&mut tx, db).await?;
    for (line, person) in rows {
        match save(&mut tx, person, actor_id, within, now).await? {
            Outcome::Created => report.created += 1,
            Outcome::Updated => report.updated += 1,
            Outcome::Unchanged => report.unchanged += 1,
            Outcome::Refused(code, message) => report.errors.push(RowError {
                line: *line,
                code: code.into(),
                message,
            }),
        }
    }
    tx.commit().await?;
    Ok(report)
}

/// Whether the person is a staff account that the registry's villager edits (this import,
/// `PUT /admin/people/{id}` and the rest of [`super::villager`]) never change: a password, an
/// admin role, or any role over a region for which `within` says no (else an admin could
/// re-point a township admin's phone to their own and sign in as them).
pub async fn is_staff_account(
    tx: &mut crate::storage::Tx,
    person_id: i64,
    within: &dyn Fn(&RegionCode) -> bool,
) -> Result<bool, sqlx::Error> {
    let roles = crate::auth::storage::roles_in(tx, person_id).await?;
    let staff_role = roles.iter().any(|g| {
        matches!(
            g.role,
            Role::VillageAdmin | Role::TownshipAdmin | Role::CountyAdmin
        ) || (g.role != Role::Villager && !within(&g.region_code))
    });
    Ok(staff_role || crate::auth::storage::has_password_in(tx, person_id).await?)
}

/// A 户号 as the registry stores it (see [`crate::text::name`]; at most
/// [`MAX_HOUSEHOLD_CHARS`]); `None` for none or only spaces.
pub fn household(raw: Option<&str>) -> Result<Option<String>, text::NameError> {
    raw.filter(|h| !h.trim().is_empty())
        .map(|h| text::name(h, MAX_HOUSEHOLD_CHARS))
        .transpose()
}

/// Tags as the registry stores them: each checked as a name of at most [`MAX_TAG_CHARS`],
/// blanks skipped, sorted, without repeats; the error names the bad tag.
pub fn tags<'a>(raw: impl Iterator<Item = &'a str>) -> Result<Vec<String>, String> {
    let mut tags = Vec::new();
    for raw in raw.filter(|t| !t.trim().is_empty()) {
        let tag = text::name(raw, MAX_TAG_CHARS)
            .map_err(|e| format!("tag {:?}: {e}", clip(raw.trim())))?;
        tags.push(tag);
    }
    tags.sort();
    tags.dedup();
    Ok(tags)
}

/// How a person appears in the audit log: everything but the full phone number (`null`
/// without one); the birth year only when known.
pub fn audited(person: &PersonRow) -> serde_json::Value {
    let mut value = serde_json::json!({
        "name": person.name,
        "phone": person.phone.clone().map(|p| Phone::from_stored(p).masked()),
        "village_code": person.village_code,
        "grid_code": person.grid_code,
        "household": person.household,
        "tags": person.tags,
    });
    if let Some(year) = person.birth_year {
        value["birth_year"] = year.into();
    }
    value
}

enum Outcome {
    Created,
    Updated,
    Unchanged,
    /// The row matched someone the import may not change: (code, message).
    Refused(&'static str, String),
}

async fn save(
    tx: &mut crate::storage::Tx,
    person: &PersonRow,
    actor_id: Option<i64>,
    within: &dyn Fn(&RegionCode) -> bool,
    now: i64,
) -> Result<Outcome, sqlx::Error> {
    let by_phone = match &person.phone {
        Some(phone) => storage::find_by_phone(tx, phone).await?,
        None => None,
    };
    let existing = match by_phone {
        Some(found) => Some(found),
        None => match (&person.village_code, &person.household) {
            (Some(village), Some(household)) => {
                storage::find_by_household(tx, village, household, &person.name).await?
            }
            _ => None,
        },
    };
    let village = person.village_code.as_deref().unwrap_or_default();
    // Checked by `parse`; a failure here would be a bug, reported as a storage fault.
    let region = RegionCode::parse(village).map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
    let Some(existing) = existing else {
        let id = storage::insert(tx, person, now).await?;
        crate::auth::storage::set_villager_role(tx, id, village, now).await?;
        let record = crate::audit::Record {
            actor_id,
            action: "person.create",
            region: &region,
            target: format!("person:{id}"),
            before: None,
            after: Some(audited(person)),
        };
        crate::audit::record(tx, record, now).await?;
        return Ok(Outcome::Created);
    };
    // The phone may belong to someone elsewhere: an import moves nobody out of a village the
    // caller does not administer, and never touches staff accounts: a password, an admin
    // role, or any role over a region outside the caller's (else an admin could re-point a
    // township admin's phone to their own and sign in as them).
    if is_staff_account(tx, existing.id, within).await? {
        return Ok(Outcome::Refused(
            "staff_account",
            format!(
                "phone {} belongs to a staff account",
                masked_phone(&existing)
            ),
        ));
    }
    let theirs = existing.village();
    if theirs.is_none_or(|code| !within(&code)) {
        return Ok(Outcome::Refused(
            "outside_region",
            format!(
                "phone {} belongs to someone outside your region",
                masked_phone(&existing)
            ),
        ));
    }
    // An empty phone cell keeps the number someone has (it never locks them out).
    let wanted = PersonRow {
        id: existing.id,
        phone: person.phone.clone().or_else(|| existing.phone.clone()),
        birth_year: person.birth_year.or(existing.birth_year),
        ..person.clone()
    };
    if wanted == existing {
        return Ok(Outcome::Unchanged);
    }
    storage::update(tx, &wanted, now).await?;
    // Someone who moved takes their points' record to the new village's board.
    if wanted.village_code != existing.village_code
        && let Some(village) = &wanted.village_code
    {
        crate::ledger::figures::moved(tx, wanted.id, village).await?;
    }
    if wanted.phone != existing.phone {
        crate::auth::storage::end_sessions(tx, existing.id, now).await?;
    }
    crate::auth::storage::set_villager_role(tx, existing.id, village, now).await?;
    let record = crate::audit::Record {
        actor_id,
        action: "person.update",
        region: &region,
        target: format!("person:{}", existing.id),
        before: Some(audited(&existing)),
        after: Some(audited(&wanted)),
    };
    crate::audit::record(tx, record, now).await?;
    Ok(Outcome::Updated)
}

/// Reads and checks every row; returns the good ones and pushes the rejected ones.
async fn parse(
    db: &Db,
    bytes: &[u8],
    within: &dyn Fn(&RegionCode) -> bool,
    errors: &mut Vec<RowError>,
) -> Result<Vec<(u64, PersonRow)>, VillagerImportError> {
    let mut table = CsvTable::new(bytes).map_err(VillagerImportError::Header)?;
    let required = ["name", "phone", "village_code"].map(|c| table.column(c));
    let [Some(name_col), Some(phone_col), Some(village_col)] = required else {
        return Err(VillagerImportError::Header(format!(
            "the header row needs name, phone and village_code columns, found {:?}",
            table.columns().join(",")
        )));
    };
    let grid_col = table.column("grid_code");
    let household_col = table.column("household");
    let tags_col = table.column("tags");
    let birth_col = table.column("birth_year");
    let needed = name_col.max(phone_col).max(village_col) + 1;

    let mut regions_seen: HashMap<String, Option<regions::storage::RegionRow>> = HashMap::new();
    let mut phones_seen: HashMap<String, u64> = HashMap::new();
    let mut rows = Vec::new();
    while let Some((line, fields)) = table.next_row(needed) {
        let fields = match fields {
            Ok(fields) => fields,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let optional = |col: Option<usize>| {
            col.and_then(|c| fields.get(c))
                .map(String::as_str)
                .filter(|s| !s.is_empty())
        };
        let mut fail = |code: &str, message: String| {
            errors.push(RowError {
                line,
                code: code.into(),
                message,
            })
        };

        let name = match text::name(&fields[name_col], MAX_NAME_CHARS) {
            Ok(name) => name,
            Err(e) => {
                fail(e.code(), format!("name: {e}"));
                continue;
            }
        };
        let phone = match fields[phone_col].trim() {
            "" => None,
            cell => match Phone::parse(cell) {
                Ok(phone) => Some(phone),
                Err(e) => {
                    fail("invalid_phone", format!("phone {:?}: {e}", clip(cell)));
                    continue;
                }
            },
        };
        if let Some(first) = phone.as_ref().and_then(|p| phones_seen.get(p.as_str())) {
            let masked = phone.as_ref().map(Phone::masked).unwrap_or_default();
            fail(
                "duplicate_phone",
                format!("phone {masked} is already on line {first}"),
            );
            continue;
        }
        let birth_year = match optional(birth_col).map(birth_year).transpose() {
            Ok(year) => year,
            Err(message) => {
                fail("invalid_birth_year", message);
                continue;
            }
        };
        let village_code = fields[village_col].as_str();
        if find_region(db, &mut regions_seen, village_code)
            .await?
            .is_none_or(|r| r.level != RegionLevel::Village)
        {
            fail(
                "unknown_village",
                format!(
                    "village_code {:?} is not a loaded village",
                    clip(village_code)
                ),
            );
            continue;
        }
        if !RegionCode::parse(village_code).is_ok_and(|code| within(&code)) {
            fail(
                "outside_region",
                format!("village {village_code} is outside your region"),
            );
            continue;
        }
        let grid_code = optional(grid_col);
        if let Some(grid) = grid_code {
            let in_village = find_region(db, &mut regions_seen, grid)
                .await?
                .is_some_and(|r| {
                    r.level == RegionLevel::Grid && r.parent_code.as_deref() == Some(village_code)
                });
            if !in_village {
                fail(
                    "unknown_grid",
                    format!(
                        "grid_code {:?} is not a grid of village {village_code}",
                        clip(grid)
                    ),
                );
                continue;
            }
        }
        let household = match household(optional(household_col)) {
            Ok(household) => household,
            Err(e) => {
                fail("invalid_household", format!("household: {e}"));
                continue;
            }
        };
        let tags = match tags(
            optional(tags_col)
                .unwrap_or("")
                .split([';', '；', '、', '|']),
        ) {
            Ok(tags) => tags,
            Err(message) => {
                fail("invalid_tag", message);
                continue;
            }
        };
        if phone.is_none() && household.is_none() {
            fail(
                "household_required",
                "household: a villager without a phone needs a 户号 (how the registry knows them again)".into(),
            );
            continue;
        }
        if let Some(phone) = &phone {
            phones_seen.insert(phone.as_str().to_owned(), line);
        }
        rows.push((
            line,
            PersonRow {
                id: 0,
                name,
                phone: phone.map(|p| p.as_str().to_owned()),
                birth_year,
                village_code: Some(village_code.to_owned()),
                grid_code: grid_code.map(str::to_owned),
                household,
                tags,
                closed_at: None,
                closed_reason: None,
            },
        ));
    }
    Ok(rows)
}

/// A region by code, looked up once per import.
async fn find_region<'a>(
    db: &Db,
    cache: &'a mut HashMap<String, Option<regions::storage::RegionRow>>,
    code: &str,
) -> Result<Option<&'a regions::storage::RegionRow>, sqlx::Error> {
    if !cache.contains_key(code) {
        let found = regions::storage::find(db, code).await?;
        cache.insert(code.to_owned(), found);
    }
    Ok(cache[code].as_ref())
}

/// A person's phone as the import's messages show it (`138****0001`, or `无` without one).
fn masked_phone(person: &PersonRow) -> String {
    person
        .phone
        .clone()
        .map(|p| Phone::from_stored(p).masked())
        .unwrap_or_else(|| "无".into())
}

/// A birth year cell: four digits from 1900 to this year.
pub fn birth_year(cell: &str) -> Result<i64, String> {
    let this_year = i64::from(jiff::Zoned::now().year());
    cell.trim()
        .parse::<i64>()
        .ok()
        .filter(|y| (1900..=this_year).contains(y))
        .ok_or_else(|| {
            format!(
                "birth_year {:?}: a year from 1900 to {this_year}",
                clip(cell)
            )
        })
}
