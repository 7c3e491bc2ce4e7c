//! People: villagers (村民) and staff, and the county's groups they belong to.

use serde::{Deserialize, Serialize};

use crate::imports::RowError;

/// The county's five groups of people (the pilot's 五类人员), used as tags beside any free
/// tag a village adds.
pub const GROUP_TAGS: [&str; 6] = ["村干部", "党员", "村民代表", "村民", "脱贫户", "监测户"];

/// Result of a villager CSV import (`POST /admin/villagers/import`, `jifen import-villagers`):
/// how many people were created, updated or already exactly as given, and every rejected row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VillagerImportReport {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub errors: Vec<RowError>,
}
