//! SQL for the `people` and `person_tags` tables (owned by this module).

use jifen_shared::regions::RegionCode;
use sqlx::Row;

use std::collections::HashMap;

use crate::storage::{Backend, Db, Tx};

/// The lock every change of the registry's rows takes first ([`crate::storage::lock_key`]):
/// villager imports and grid assignments read people before writing them, so on PostgreSQL
/// they run one at a time — no deadlocks between imports in different row orders, no grid
/// assigned to someone an import is moving to another village.
pub async fn lock_registry(tx: &mut Tx, db: &Db) -> Result<(), sqlx::Error> {
    crate::storage::lock_key(tx, db.backend(), "people.registry").await
}

/// A person as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PersonRow {
    pub id: i64,
    pub name: String,
    /// E.164; `None` for a villager without a phone (known by their member card).
    pub phone: Option<String>,
    pub village_code: Option<String>,
    pub grid_code: Option<String>,
    pub household: Option<String>,
    /// Sorted, without repeats (`person_tags`; empty where a read says "without tags").
    #[sqlx(skip)]
    pub tags: Vec<String>,
    /// When the account was closed (迁出 or 去世; UTC ms), `None` while open
    /// ([`super::closure`]).
    pub closed_at: Option<i64>,
    /// `moved_away` or `deceased` once closed.
    pub closed_reason: Option<String>,
    /// Year of birth, when known (长辈模式 by default from the county's age).
    pub birth_year: Option<i64>,
}

impl PersonRow {
    /// The village the person lives in; `None` for staff who live in none (or a stored code
    /// that no longer parses).
    pub fn village(&self) -> Option<RegionCode> {
        RegionCode::parse(self.village_code.as_deref()?).ok()
    }

    /// Who the person is as far as conflicts of interest go (village and 户号).
    pub fn household(&self) -> crate::policy::Household<'_> {
        crate::policy::Household {
            person_id: self.id,
            village_code: self.village_code.as_deref(),
            household: self.household.as_deref(),
        }
    }
}

const COLUMNS: &str =
    "id, name, phone, village_code, grid_code, household, closed_at, closed_reason, birth_year";

/// The condition that keeps closed accounts out of a read.
const OPEN: &str = "closed_at IS NULL";

async fn with_tags(
    tx: &mut Tx,
    person: Option<PersonRow>,
) -> Result<Option<PersonRow>, sqlx::Error> {
    let Some(mut person) = person else {
        return Ok(None);
    };
    person.tags =
        sqlx::query_scalar("SELECT tag FROM person_tags WHERE person_id = $1 ORDER BY tag")
            .bind(person.id)
            .fetch_all(&mut **tx)
            .await?;
    Ok(Some(person))
}

/// The open account with this E.164 phone (a closed account's number is free again).
pub async fn find_by_phone(tx: &mut Tx, phone: &str) -> Result<Option<PersonRow>, sqlx::Error> {
    let row = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM people WHERE phone = $1 AND {OPEN}"
    ))
    .bind(phone)
    .fetch_optional(&mut **tx)
    .await?;
    with_tags(tx, row).await
}

/// The open account of this village, household and name (how a villager is recognised when
/// their phone number changed).
pub async fn find_by_household(
    tx: &mut Tx,
    village_code: &str,
    household: &str,
    name: &str,
) -> Result<Option<PersonRow>, sqlx::Error> {
    let row = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM people \
         WHERE village_code = $1 AND household = $2 AND name = $3 AND {OPEN}"
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
    let insert = sqlx::query(
        "INSERT INTO people (name, phone, village_code, grid_code, household, birth_year, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
    );
    let id: i64 = with_fields(insert, person, now)
        .fetch_one(&mut **tx)
        .await?
        .try_get("id")?;
    replace_tags(tx, id, &person.tags).await?;
    Ok(id)
}

/// `query` with `$1`–`$7` bound to the person's name, phone, village, grid, household, birth
/// year and `now`.
fn with_fields<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    person: &'q PersonRow,
    now: i64,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    query
        .bind(&person.name)
        .bind(&person.phone)
        .bind(&person.village_code)
        .bind(&person.grid_code)
        .bind(&person.household)
        .bind(person.birth_year)
        .bind(now)
}

/// Overwrites the person `person.id` with `person`'s fields and tags.
pub async fn update(tx: &mut Tx, person: &PersonRow, now: i64) -> Result<(), sqlx::Error> {
    let update = sqlx::query(
        "UPDATE people SET name = $1, phone = $2, village_code = $3, grid_code = $4, \
         household = $5, birth_year = $6, updated_at = $7 WHERE id = $8",
    );
    with_fields(update, person, now)
        .bind(person.id)
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

/// What [`list`] looks for: open (or closed) accounts whose village, grid or one of whose
/// roles lies inside `region`, optionally with exactly this E.164 `phone` and a name containing `name_part`;
/// ordered by id, after `after_id`, at most `limit` of them.
#[derive(Debug, Clone)]
pub struct PeopleFilter<'a> {
    pub region: &'a str,
    pub phone: Option<&'a str>,
    pub name_part: Option<&'a str>,
    /// Closed accounts only (`true`) or open ones only (`false`).
    pub closed: bool,
    pub after_id: i64,
    pub limit: u32,
}

/// How [`list`] finds the people living in a region, by an index on that region's level
/// (migration 0037): `(condition on p, its one parameter)`. A village, township or county is
/// one equality on `village_code` or its prefix (expression indexes `people_township`,
/// `people_county`), a grid one on `grid_code`; each index is ordered by id after it, so a
/// page costs the same whatever the region's size. Another prefix (a city's, never a role's
/// region) falls back to `LIKE`.
fn living_in(region: &str) -> (&'static str, String) {
    match region.len() {
        12 => ("p.village_code = $1", region.to_owned()),
        9 => ("substr(p.village_code, 1, 9) = $1", region.to_owned()),
        6 => ("substr(p.village_code, 1, 6) = $1", region.to_owned()),
        16 => ("p.grid_code = $1", region.to_owned()),
        _ => (
            "p.village_code LIKE $1 ESCAPE '\\'",
            format!("{}%", crate::storage::like_literal(region)),
        ),
    }
}

/// A parameter of [`list`]'s statement.
enum Param {
    Text(String),
    Int(i64),
}

/// The statement of [`list`] on `backend` and its parameters in order. The staff whose roles
/// lie in the region are a range of region codes, `[region, region + "~")` ('~' sorts after
/// the digits and '-' of every code), compared byte by byte (`COLLATE "C"` on PostgreSQL,
/// whose index `role_assignments_staff` is so collated).
fn list_statement(backend: Backend, filter: &PeopleFilter<'_>) -> (String, Vec<Param>) {
    let (living, region) = living_in(filter.region);
    let mut conditions = format!(
        "p.id > $2 AND p.closed_at IS {} NULL",
        if filter.closed { "NOT" } else { "" }
    );
    let mut binds = vec![
        Param::Text(region),
        Param::Int(filter.after_id),
        Param::Int(i64::from(filter.limit)),
        Param::Text(filter.region.to_owned()),
        Param::Text(format!("{}~", filter.region)),
    ];
    if let Some(phone) = filter.phone {
        binds.push(Param::Text(phone.to_owned()));
        conditions.push_str(&format!(" AND p.phone = ${}", binds.len()));
    }
    if let Some(part) = filter.name_part {
        binds.push(Param::Text(format!(
            "%{}%",
            crate::storage::like_literal(part)
        )));
        conditions.push_str(&format!(" AND p.name LIKE ${} ESCAPE '\\'", binds.len()));
    }
    let bytewise = match backend {
        Backend::Sqlite => "",
        Backend::Postgres => r#" COLLATE "C""#,
    };
    let sql = format!(
        "SELECT {COLUMNS} FROM people p WHERE {conditions} AND p.id IN (\
             SELECT id FROM (SELECT p.id FROM people p WHERE {living} AND {conditions} \
                             ORDER BY p.id LIMIT $3) living \
             UNION SELECT r.person_id FROM role_assignments r \
                   WHERE r.role <> 'villager' AND r.region_code{bytewise} >= $4 \
                     AND r.region_code{bytewise} < $5) \
         ORDER BY p.id LIMIT $3"
    );
    (sql, binds)
}

/// People matching `filter`, with their tags: the first page of those living in the region
/// (by its index, [`living_in`]) joined with the staff whose roles lie in it
/// (`role_assignments_staff`, a partial index of the non-villager roles: a county's few
/// thousand), ordered by id. [`list_plan`] shows the database's plan.
pub async fn list(db: &Db, filter: &PeopleFilter<'_>) -> Result<Vec<PersonRow>, sqlx::Error> {
    let (sql, binds) = list_statement(db.backend(), filter);
    let mut query = sqlx::query_as(&sql);
    for value in binds {
        query = match value {
            Param::Text(t) => query.bind(t),
            Param::Int(i) => query.bind(i),
        };
    }
    let mut people: Vec<PersonRow> = query.fetch_all(db.reader()).await?;
    let mut tags = tags_of(db, people.iter().map(|p| p.id)).await?;
    for person in &mut people {
        person.tags = tags.remove(&person.id).unwrap_or_default();
    }
    Ok(people)
}

/// The database's plan for [`list`] of `filter` (SQLite's `EXPLAIN QUERY PLAN`, PostgreSQL's
/// `EXPLAIN`), one line per step: the tests check it names the region's index.
pub async fn list_plan(db: &Db, filter: &PeopleFilter<'_>) -> Result<String, sqlx::Error> {
    let (sql, binds) = list_statement(db.backend(), filter);
    let explain = match db.backend() {
        Backend::Sqlite => format!("EXPLAIN QUERY PLAN {sql}"),
        Backend::Postgres => format!("EXPLAIN {sql}"),
    };
    let mut query = sqlx::query(&explain);
    for value in binds {
        query = match value {
            Param::Text(t) => query.bind(t),
            Param::Int(i) => query.bind(i),
        };
    }
    let column = match db.backend() {
        Backend::Sqlite => "detail",
        Backend::Postgres => "QUERY PLAN",
    };
    query
        .fetch_all(db.reader())
        .await?
        .iter()
        .map(|r| r.try_get::<String, _>(column))
        .collect::<Result<Vec<_>, _>>()
        .map(|lines| lines.join("\n"))
}

/// The tags of these people (sorted), by person id.
async fn tags_of(
    db: &Db,
    ids: impl Iterator<Item = i64>,
) -> Result<HashMap<i64, Vec<String>>, sqlx::Error> {
    let ids: Vec<String> = ids.map(|id| id.to_string()).collect();
    let mut tags: HashMap<i64, Vec<String>> = HashMap::new();
    if ids.is_empty() {
        return Ok(tags);
    }
    // Integers only, so the list can be inlined safely.
    let rows: Vec<(i64, String)> = sqlx::query_as(&format!(
        "SELECT person_id, tag FROM person_tags WHERE person_id IN ({}) ORDER BY person_id, tag",
        ids.join(", ")
    ))
    .fetch_all(db.reader())
    .await?;
    for (person_id, tag) in rows {
        tags.entry(person_id).or_default().push(tag);
    }
    Ok(tags)
}

/// The person `id` (without tags), read outside a transaction.
pub async fn find(db: &Db, id: i64) -> Result<Option<PersonRow>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM people WHERE id = $1"))
        .bind(id)
        .fetch_optional(db.reader())
        .await
}

/// The person `id` with their tags, read outside a transaction.
pub async fn find_with_tags(db: &Db, id: i64) -> Result<Option<PersonRow>, sqlx::Error> {
    let Some(mut person) = find(db, id).await? else {
        return Ok(None);
    };
    person.tags = tags_of(db, std::iter::once(id))
        .await?
        .remove(&id)
        .unwrap_or_default();
    Ok(Some(person))
}

/// The people `ids` that exist, ordered by id.
pub async fn find_many_in(tx: &mut Tx, ids: &[i64]) -> Result<Vec<PersonRow>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list: Vec<String> = ids.iter().map(i64::to_string).collect();
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM people WHERE id IN ({}) ORDER BY id",
        list.join(", ")
    ))
    .fetch_all(&mut **tx)
    .await
}

/// The tags of the person `id` (sorted), read inside `tx`.
pub async fn tags_in(tx: &mut Tx, id: i64) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT tag FROM person_tags WHERE person_id = $1 ORDER BY tag")
        .bind(id)
        .fetch_all(&mut **tx)
        .await
}

/// Places the person in `grid_code` (`None`: in no grid).
pub async fn set_grid(
    tx: &mut Tx,
    id: i64,
    grid_code: Option<&str>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE people SET grid_code = $2, updated_at = $3 WHERE id = $1")
        .bind(id)
        .bind(grid_code)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// How many people have a phone not starting with `prefix` (E.164, e.g. `+86100`).
pub async fn count_outside(db: &Db, prefix: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM people WHERE phone NOT LIKE $1")
        .bind(format!("{prefix}%"))
        .fetch_one(db.reader())
        .await
}

/// The person `id` with their tags, read inside `tx` (open or closed).
pub async fn find_in(tx: &mut Tx, id: i64) -> Result<Option<PersonRow>, sqlx::Error> {
    let row = sqlx::query_as(&format!("SELECT {COLUMNS} FROM people WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    with_tags(tx, row).await
}

/// The open villagers placed in grid `grid_code`, by name (a grid's member cards).
pub async fn open_in_grid(tx: &mut Tx, grid_code: &str) -> Result<Vec<PersonRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM people WHERE grid_code = $1 AND {OPEN} ORDER BY name, id"
    ))
    .bind(grid_code)
    .fetch_all(&mut **tx)
    .await
}

/// Where `person`'s 代办 receipts are texted: their own phone, or else that of the open
/// member of their household (village and 户号) with a phone and the lowest id.
pub async fn household_phone(
    tx: &mut Tx,
    person: &PersonRow,
) -> Result<Option<String>, sqlx::Error> {
    if person.phone.is_some() {
        return Ok(person.phone.clone());
    }
    let (Some(village), Some(household)) = (&person.village_code, &person.household) else {
        return Ok(None);
    };
    sqlx::query_scalar(&format!(
        "SELECT phone FROM people WHERE village_code = $1 AND household = $2 \
         AND phone IS NOT NULL AND {OPEN} ORDER BY id LIMIT 1"
    ))
    .bind(village)
    .bind(household)
    .fetch_optional(&mut **tx)
    .await
}

/// The open member of the household (`village_code` and 户号) with the lowest id, other than
/// `except_id`: who inherits a closed account's points ([`super::closure`]).
pub async fn household_heir<'e>(
    exec: impl sqlx::Executor<'e, Database = sqlx::Any>,
    village_code: &str,
    household: &str,
    except_id: i64,
) -> Result<Option<PersonRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM people WHERE village_code = $1 AND household = $2 AND id <> $3 \
         AND {OPEN} ORDER BY id LIMIT 1"
    ))
    .bind(village_code)
    .bind(household)
    .bind(except_id)
    .fetch_optional(exec)
    .await
}

/// Closes the open account `id` for `reason` (`moved_away`, `deceased`); whether it was open.
pub async fn close(tx: &mut Tx, id: i64, reason: &str, now: i64) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(&format!(
        "UPDATE people SET closed_at = $2, closed_reason = $3, updated_at = $2 \
         WHERE id = $1 AND {OPEN}"
    ))
    .bind(id)
    .bind(now)
    .bind(reason)
    .execute(&mut **tx)
    .await?
    .rows_affected()
        == 1)
}
