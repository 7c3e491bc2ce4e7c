//! Administrative regions: the NBS division tree (province → prefecture → county → township →
//! village) extended below villages with the project's own grids (网格).
//!
//! Codes follow the National Bureau of Statistics' statistical division codes
//! (统计用区划代码): 2 digits for a province, 4 for a prefecture, 6 for a county, 9 for a
//! township or sub-district (乡/镇/街道), 12 for a village or community (村委会/居委会). A grid is
//! `<12-digit village code>-<NNN>`. Every code starts with its parent's code, so "is X inside Y"
//! is a prefix test ([`RegionCode::is_within`]).

use serde::{Deserialize, Serialize};

/// The level of a region in the tree. Serialized in snake_case (`"township"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RegionLevel {
    /// 省级: 2-digit code.
    Province,
    /// 地级 (prefecture-level city): 4-digit code.
    Prefecture,
    /// 县级 (county, county-level city such as 长垣市, district): 6-digit code.
    County,
    /// 乡级 (township, town, sub-district 街道): 9-digit code.
    Township,
    /// 村级 (village committee 村委会 or urban community 居委会/社区): 12-digit code.
    Village,
    /// 网格: the project's own unit below a village, `<village code>-<NNN>`.
    Grid,
}

impl RegionLevel {
    /// All levels, from the top of the tree down.
    pub const ALL: [RegionLevel; 6] = [
        RegionLevel::Province,
        RegionLevel::Prefecture,
        RegionLevel::County,
        RegionLevel::Township,
        RegionLevel::Village,
        RegionLevel::Grid,
    ];

    /// The wire/storage name, e.g. `"township"`.
    pub fn as_str(self) -> &'static str {
        match self {
            RegionLevel::Province => "province",
            RegionLevel::Prefecture => "prefecture",
            RegionLevel::County => "county",
            RegionLevel::Township => "township",
            RegionLevel::Village => "village",
            RegionLevel::Grid => "grid",
        }
    }

    /// Parses the wire/storage name; `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == s)
    }

    /// The number of digits of an NBS code at this level (`None` for grids, which are not NBS
    /// codes).
    pub fn nbs_digits(self) -> Option<usize> {
        match self {
            RegionLevel::Province => Some(2),
            RegionLevel::Prefecture => Some(4),
            RegionLevel::County => Some(6),
            RegionLevel::Township => Some(9),
            RegionLevel::Village => Some(12),
            RegionLevel::Grid => None,
        }
    }
}

impl RegionLevel {
    /// The level above (`None` for a province).
    pub fn parent(self) -> Option<RegionLevel> {
        let i = Self::ALL.iter().position(|&l| l == self)?;
        i.checked_sub(1).map(|i| Self::ALL[i])
    }

    /// The level below (`None` for a grid).
    pub fn child(self) -> Option<RegionLevel> {
        let i = Self::ALL.iter().position(|&l| l == self)?;
        Self::ALL.get(i + 1).copied()
    }
}

impl std::fmt::Display for RegionLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a string is not a region code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegionCodeError {
    #[error("a region code is 2, 4, 6, 9 or 12 digits, or a grid code <12 digits>-<3 digits>")]
    Malformed,
}

/// The OpenAPI `pattern`s of region codes: any code [`RegionCode::parse`] takes, and the codes
/// of the levels an endpoint takes (`server/tests/openapi.rs` checks each against the parser).
pub mod patterns {
    /// Any region code: 2, 4, 6, 9 or 12 digits, or a grid `<12 digits>-<3 digits>`.
    pub const ANY: &str = r"^([0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{9}|[0-9]{12}(-[0-9]{3})?)$";
    /// A county (6 digits).
    pub const COUNTY: &str = "^[0-9]{6}$";
    /// A village (12 digits).
    pub const VILLAGE: &str = "^[0-9]{12}$";
    /// A grid (`<12 digits>-<3 digits>`).
    pub const GRID: &str = "^[0-9]{12}-[0-9]{3}$";
    /// A village or a township (12 or 9 digits).
    pub const TOWNSHIP_OR_VILLAGE: &str = "^([0-9]{9}|[0-9]{12})$";
    /// A county or a village (6 or 12 digits).
    pub const COUNTY_OR_VILLAGE: &str = "^([0-9]{6}|[0-9]{12})$";
    /// A county, a township or a village (6, 9 or 12 digits).
    pub const COUNTY_TO_VILLAGE: &str = "^([0-9]{6}|[0-9]{9}|[0-9]{12})$";
    /// A county or any region inside one: a township, a village, a grid.
    pub const IN_COUNTY: &str = r"^([0-9]{6}|[0-9]{9}|[0-9]{12}(-[0-9]{3})?)$";
}

/// A syntactically valid region code (it may still name no region). Holds ASCII digits of an
/// NBS length, or a grid code; it cannot hold anything else. In the OpenAPI document: a string
/// of [`patterns::ANY`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RegionCode(String);

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for RegionCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(patterns::ANY))
            .examples(["410783101"])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for RegionCode {}

impl RegionCode {
    /// Validates `s`: 2, 4, 6, 9 or 12 ASCII digits, or 12 digits, `-`, 3 digits (a grid).
    pub fn parse(s: &str) -> Result<Self, RegionCodeError> {
        let all_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
        let ok = match s.split_once('-') {
            Some((village, grid)) => {
                village.len() == 12 && grid.len() == 3 && all_digits(village) && all_digits(grid)
            }
            None => matches!(s.len(), 2 | 4 | 6 | 9 | 12) && all_digits(s),
        };
        if ok {
            Ok(RegionCode(s.to_owned()))
        } else {
            Err(RegionCodeError::Malformed)
        }
    }

    /// The code as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The level implied by the code's shape.
    pub fn level(&self) -> RegionLevel {
        if self.0.contains('-') {
            return RegionLevel::Grid;
        }
        match self.0.len() {
            2 => RegionLevel::Province,
            4 => RegionLevel::Prefecture,
            6 => RegionLevel::County,
            9 => RegionLevel::Township,
            _ => RegionLevel::Village,
        }
    }

    /// The parent's code implied by the code's shape (`None` for a province).
    pub fn parent(&self) -> Option<RegionCode> {
        let len = self.level().parent()?.nbs_digits()?;
        Some(RegionCode(self.0[..len].to_owned()))
    }

    /// The county this region lies in (itself for a county; `None` above counties): whose
    /// catalogues (recycling categories, service types) apply here.
    pub fn county(&self) -> Option<RegionCode> {
        let len = RegionLevel::County.nbs_digits()?;
        (self.level() >= RegionLevel::County).then(|| RegionCode(self.0[..len].to_owned()))
    }

    /// True when `self` is `ancestor` or lies below it in the tree.
    pub fn is_within(&self, ancestor: &RegionCode) -> bool {
        self.0.starts_with(&ancestor.0)
    }
}

impl std::fmt::Display for RegionCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for RegionCode {
    type Error = RegionCodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        RegionCode::parse(&s)
    }
}

impl From<RegionCode> for String {
    fn from(c: RegionCode) -> String {
        c.0
    }
}

/// A region as listed among another's children: `{code, name, level}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegionSummary {
    pub code: RegionCode,
    /// The official name, e.g. `"留村村委会"` (NFC-normalised).
    pub name: String,
    pub level: RegionLevel,
}

/// Body of `GET /api/v1/regions/{code}`: the region, its parent's code and its direct
/// children ordered by code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Region {
    pub code: RegionCode,
    pub name: String,
    pub level: RegionLevel,
    /// `null` for the top of the loaded tree.
    pub parent_code: Option<RegionCode>,
    /// The path from the top of the loaded tree down to the parent (for breadcrumbs), top first.
    #[serde(default)]
    pub ancestors: Vec<RegionSummary>,
    pub children: Vec<RegionSummary>,
}

/// Body of `POST /admin/grids`: a new grid (网格) under a village.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateGrid {
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "^[0-9]{12}$", example = "410783101201"))]
    pub village_code: RegionCode,
    /// e.g. `第一网格`; unique within the village, at most 20 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 20))]
    pub name: String,
}

/// Answer of `POST /admin/grids` (201): the new grid's code, `<village code>-<NNN>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedGrid {
    pub code: RegionCode,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_county_is_found_above_any_region_inside_one() {
        let county = RegionCode::parse("410783").unwrap();
        for code in ["410783", "410783101", "410783101230", "410783101230-001"] {
            let region = RegionCode::parse(code).unwrap();
            assert_eq!(region.county(), Some(county.clone()), "{code}");
        }
        assert_eq!(RegionCode::parse("4107").unwrap().county(), None);
        assert_eq!(RegionCode::parse("41").unwrap().county(), None);
    }

    #[test]
    fn accepts_nbs_lengths_and_grids() {
        for (s, level) in [
            ("41", RegionLevel::Province),
            ("4107", RegionLevel::Prefecture),
            ("410783", RegionLevel::County),
            ("410783101", RegionLevel::Township),
            ("410783101230", RegionLevel::Village),
            ("410783101230-001", RegionLevel::Grid),
        ] {
            assert_eq!(RegionCode::parse(s).unwrap().level(), level, "{s}");
        }
    }

    #[test]
    fn rejects_everything_else() {
        for s in [
            "",
            "4",
            "41078",
            "41078310123",
            "4107831012301",
            "41a783",
            &"1".repeat(40),
            "410783101230-1",
            "410783101230-0001",
            "410783101-001",
            "-001",
            "４１０７８３", // full-width digits are not part of a URL code
            "410783 ",
        ] {
            assert!(RegionCode::parse(s).is_err(), "{s:?} should be rejected");
        }
    }

    #[test]
    fn parents_and_containment_follow_the_prefix() {
        let grid = RegionCode::parse("410783101230-002").unwrap();
        let village = grid.parent().unwrap();
        assert_eq!(village.as_str(), "410783101230");
        assert_eq!(village.parent().unwrap().as_str(), "410783101");
        assert_eq!(
            RegionCode::parse("41").unwrap().parent(),
            None,
            "provinces have no parent"
        );
        let county = RegionCode::parse("410783").unwrap();
        assert!(grid.is_within(&county));
        assert!(county.is_within(&county));
        assert!(!county.is_within(&grid));
    }

    #[test]
    fn levels_know_their_neighbours() {
        assert_eq!(RegionLevel::Province.parent(), None);
        assert_eq!(RegionLevel::Village.parent(), Some(RegionLevel::Township));
        assert_eq!(RegionLevel::Township.child(), Some(RegionLevel::Village));
        assert_eq!(RegionLevel::Grid.child(), None);
    }

    #[test]
    fn deserializing_validates() {
        assert!(serde_json::from_str::<RegionCode>("\"410783\"").is_ok());
        assert!(serde_json::from_str::<RegionCode>("\"41x783\"").is_err());
    }
}
