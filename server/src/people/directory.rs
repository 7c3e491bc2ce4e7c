//! The registry as staff look into it (花名册查询, `GET /admin/people`) and the placing of
//! villagers in grids (`POST /admin/grids/{code}/members`).
//!
//! Who may look where and who sees full phone numbers is decided by [`crate::policy`]; this
//! module only applies its answers.

use crate::error::DomainError;
use jifen_shared::ErrorCode;
use jifen_shared::Page;
use jifen_shared::auth::RoleGrant;
use jifen_shared::people::{ClosedReason, Closure, GridMembersAssigned, PersonListing};
use jifen_shared::regions::{RegionCode, RegionLevel};

use super::phone::Phone;
use super::storage::{self, PeopleFilter};
use crate::policy;
use crate::regions;
use crate::storage::{Db, now_ms};

/// The most people one `POST /admin/grids/{code}/members` may move.
pub const MAX_GRID_MEMBERS_PER_REQUEST: usize = 1000;

/// A lookup in the registry.
#[derive(Debug, Clone)]
pub struct PeopleQuery<'a> {
    /// People living in it (village or grid) or holding a role inside it.
    pub region: &'a RegionCode,
    /// Exactly this number.
    pub phone: Option<&'a Phone>,
    /// Names containing this (NFC-normalised, trimmed, non-empty).
    pub name_part: Option<&'a str>,
    /// Closed accounts (迁出, 去世) only, instead of open ones only.
    pub closed: bool,
    /// The `next_cursor` of the previous page.
    pub after_id: Option<i64>,
    /// 1–100.
    pub limit: u32,
}

/// One page of people matching `query`, ordered by id, as `caller_id` holding `grants` may see
/// them (phones masked per [`policy::sees_full_phone`]). The caller's right to look inside
/// `query.region` is checked by the route.
pub async fn list(
    db: &Db,
    caller_id: i64,
    grants: &[RoleGrant],
    query: &PeopleQuery<'_>,
) -> Result<Page<PersonListing>, sqlx::Error> {
    let rows = storage::list(
        db,
        &PeopleFilter {
            region: query.region.as_str(),
            phone: query.phone.map(Phone::as_str),
            name_part: query.name_part,
            closed: query.closed,
            after_id: query.after_id.unwrap_or(0),
            limit: query.limit + 1,
        },
    )
    .await?;
    let page = Page::from_overfetch(rows, query.limit as usize, |p| p.id);
    let mut roles =
        crate::auth::storage::roles_of_many(db, page.items.iter().map(|p| p.id)).await?;
    let ids: Vec<i64> = page.items.iter().map(|p| p.id).collect();
    let mut cards = crate::shop::counter::storage::card_numbers(db, &ids).await?;
    let items = page
        .items
        .into_iter()
        .map(|p| {
            let roles = roles.remove(&p.id).unwrap_or_default();
            let card_no = cards.remove(&p.id);
            listing(caller_id, grants, p, roles, card_no)
        })
        .collect();
    Ok(Page {
        items,
        next_cursor: page.next_cursor,
    })
}

/// The person `id` as `caller_id` holding `grants` sees them, or `None` when there is no such
/// person or the caller may not find them with [`list`]: their village, grid or one of their
/// roles must lie inside a region where the caller may [`policy::Action::ReadPeople`] (so
/// nobody learns whether a person outside their reach exists).
pub async fn get(
    db: &Db,
    caller_id: i64,
    grants: &[RoleGrant],
    id: i64,
) -> Result<Option<PersonListing>, sqlx::Error> {
    let Some(person) = storage::find_with_tags(db, id).await? else {
        return Ok(None);
    };
    let roles = crate::auth::storage::roles_of_many(db, std::iter::once(id))
        .await?
        .remove(&id)
        .unwrap_or_default();
    let codes: Vec<&str> = [person.village_code.as_deref(), person.grid_code.as_deref()]
        .into_iter()
        .flatten()
        .chain(roles.iter().map(|r| r.region_code.as_str()))
        .collect();
    let visible = policy::regions_where(grants, policy::Action::ReadPeople)
        .any(|region| codes.iter().any(|c| c.starts_with(region.as_str())));
    let card_no = crate::shop::counter::storage::card_numbers(db, &[id])
        .await?
        .remove(&id);
    Ok(visible.then(|| listing(caller_id, grants, person, roles, card_no)))
}

/// A stored person as the caller sees them: the phone full or masked per
/// [`policy::sees_full_phone`].
fn listing(
    caller_id: i64,
    grants: &[RoleGrant],
    p: storage::PersonRow,
    roles: Vec<RoleGrant>,
    card_no: Option<String>,
) -> PersonListing {
    let village = p.village();
    let full = policy::sees_full_phone(caller_id, grants, p.id, village.as_ref());
    // The card's number opens a proxy session as if the card were shown: only the admins who
    // print cards see it.
    let card_no = card_no.filter(|_| {
        village
            .as_ref()
            .is_some_and(|v| policy::may(grants, policy::Action::ManagePeople, v))
    });
    let phone = p.phone.map(Phone::from_stored);
    let closed = match (
        p.closed_at,
        p.closed_reason.as_deref().and_then(ClosedReason::parse),
    ) {
        (Some(at), Some(reason)) => Some(Closure {
            reason,
            closed_at: crate::storage::rfc3339(at),
        }),
        _ => None,
    };
    PersonListing {
        id: p.id,
        name: p.name,
        phone: phone.map(|phone| {
            if full {
                phone.as_str().to_owned()
            } else {
                phone.masked()
            }
        }),
        phone_masked: !full,
        birth_year: p.birth_year.and_then(|y| i32::try_from(y).ok()),
        card_no,
        village_code: p.village_code,
        grid_code: p.grid_code,
        household: p.household,
        tags: p.tags,
        roles,
        closed,
    }
}

/// Why people cannot be placed in a grid.
#[derive(Debug, thiserror::Error)]
pub enum GridMembersError {
    #[error("no grid has the code {0}")]
    NotFound(RegionCode),
    #[error("{0} is not a grid")]
    NotAGrid(RegionCode),
    #[error("person_ids: between 1 and {MAX_GRID_MEMBERS_PER_REQUEST} ids")]
    Count,
    #[error("person_ids: no villager of the grid's village has the id(s) {0}")]
    NotInVillage(String),
    #[error(transparent)]
    Storage(#[from] sqlx::Error),
}

impl DomainError for GridMembersError {
    fn code(&self) -> ErrorCode {
        match self {
            GridMembersError::NotFound(_) => ErrorCode::NotFound,
            GridMembersError::NotAGrid(_)
            | GridMembersError::Count
            | GridMembersError::NotInVillage(_) => ErrorCode::InvalidInput,
            GridMembersError::Storage(_) => ErrorCode::Internal,
        }
    }

    fn wrapped(&self) -> Option<&dyn DomainError> {
        match self {
            GridMembersError::Storage(e) => Some(e),
            _ => None,
        }
    }
}

/// Places the people `ids` (villagers of the grid's village) in `grid`, all or none, and
/// records it in the audit log with each person's grid before. People already in the grid
/// are counted as unchanged; repeating the request changes nothing.
///
/// Errors: [`GridMembersError::NotFound`], [`GridMembersError::NotAGrid`],
/// [`GridMembersError::Count`] (none or over [`MAX_GRID_MEMBERS_PER_REQUEST`]),
/// [`GridMembersError::NotInVillage`] (unknown ids or people of another village).
pub async fn assign_to_grid(
    db: &Db,
    actor_id: i64,
    grid: &RegionCode,
    ids: &[i64],
) -> Result<GridMembersAssigned, GridMembersError> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() || ids.len() > MAX_GRID_MEMBERS_PER_REQUEST {
        return Err(GridMembersError::Count);
    }
    let village = match grid.parent() {
        Some(village) if grid.level() == RegionLevel::Grid => village,
        _ => return Err(GridMembersError::NotAGrid(grid.clone())),
    };
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    storage::lock_registry(&mut tx, db).await?;
    let found = regions::storage::find_in(&mut tx, grid.as_str())
        .await?
        .ok_or_else(|| GridMembersError::NotFound(grid.clone()))?;
    if found.level != RegionLevel::Grid {
        return Err(GridMembersError::NotAGrid(grid.clone()));
    }
    let people = storage::find_many_in(&mut tx, &ids).await?;
    let outsiders: Vec<String> = ids
        .iter()
        .filter(|id| {
            !people.iter().any(|p| {
                p.id == **id
                    && p.village_code.as_deref() == Some(village.as_str())
                    && p.closed_at.is_none()
            })
        })
        .map(i64::to_string)
        .collect();
    if !outsiders.is_empty() {
        return Err(GridMembersError::NotInVillage(outsiders.join(", ")));
    }
    let mut moved = Vec::new();
    for person in &people {
        if person.grid_code.as_deref() != Some(grid.as_str()) {
            storage::set_grid(&mut tx, person.id, Some(grid.as_str()), now).await?;
            moved.push(serde_json::json!({"id": person.id, "grid_code": person.grid_code}));
        }
    }
    let assigned = moved.len() as u64;
    if assigned > 0 {
        let record = crate::audit::Record {
            actor_id: Some(actor_id),
            action: "grid.members",
            region: &village,
            target: grid.to_string(),
            before: Some(serde_json::Value::Array(moved)),
            after: Some(serde_json::json!({"grid_code": grid})),
        };
        crate::audit::record(&mut tx, record, now).await?;
    }
    tx.commit().await?;
    Ok(GridMembersAssigned {
        assigned,
        unchanged: people.len() as u64 - assigned,
    })
}
