//! Regions (行政区划 and 网格): the tree every other domain is scoped by.
//!
//! - [`import`]: loading the NBS division CSVs (`jifen import-divisions`);
//! - [`storage`]: the SQL of the `regions` table;
//! - [`routes`]: `GET /api/v1/regions` and `GET /api/v1/regions/{code}`;
//! - this module: the service functions the routes call.

pub mod import;
pub mod routes;
pub mod storage;

use crate::error::DomainError;
use jifen_shared::ErrorCode;
use jifen_shared::regions::{Region, RegionCode, RegionSummary};

use crate::storage::Db;
use storage::RegionRow;

/// Why a region cannot be shown or created.
#[derive(Debug, thiserror::Error)]
pub enum RegionError {
    #[error("no region has the code {0}")]
    NotFound(RegionCode),
    #[error("{0} is not a village: grids are made under villages")]
    NotAVillage(RegionCode),
    #[error("name: {0}")]
    InvalidName(crate::text::NameError),
    #[error("village {0} already has a grid named {1:?}")]
    NameTaken(RegionCode, String),
    #[error("village {0} already has 999 grids")]
    Full(RegionCode),
    #[error(transparent)]
    Storage(#[from] sqlx::Error),
}

impl DomainError for RegionError {
    fn code(&self) -> ErrorCode {
        match self {
            RegionError::NotFound(_) => ErrorCode::NotFound,
            RegionError::NotAVillage(_) | RegionError::InvalidName(_) => ErrorCode::InvalidInput,
            RegionError::NameTaken(..) | RegionError::Full(_) => ErrorCode::AlreadyExists,
            RegionError::Storage(_) => ErrorCode::Internal,
        }
    }

    fn wrapped(&self) -> Option<&dyn DomainError> {
        match self {
            RegionError::Storage(e) => Some(e),
            _ => None,
        }
    }
}

fn summary(row: RegionRow) -> Result<RegionSummary, sqlx::Error> {
    Ok(RegionSummary {
        code: stored_code(&row.code)?,
        name: row.name,
        level: row.level,
    })
}

/// Codes in the table were validated on the way in; a malformed one is a storage fault.
fn stored_code(code: &str) -> Result<RegionCode, sqlx::Error> {
    RegionCode::parse(code).map_err(|e| sqlx::Error::ColumnDecode {
        index: "code".into(),
        source: format!("stored region code {code:?}: {e}").into(),
    })
}

/// The region `code` with its direct children (ordered by code) and its loaded ancestors
/// (top first).
///
/// Errors: [`RegionError::NotFound`] when no region has this code.
pub async fn get_region(db: &Db, code: &RegionCode) -> Result<Region, RegionError> {
    let row = storage::find(db, code.as_str())
        .await?
        .ok_or_else(|| RegionError::NotFound(code.clone()))?;
    let children = storage::children(db, code.as_str()).await?;
    let mut prefixes = Vec::new();
    let mut cursor = code.parent();
    while let Some(parent) = cursor {
        cursor = parent.parent();
        prefixes.push(String::from(parent));
    }
    let ancestors = storage::find_many(db, &prefixes).await?;
    Ok(Region {
        code: code.clone(),
        name: row.name,
        level: row.level,
        parent_code: row.parent_code.as_deref().map(stored_code).transpose()?,
        ancestors: ancestors
            .into_iter()
            .map(summary)
            .collect::<Result<_, _>>()?,
        children: children
            .into_iter()
            .map(summary)
            .collect::<Result<_, _>>()?,
    })
}

/// The longest grid name, in characters.
pub const MAX_GRID_NAME_CHARS: usize = 20;

/// Creates a grid named `name` under `village` (`POST /admin/grids`), numbered after the
/// village's last grid (`<village>-001`, `-002`…), and records it in the audit log as
/// `grid.create` by `actor_id`.
///
/// Errors: [`RegionError::NotFound`] / [`RegionError::NotAVillage`] for the village,
/// [`RegionError::InvalidName`], [`RegionError::NameTaken`] (names are unique within a
/// village), [`RegionError::Full`].
pub async fn create_grid(
    db: &Db,
    actor_id: Option<i64>,
    village: &RegionCode,
    name: &str,
) -> Result<RegionCode, RegionError> {
    let name = crate::text::name(name, MAX_GRID_NAME_CHARS).map_err(RegionError::InvalidName)?;
    let now = crate::storage::now_ms();
    let mut tx = db.begin_write().await?;
    // Two admins adding grids at once must not pick the same number: lock the village's row
    // (PostgreSQL; SQLite's write transaction already serialises them).
    storage::lock_in(&mut tx, village.as_str()).await?;
    let found = storage::find_in(&mut tx, village.as_str())
        .await?
        .ok_or_else(|| RegionError::NotFound(village.clone()))?;
    if found.level != jifen_shared::regions::RegionLevel::Village {
        return Err(RegionError::NotAVillage(village.clone()));
    }
    let grids = storage::children_in(&mut tx, village.as_str()).await?;
    if grids.iter().any(|g| g.name == name) {
        return Err(RegionError::NameTaken(village.clone(), name));
    }
    let last = grids
        .iter()
        .filter_map(|g| g.code.rsplit_once('-')?.1.parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    if last >= 999 {
        return Err(RegionError::Full(village.clone()));
    }
    let code = RegionCode::parse(&format!("{village}-{:03}", last + 1)).expect("a grid code");
    let row = RegionRow {
        code: code.to_string(),
        name: name.clone(),
        level: jifen_shared::regions::RegionLevel::Grid,
        parent_code: Some(village.to_string()),
    };
    storage::insert_in(&mut tx, &row, now).await?;
    crate::audit::record(
        &mut tx,
        crate::audit::Record {
            actor_id,
            action: "grid.create",
            region: village,
            target: code.to_string(),
            before: None,
            after: Some(serde_json::json!({"code": code, "name": name})),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(code)
}
