//! SQL for the `people` and `person_tags` tables (owned by this module).

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::storage::Tx;

/// A person as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRow {
    pub id: i64,
    pub name: String,
    /// E.164.
    pub phone: String,
    pub village_code: Option<String>,
    pub grid_code: Option<String>,
    pub household: Option<String>,
    /// Sorted, without repeats.
    pub tags: Vec<String>,
}

const COLUMNS: &str = "id, name, phone, village_code, grid_code, household";

fn from_row(row: &AnyRow) -> Result<PersonRow, sqlx::Error> {
    Ok(PersonRow {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        phone: row.try_get("phone")?,
        village_code: row.try_get("village_code")?,
        grid_code: row.try_get("grid_code")?,
        household: row.try_get("household")?,
        tags: Vec::new(),
    })
}

async fn with_tags(tx: &mut Tx, row: Option<AnyRow>) -> Result<Option<PersonRow>, sqlx::Error> {
    let Some(row) = row else { return Ok(None) };
    let mut person = from_row(&row)?;
    person.tags = sqlx::query("SELECT tag FROM person_tags WHERE person_id = $1 ORDER BY tag")
        .bind(person.id)
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(|r| r.try_get("tag"))
        .collect::<Result<_, _>>()?;
    Ok(Some(person))
}

/// The person with this E.164 phone.
pub async fn find_by_phone(tx: &mut Tx, phone: &str) -> Result<Option<PersonRow>, sqlx::Error> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM people WHERE phone = $1"))
        .bind(phone)
        .fetch_optional(&mut **tx)
        .await?;
    with_tags(tx, row).await
}

/// The person of this village, household and name (how a villager is recognised when their
/// phone number changed).
pub async fn find_by_household(
    tx: &mut Tx,
    village_code: &str,
    household: &str,
    name: &str,
) -> Result<Option<PersonRow>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM people WHERE village_code = $1 AND household = $2 AND name = $3"
    ))
    .bind(village_code)
    .bind(household)
    .bind(name)
    .fetch_optional(&mut **tx)
    .await?;
    with_tags(tx, row).await
}

/// Inserts `person` (its `id` is ignored) and returns the new id.
pub async fn insert(tx: &mut Tx, person: &PersonRow, now: i64) -> Result<i64, sqlx::Error> {
    let id: i64 = sqlx::query(
        "INSERT INTO people (name, phone, village_code, grid_code, household, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(&person.name)
    .bind(&person.phone)
    .bind(&person.village_code)
    .bind(&person.grid_code)
    .bind(&person.household)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?;
    replace_tags(tx, id, &person.tags).await?;
    Ok(id)
}

/// Overwrites the person `person.id` with `person`'s fields and tags.
pub async fn update(tx: &mut Tx, person: &PersonRow, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE people SET name = $2, phone = $3, village_code = $4, grid_code = $5, \
         household = $6, updated_at = $7 WHERE id = $1",
    )
    .bind(person.id)
    .bind(&person.name)
    .bind(&person.phone)
    .bind(&person.village_code)
    .bind(&person.grid_code)
    .bind(&person.household)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    replace_tags(tx, person.id, &person.tags).await
}

async fn replace_tags(tx: &mut Tx, id: i64, tags: &[String]) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM person_tags WHERE person_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    for tag in tags {
        sqlx::query("INSERT INTO person_tags (person_id, tag) VALUES ($1, $2)")
            .bind(id)
            .bind(tag)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}
