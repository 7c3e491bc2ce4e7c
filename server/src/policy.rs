//! Who may do what, where (权限): the one place that answers "may this caller do X over region
//! Z". Handlers ask here and nowhere else; roles come from the database on every request
//! (see [`crate::auth::caller::Caller`]).
//!
//! A role is granted over a region and reaches everything inside it (region codes nest by
//! prefix: a township admin of 410783101 reaches its villages and their grids).

use jifen_shared::auth::{Role, RoleGrant};
use jifen_shared::regions::RegionCode;

/// Something a caller wants to do over a region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Import or edit villagers of a village (村民名册).
    ManagePeople,
    /// Create grids under a village (划分网格).
    ManageGrids,
    /// Read the audit log of a region.
    ReadAudit,
    /// Look people up in the registry (`GET /admin/people`): admins over their region, grid
    /// workers over their grid, proxy agents (代办员) over their village.
    ReadPeople,
    /// Award or deduct points to villagers (`POST /admin/awards`, 奖励与扣分).
    AwardPoints,
    /// Add rules to the catalogue of a county or village (`POST /admin/rules`).
    ManageRules,
    /// Review villagers' claims (审核积分申报): the grid worker of the claimant's grid, and the
    /// admins of their village, township and county. Whoever reviews may also see the claim's
    /// photos. Nobody reviews their own claim or one of their household: see
    /// [`may_review_claimant`].
    ReviewClaims,
    /// Open shops of the points supermarket in a village or township, stock them with goods,
    /// change stock and appoint their keepers (`POST /admin/shops…`, `/admin/goods…`).
    ManageShops,
    /// Serve at the counter (scan and hand over redemptions) of a shop in the region; the
    /// keeper must also be appointed to that very shop (`shop_keepers`): keeper authority is
    /// per shop.
    KeepShop,
    /// See the open service orders (五单) of the region and claim them (接单): volunteers of a
    /// village or township.
    ServeOrders,
    /// Oversee the region's service orders: dispatch an open order to a volunteer (派单), see
    /// every order, close the rectifications (整改) that 差评 open, read the ratings summary.
    ManageOrders,
    /// Read the officials' overview of the region (数据概览, `GET /admin/reports/overview`).
    ReadReports,
    /// Correct (更正) an approved claim or an award of the region (`POST /admin/corrections`):
    /// admins, and only over acts of someone they outrank there ([`may_correct`]).
    CorrectPoints,
    /// Pay a shop's month (结算, `POST /admin/shops/{id}/payments`): the township pays its
    /// shops (政府买单), so township and county admins over the shop's region.
    PayShops,
    /// Act for the region's villagers (代办, [`crate::proxy`]): proxy agents.
    ActForVillagers,
}

impl Action {
    /// The roles that may do this inside the region they were granted over.
    fn roles(self) -> &'static [Role] {
        match self {
            Action::ManagePeople
            | Action::ManageGrids
            | Action::ReadAudit
            | Action::AwardPoints
            | Action::ManageRules
            | Action::ManageShops
            | Action::ReadReports
            | Action::CorrectPoints => {
                &[Role::VillageAdmin, Role::TownshipAdmin, Role::CountyAdmin]
            }
            Action::PayShops => &[Role::TownshipAdmin, Role::CountyAdmin],
            Action::KeepShop => &[Role::Keeper],
            Action::ActForVillagers => &[Role::ProxyAgent],
            Action::ServeOrders => &[Role::Volunteer],
            Action::ManageOrders => &[Role::VillageAdmin, Role::TownshipAdmin, Role::CountyAdmin],
            Action::ReadPeople => &[
                Role::GridWorker,
                Role::ProxyAgent,
                Role::VillageAdmin,
                Role::TownshipAdmin,
                Role::CountyAdmin,
            ],
            Action::ReviewClaims => &[
                Role::GridWorker,
                Role::VillageAdmin,
                Role::TownshipAdmin,
                Role::CountyAdmin,
            ],
        }
    }
}

/// Whether a caller holding `grants` may do `action` over `region`.
pub fn may(grants: &[RoleGrant], action: Action, region: &RegionCode) -> bool {
    grants
        .iter()
        .any(|g| action.roles().contains(&g.role) && region.is_within(&g.region_code))
}

/// How high a role stands for [`outranks`]: county, township, village admin, then the roles
/// they appoint.
fn rank(role: Role) -> u8 {
    match role {
        Role::CountyAdmin => 3,
        Role::TownshipAdmin => 2,
        Role::VillageAdmin => 1,
        Role::GridWorker | Role::Keeper | Role::ProxyAgent | Role::Volunteer | Role::Villager => 0,
    }
}

/// Whether a caller holding `grants` stands above every one of `held` (another person's
/// roles): for each, a role of higher rank over a region containing its region. Decides who
/// resets whose password: a county admin resets a township admin of the county, never another
/// county admin (nobody could then undo it).
pub fn outranks(grants: &[RoleGrant], held: &[RoleGrant]) -> bool {
    held.iter().all(|h| {
        grants
            .iter()
            .any(|g| rank(g.role) > rank(h.role) && h.region_code.is_within(&g.region_code))
    })
}

/// Whether a caller holding `grants` may correct (更正) an act — a claim approved, an award
/// made — done over `region` (the claim's grid or village; the awarded villager's village) by
/// someone now holding `actor_grants`: the caller is an admin over `region`
/// ([`Action::CorrectPoints`]) of a higher rank than every role the actor holds over it (the
/// actor's roles whose region contains `region`; an actor who holds none there any more
/// counts as below a village admin). So a village admin corrects a grid worker's approval, a
/// township admin a village admin's approval or award, the county a township's; a county
/// admin's act has no superior here, and nobody corrects a peer's act. The caller correcting
/// their own act is refused apart (the caller is not the actor), as is a villager of their
/// household ([`may_review_claimant`]).
pub fn may_correct(grants: &[RoleGrant], actor_grants: &[RoleGrant], region: &RegionCode) -> bool {
    let standing = actor_grants
        .iter()
        .filter(|g| region.is_within(&g.region_code))
        .map(|g| rank(g.role))
        .max()
        .unwrap_or(0);
    grants.iter().any(|g| {
        Action::CorrectPoints.roles().contains(&g.role)
            && region.is_within(&g.region_code)
            && rank(g.role) > standing
    })
}

/// Whether a caller holding `grants` may grant `role` over `region`: one of them may
/// ([`RoleGrant::may_grant`], after the table [`Role::grantable`]).
pub fn may_grant(grants: &[RoleGrant], role: Role, region: &RegionCode) -> bool {
    grants.iter().any(|g| g.may_grant(role, region))
}

/// The regions the caller administers (village, township or county admin), in grant order.
pub fn admin_regions(grants: &[RoleGrant]) -> impl Iterator<Item = RegionCode> + '_ {
    grants
        .iter()
        .filter(|g| {
            matches!(
                g.role,
                Role::VillageAdmin | Role::TownshipAdmin | Role::CountyAdmin
            )
        })
        .map(|g| g.region_code.clone())
}

/// Whether the caller (`caller_id` holding `grants`) sees the full phone number of the person
/// `person_id` living in `village`, rather than `138****0001`: only the person themselves and
/// the staff of their village — its village admins and the grid workers of its grids. Township
/// and county staff see masked numbers (they can still find someone by the exact number).
pub fn sees_full_phone(
    caller_id: i64,
    grants: &[RoleGrant],
    person_id: i64,
    village: Option<&RegionCode>,
) -> bool {
    if caller_id == person_id {
        return true;
    }
    let Some(village) = village else { return false };
    grants.iter().any(|g| match g.role {
        Role::VillageAdmin => g.region_code == *village,
        Role::GridWorker => g.region_code.is_within(village),
        _ => false,
    })
}

/// Whether the caller may change the roles of a person who lives in `village` and holds
/// `roles`: an admin over the person's village; for a person of no village (a staff account),
/// someone who may grant every role the person holds. So nobody reaches into another
/// village's people, or a higher official's account, through a role grant.
pub fn may_manage_person(
    grants: &[RoleGrant],
    village: Option<&RegionCode>,
    roles: &[RoleGrant],
) -> bool {
    match village {
        Some(village) => may(grants, Action::ManagePeople, village),
        // A staff account with no role left: the grant itself is checked by `may_grant`.
        None => roles
            .iter()
            .all(|r| may_grant(grants, r.role, &r.region_code)),
    }
}

/// The regions where the caller may do `action` (look people up, review claims…), in grant
/// order.
pub fn regions_where(
    grants: &[RoleGrant],
    action: Action,
) -> impl Iterator<Item = RegionCode> + '_ {
    grants
        .iter()
        .filter(move |g| action.roles().contains(&g.role))
        .map(|g| g.region_code.clone())
}

/// Why a reviewer may not review a claim whatever their role (小微权力监督: no official
/// decides their own points or their family's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConflictOfInterest {
    /// The reviewer made the claim.
    OwnClaim,
    /// The claimant lives in the reviewer's household (same village and 户号).
    OwnHousehold,
}

/// A person as far as conflicts of interest go: who they are, and their village and household.
#[derive(Debug, Clone, Copy)]
pub struct Household<'a> {
    pub person_id: i64,
    pub village_code: Option<&'a str>,
    pub household: Option<&'a str>,
}

/// Whether `reviewer` may decide a claim of `claimant`: never their own, never one of their
/// household (the same non-empty 户号 in the same village). The role check is [`may`] with
/// [`Action::ReviewClaims`].
pub fn may_review_claimant(
    reviewer: Household<'_>,
    claimant: Household<'_>,
) -> Result<(), ConflictOfInterest> {
    if reviewer.person_id == claimant.person_id {
        return Err(ConflictOfInterest::OwnClaim);
    }
    let same_household = matches!(
        (reviewer.village_code, reviewer.household, claimant.village_code, claimant.household),
        (Some(v1), Some(h1), Some(v2), Some(h2)) if v1 == v2 && !h1.trim().is_empty() && h1 == h2
    );
    if same_household {
        return Err(ConflictOfInterest::OwnHousehold);
    }
    Ok(())
}

/// Whether a caller holding `grants` may do `action` anywhere at all (to refuse early).
pub fn may_somewhere(grants: &[RoleGrant], action: Action) -> bool {
    grants.iter().any(|g| action.roles().contains(&g.role))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(role: Role, code: &str) -> RoleGrant {
        RoleGrant {
            role,
            region_code: RegionCode::parse(code).unwrap(),
        }
    }

    #[test]
    fn admins_reach_inside_their_region_only() {
        let liucun = RegionCode::parse("410783101230").unwrap();
        let other_village = RegionCode::parse("410783102201").unwrap();
        let cases = [
            (grant(Role::VillageAdmin, "410783101230"), true, false),
            (grant(Role::TownshipAdmin, "410783101"), true, false),
            (grant(Role::CountyAdmin, "410783"), true, true),
            (grant(Role::VillageAdmin, "410783101229"), false, false),
            (grant(Role::GridWorker, "410783101230-001"), false, false),
            (grant(Role::Villager, "410783101230"), false, false),
            (grant(Role::Keeper, "410783101"), false, false),
        ];
        for (g, in_liucun, elsewhere) in cases {
            let grants = [g.clone()];
            assert_eq!(
                may(&grants, Action::ManagePeople, &liucun),
                in_liucun,
                "{g:?}"
            );
            assert_eq!(
                may(&grants, Action::ManagePeople, &other_village),
                elsewhere,
                "{g:?}"
            );
        }
        assert!(!may(&[], Action::ManagePeople, &liucun));
    }

    #[test]
    fn full_phones_for_oneself_and_the_staff_of_ones_village() {
        let liucun = RegionCode::parse("410783101230").unwrap();
        let cases = [
            (grant(Role::VillageAdmin, "410783101230"), true),
            (grant(Role::GridWorker, "410783101230-002"), true),
            (grant(Role::GridWorker, "410783101229-001"), false),
            (grant(Role::VillageAdmin, "410783101229"), false),
            (grant(Role::TownshipAdmin, "410783101"), false),
            (grant(Role::CountyAdmin, "410783"), false),
            (grant(Role::Villager, "410783101230"), false),
            (grant(Role::Keeper, "410783101230"), false),
        ];
        for (g, full) in cases {
            assert_eq!(
                sees_full_phone(1, std::slice::from_ref(&g), 2, Some(&liucun)),
                full,
                "{g:?}"
            );
        }
        assert!(sees_full_phone(2, &[], 2, Some(&liucun)));
        assert!(sees_full_phone(2, &[], 2, None));
        assert!(!sees_full_phone(
            1,
            &[grant(Role::CountyAdmin, "410783")],
            2,
            None
        ));
    }

    #[test]
    fn only_a_higher_role_over_the_region_outranks() {
        let county = [grant(Role::CountyAdmin, "410783")];
        let township = [grant(Role::TownshipAdmin, "410783101")];
        let village = [grant(Role::VillageAdmin, "410783101230")];
        assert!(outranks(&county, &township));
        assert!(!outranks(&county, &county), "never a peer");
        assert!(outranks(&township, &village));
        assert!(!outranks(
            &township,
            &[grant(Role::VillageAdmin, "410783102201")]
        ));
        let keeper_and_admin = [
            grant(Role::Keeper, "410783101230"),
            grant(Role::VillageAdmin, "410783101230"),
        ];
        assert!(
            !outranks(&village, &keeper_and_admin),
            "above every role held"
        );
        assert!(outranks(&township, &keeper_and_admin));
        assert!(outranks(
            &village,
            &[grant(Role::GridWorker, "410783101230-001")]
        ));
    }

    #[test]
    fn corrections_come_from_a_higher_admin_over_the_region() {
        let grid = RegionCode::parse("410783101230-001").unwrap();
        let liucun = RegionCode::parse("410783101230").unwrap();
        let worker = [grant(Role::GridWorker, "410783101230-001")];
        let village = [grant(Role::VillageAdmin, "410783101230")];
        let other_village = [grant(Role::VillageAdmin, "410783101229")];
        let township = [grant(Role::TownshipAdmin, "410783101")];
        let county = [grant(Role::CountyAdmin, "410783")];
        assert!(
            may_correct(&village, &worker, &grid),
            "a grid worker's approval"
        );
        assert!(
            !may_correct(&worker, &worker, &grid),
            "grid workers correct nothing"
        );
        assert!(!may_correct(&village, &village, &grid), "never a peer's");
        assert!(
            !may_correct(&other_village, &worker, &grid),
            "not outside the region"
        );
        assert!(may_correct(&township, &village, &liucun));
        assert!(may_correct(&county, &township, &liucun));
        assert!(!may_correct(&township, &township, &liucun));
        assert!(
            !may_correct(&county, &county, &liucun),
            "the county's act is final"
        );
        assert!(
            may_correct(&village, &[], &liucun),
            "an actor who left office"
        );
        let both = [
            grant(Role::GridWorker, "410783101230-001"),
            grant(Role::VillageAdmin, "410783101230"),
        ];
        assert!(
            !may_correct(&village, &both, &grid),
            "the actor's highest role counts"
        );
    }

    #[test]
    fn admins_grant_roles_below_their_own_inside_their_region() {
        let grid = RegionCode::parse("410783101230-001").unwrap();
        let liucun = RegionCode::parse("410783101230").unwrap();
        let township = RegionCode::parse("410783101").unwrap();
        let village_admin = [grant(Role::VillageAdmin, "410783101230")];
        assert!(may_grant(&village_admin, Role::GridWorker, &grid));
        assert!(may_grant(&village_admin, Role::Keeper, &liucun));
        assert!(!may_grant(&village_admin, Role::VillageAdmin, &liucun));
        assert!(!may_grant(&village_admin, Role::Keeper, &township));
        let township_admin = [grant(Role::TownshipAdmin, "410783101")];
        assert!(may_grant(&township_admin, Role::VillageAdmin, &liucun));
        assert!(!may_grant(&township_admin, Role::TownshipAdmin, &township));
        let county_admin = [grant(Role::CountyAdmin, "410783")];
        assert!(may_grant(&county_admin, Role::TownshipAdmin, &township));
        assert!(!may_grant(
            &[grant(Role::GridWorker, "410783101230-001")],
            Role::Villager,
            &liucun
        ));
    }
}
