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

/// One person in the registry as staff see it (`GET /admin/people`).
///
/// `phone` is the full E.164 number only for the person themselves and the staff of their
/// village (its village admins and grid workers); everyone else gets it masked
/// (`138****0001`), and `phone_masked` says which one this is (issue "Identity and access":
/// numbers are masked for everyone but the person and staff of their village).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonListing {
    pub id: i64,
    pub name: String,
    pub phone: String,
    pub phone_masked: bool,
    pub village_code: Option<String>,
    pub grid_code: Option<String>,
    /// 户号.
    pub household: Option<String>,
    /// Sorted, without repeats.
    pub tags: Vec<String>,
    pub roles: Vec<crate::auth::RoleGrant>,
}

/// Body of `POST /admin/grids/{code}/members`: villagers to place in the grid (each must live
/// in the grid's village; at most 1,000 per request).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GridMembers {
    pub person_ids: Vec<i64>,
}

/// Answer of `POST /admin/grids/{code}/members`: how many people moved into the grid and how
/// many were in it already.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GridMembersAssigned {
    pub assigned: u64,
    pub unchanged: u64,
}

/// Query of `GET /admin/people`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct PeopleQuery {
    /// A county, township, village or grid code: people living there or holding a role there.
    /// Default: the caller's first region where they may look people up.
    pub region_code: Option<String>,
    /// Exactly this phone number (any format `invalid_phone` accepts).
    pub phone: Option<String>,
    /// Part of the name (at most 50 characters).
    pub q: Option<String>,
    /// 1–100, default 20.
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}
