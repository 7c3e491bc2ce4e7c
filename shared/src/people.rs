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
    /// `null`: the person has no phone (they are known by their member card).
    pub phone: Option<String>,
    pub phone_masked: bool,
    /// Year of birth, when the registry knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_year: Option<i32>,
    /// The member card's number, once one was printed; only to the admins of their village and
    /// above (the number opens a proxy session like the card).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_no: Option<String>,
    pub village_code: Option<String>,
    pub grid_code: Option<String>,
    /// 户号.
    pub household: Option<String>,
    /// Sorted, without repeats.
    pub tags: Vec<String>,
    pub roles: Vec<crate::auth::RoleGrant>,
    /// Set once the account is closed (迁出 or 去世); such a person is listed only with
    /// `?closed=true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<Closure>,
}

/// Body of `POST /admin/grids/{code}/members`: villagers to place in the grid (each must live
/// in the grid's village; at most 1,000 per request).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GridMembers {
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 1000))]
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
    #[cfg_attr(
        feature = "openapi",
        param(
            pattern = r"^([0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{9}|[0-9]{12}(-[0-9]{3})?)$",
            example = "410783101"
        )
    )]
    pub region_code: Option<String>,
    /// Exactly this phone number (any format `invalid_phone` accepts).
    pub phone: Option<String>,
    /// Part of the name (at most 50 characters).
    #[cfg_attr(feature = "openapi", param(max_length = 50))]
    pub q: Option<String>,
    /// `true`: only closed accounts (迁出, 去世); default: only open ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<bool>,
    /// 1–100, default 20.
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[cfg_attr(feature = "openapi", param(pattern = "^[0-9]{1,18}$"))]
    pub cursor: Option<String>,
}

/// Why an account was closed (`POST /admin/people/{id}/close`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ClosedReason {
    /// 迁出: moved out of the village.
    MovedAway,
    /// 去世: deceased.
    Deceased,
}

impl ClosedReason {
    /// The stored and wire name (`moved_away`, `deceased`).
    pub fn as_str(self) -> &'static str {
        match self {
            ClosedReason::MovedAway => "moved_away",
            ClosedReason::Deceased => "deceased",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<ClosedReason> {
        [ClosedReason::MovedAway, ClosedReason::Deceased]
            .into_iter()
            .find(|r| r.as_str() == s)
    }

    /// How the county says it: 迁出 or 去世.
    pub fn label_zh(self) -> &'static str {
        match self {
            ClosedReason::MovedAway => "迁出",
            ClosedReason::Deceased => "去世",
        }
    }
}

/// When and why an account was closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Closure {
    pub reason: ClosedReason,
    /// RFC 3339, UTC.
    pub closed_at: String,
}

/// Body of `PUT /admin/people/{id}`: a villager's registry entry as it should be (every field
/// replaced). Checked as the villager CSV is: `name` 1–50 characters, `household` (户号) at
/// most 32, each tag at most 20 (the county's [`GROUP_TAGS`] and free tags; sorted and
/// deduplicated, at most [`MAX_TAGS`]), `grid_code` a grid of the person's own village or
/// `null`. The phone is changed with `POST /admin/people/{id}/phone`, the village not at all
/// (moving to another village is 迁出 here and a new registration there).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PersonUpdate {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 50))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(max_length = 32))]
    pub household: Option<String>,
    #[cfg_attr(feature = "openapi", schema(max_items = 20))]
    pub tags: Vec<String>,
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "^[0-9]{12}-[0-9]{3}$", example = "410783101201-001")
    )]
    pub grid_code: Option<String>,
    /// Year of birth (1900 to this year), or `null` when not known.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1900, maximum = 2100))]
    pub birth_year: Option<i32>,
}

/// Body of `POST /admin/people`: registers one villager in a village (the form's way; the CSV
/// import does many). `phone` may be absent for a villager without a phone: they take part
/// through their member card and a 代办员 or family delegate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewPerson {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 50))]
    pub name: String,
    /// Any way of writing a mainland mobile number; `null` or absent: no phone.
    #[serde(default)]
    pub phone: Option<String>,
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "^[0-9]{12}$", example = "410783101201")
    )]
    pub village_code: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 32))]
    pub household: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 20))]
    pub tags: Vec<String>,
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "^[0-9]{12}-[0-9]{3}$", example = "410783101201-001")
    )]
    pub grid_code: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1900, maximum = 2100))]
    pub birth_year: Option<i32>,
}

/// The most tags one person may carry.
pub const MAX_TAGS: usize = 20;

/// Body of `POST /admin/people/{id}/phone`: the villager's new number (any way of writing a
/// mainland mobile number the import accepts). Their sessions end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PhoneChange {
    pub phone: String,
}

/// Who inherits a closed account's points: an open member of the same household (户).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Heir {
    pub id: i64,
    pub name: String,
}

/// Where a closed account's points go (`GET /admin/people/{id}/closing` before, and the
/// answer of `POST /admin/people/{id}/close` after): `points` (what the account holds, ≥ 0) to
/// `heir` when the household has another open member, else back to the township's issuance
/// account (`heir: null`). Nothing moves when `points` is 0.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BalanceDestination {
    pub points: i64,
    pub heir: Option<Heir>,
}

/// Body of `POST /admin/people/{id}/close`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CloseAccount {
    pub reason: ClosedReason,
    /// The points the admin was shown when asked to confirm (`GET …/closing`); when given and
    /// the account holds another amount now, nothing happens (`balance_changed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seen_points: Option<i64>,
}

/// Answer of `POST /admin/people/{id}/close`: the person as now stored and where their
/// points went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClosedAccount {
    pub person: PersonListing,
    pub balance: BalanceDestination,
}
