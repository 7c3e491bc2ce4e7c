//! Regions (行政区划 and 网格): the tree every other domain is scoped by.
//!
//! - [`import`]: loading the NBS division CSVs (`jifen import-divisions`);
//! - [`storage`]: the SQL of the `regions` table;
//! - [`routes`]: `GET /api/v1/regions` and `GET /api/v1/regions/{code}`;
//! - this module: the service functions the routes call.

pub mod import;
pub mod routes;
pub mod storage;

use jifen_shared::regions::{Region, RegionCode, RegionSummary};

use crate::storage::Db;
use storage::RegionRow;

/// Why a region cannot be shown.
#[derive(Debug, thiserror::Error)]
pub enum RegionError {
    #[error("no region has the code {0}")]
    NotFound(RegionCode),
    #[error(transparent)]
    Storage(#[from] sqlx::Error),
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
