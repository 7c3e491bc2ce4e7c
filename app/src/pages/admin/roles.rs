//! A person's roles on their page (`/admin/people/:id`): each role with its place as a chip,
//! 撤销 on those the current role may take away (`DELETE /admin/users/{id}/roles/{role}/{region}`,
//! asked once more), and 授予角色: a role the current role may grant
//! ([`Role::grantable`], the policy's own table), a place picked by walking the region tree
//! down from the current role's region (`GET /regions/{code}`: township → village → grid) to a
//! level the role is held over ([`Role::levels`]), then asked once more
//! (`POST /admin/users/{id}/roles`).
//!
//! A keeper (积分超市管理员) keeps one shop: the role alone serves no counter. So for a keeper
//! the picker goes down to a village and then offers the shops serving it (`GET /shops`, those
//! inside the current role's region), and the appointment is `POST /admin/shops/{id}/keepers`
//! — the keeper role over the shop's place and the shop itself, in one step.
//!
//! The server decides every request again against all of the caller's roles; its refusals
//! are said in words, with its own reason below.

use jifen_shared::ErrorCode;
use jifen_shared::api::{AddKeeper, GetPerson, GetRegion, GrantRole, ListShops, RevokeRole};
use jifen_shared::auth::{PersonRoles, Role, RoleGrant};
use jifen_shared::people::PersonListing;
use jifen_shared::regions::{RegionCode, RegionLevel};
use jifen_shared::shop::{NewKeeper, Shop, ShopsQuery};
use leptos::prelude::*;

use crate::api::ApiFailure;
use crate::components::{Confirm, mutate};
use crate::i18n::{Text, grant_question, revoke_question, role_name, t, tr, use_locale};
use crate::pages::me::{PlaceNames, name_of, place_names};
use crate::pages::{Trouble, explain};
use crate::session::use_session;

/// The roles `current` may grant from the PWA: its table without the villager role (the
/// register gives that one).
pub fn offered(current: &RoleGrant) -> Vec<Role> {
    current
        .role
        .grantable()
        .iter()
        .copied()
        .filter(|r| *r != Role::Villager)
        .collect()
}

/// Whether `current` may take `held` away (as the server decides it for this one grant).
pub fn revocable(current: &RoleGrant, held: &RoleGrant) -> bool {
    held.role != Role::Villager && current.may_grant(held.role, &held.region_code)
}

/// The deepest level `role` is held over: where the picker stops going down.
fn deepest(role: Role) -> RegionLevel {
    role.levels()
        .iter()
        .copied()
        .max()
        .unwrap_or(RegionLevel::Village)
}

/// Whether `role` is granted here over a place of `level`: a level the role is held over,
/// and a village for a keeper (whose shops are listed by village).
fn fits(role: Role, level: RegionLevel) -> bool {
    match role {
        Role::Keeper => level == RegionLevel::Village,
        _ => role.levels().contains(&level),
    }
}

/// Where the picker starts for `role`: the places between `home` (the current role's
/// region) and the person's village, when the village lies inside `home` — so a village admin
/// appointing a villager of their village has nothing to pick.
pub fn start_path(home: &RegionCode, village: Option<&RegionCode>, role: Role) -> Vec<RegionCode> {
    let Some(village) = village.filter(|v| v.is_within(home)) else {
        return Vec::new();
    };
    let stop = deepest(role).min(RegionLevel::Village);
    let mut path = Vec::new();
    let mut code = village.clone();
    while code != *home {
        if code.level() <= stop {
            path.push(code.clone());
        }
        match code.parent() {
            Some(p) => code = p,
            None => return Vec::new(),
        }
    }
    path.reverse();
    path
}

/// A refusal in words, and the server's reason.
fn refusal(failure: &ApiFailure, forbidden: Text) -> (Text, Option<String>) {
    match failure {
        ApiFailure::Server(body) => {
            let text = match body.code {
                ErrorCode::Forbidden => forbidden,
                ErrorCode::InvalidInput if body.message.contains("villager") => {
                    Text::VillagerByRegistry
                }
                ErrorCode::InvalidInput => Text::RoleGrantInvalid,
                ErrorCode::NotFound => Text::PersonNotFound,
                _ => explain(failure),
            };
            (text, Some(body.message.clone()))
        }
        _ => (explain(failure), None),
    }
}

/// 身份: the person's roles, 撤销 and 授予角色.
#[component]
pub fn RolesSection(person: PersonListing) -> impl IntoView {
    let session = use_session();
    let roles = RwSignal::new(person.roles.clone());
    let names = RwSignal::new(PlaceNames::new());
    // The names of the places of the roles held, fetched as roles come.
    Effect::new(move |_| {
        let missing: Vec<RegionCode> = roles.with(|r| {
            r.iter()
                .map(|g| g.region_code.clone())
                .filter(|c| names.with_untracked(|n| name_of(n, c).is_none()))
                .collect()
        });
        if !missing.is_empty() {
            leptos::task::spawn_local(async move {
                let more = place_names(missing).await;
                names.try_update(|n| n.extend(more));
            });
        }
    });
    let current = Memo::new(move |_| session.current.get());
    let village = person
        .village_code
        .as_deref()
        .and_then(|c| RegionCode::parse(c).ok());
    let id = person.id;
    let name = StoredValue::new(person.name);
    let changed = Callback::new(move |r: PersonRoles| roles.set(r.roles));
    view! {
        <h2 class="section-title">{tr(Text::PersonRoles)}</h2>
        {move || {
            if roles.with(Vec::is_empty) {
                return view! { <p class="empty">{tr(Text::NoRoles)}</p> }.into_any();
            }
            view! {
                <ul class="list roles" data-testid="roles">
                    <For
                        each=move || roles.get()
                        key=|g| g.clone()
                        children=move |held| view! {
                            <RoleChip id name=name.get_value() held current names changed />
                        }
                    />
                </ul>
            }
                .into_any()
        }}
        {move || current.get().filter(|c| !offered(c).is_empty()).map(|current| {
            let village = village.clone();
            view! { <GrantForm id name=name.get_value() current village names changed /> }
        })}
    }
}

/// The name of `code` among `names`, else the code.
fn place_of(names: RwSignal<PlaceNames>, code: &RegionCode) -> String {
    names
        .with(|n| name_of(n, code))
        .unwrap_or_else(|| code.to_string())
}

/// One role held: its name, its place, and 撤销 where the current role may.
#[component]
fn RoleChip(
    id: i64,
    name: String,
    held: RoleGrant,
    current: Memo<Option<RoleGrant>>,
    names: RwSignal<PlaceNames>,
    changed: Callback<PersonRoles>,
) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let confirming = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let trouble = RwSignal::new(None::<ApiFailure>);
    let held = StoredValue::new(held);
    let may = move || current.with(|c| c.as_ref().is_some_and(|c| revocable(c, &held.get_value())));
    let role = held.get_value().role;
    let code = held.get_value().region_code;
    let place = move || place_of(names, &code);
    let revoke = move || {
        trouble.set(None);
        let grant = held.get_value();
        let call = async move {
            let revoke = RevokeRole {
                id,
                role: grant.role.to_string(),
                region_code: grant.region_code.to_string(),
            };
            session.call(&revoke, &()).await
        };
        mutate(busy, call, move |answer| match answer {
            Ok(roles) => changed.run(roles),
            Err(failure) => {
                trouble.try_set(Some(failure));
            }
        });
    };
    let testid = format!("role-{}-{}", role.as_str(), held.get_value().region_code);
    view! {
        <li class="role-held" data-testid=testid>
            <div class="row">
                <span class="row-name">
                    <span class="badge" class:worker=role != Role::Villager>{move || role_name(locale.get(), role)}</span>
                </span>
                <span class="role-place">{place.clone()}</span>
                {move || (may() && !confirming.get()).then(|| view! {
                    <button class="secondary small" type="button" data-testid="revoke" on:click=move |_| confirming.set(true)>
                        {tr(Text::RoleRevoke)}
                    </button>
                })}
            </div>
            {move || confirming.get().then(|| {
                let question = revoke_question(locale.get(), &name, role, &place());
                view! {
                    <Confirm yes=Text::RoleRevokeYes yes_busy=Text::RoleRevoking no=Text::Cancel busy small=true testid="revoke-yes"
                        on_yes=revoke on_no=move || {
                            trouble.set(None);
                            confirming.set(false);
                        }>
                        {question}
                    </Confirm>
                }
            })}
            {move || trouble.get().map(|failure| {
                let (text, detail) = refusal(&failure, Text::RevokeForbidden);
                view! { <Trouble failure text detail retry=Callback::new(move |_| revoke()) /> }
            })}
        </li>
    }
}

/// 授予角色: role, place (and shop, for a keeper), asked once more.
#[component]
fn GrantForm(
    id: i64,
    name: String,
    current: RoleGrant,
    village: Option<RegionCode>,
    names: RwSignal<PlaceNames>,
    changed: Callback<PersonRoles>,
) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let home = current.region_code.clone();
    let roles = offered(&current);
    let role = RwSignal::new(None::<Role>);
    // The places picked below `home`, top down.
    let path = RwSignal::new(Vec::<RegionCode>::new());
    let shop = RwSignal::new(None::<Shop>);
    let confirming = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let trouble = RwSignal::new(None::<ApiFailure>);
    let done = RwSignal::new(None::<String>);
    let home = StoredValue::new(home);
    let current = StoredValue::new(current);
    let name = StoredValue::new(name);

    let place = Memo::new(move |_| {
        path.with(|p| p.last().cloned())
            .unwrap_or_else(|| home.get_value())
    });
    // The name of the current role's own region, where the picker starts.
    leptos::task::spawn_local(async move {
        let more = place_names(vec![home.get_value()]).await;
        names.try_update(|n| n.extend(more));
    });
    let place_fits = move || role.get().is_some_and(|r| fits(r, place.get().level()));
    let ready =
        move || place_fits() && (role.get() != Some(Role::Keeper) || shop.with(Option::is_some));

    let pick_role = move |picked: Option<Role>| {
        role.set(picked);
        shop.set(None);
        confirming.set(false);
        trouble.set(None);
        done.set(None);
        path.set(picked.map_or_else(Vec::new, |r| {
            start_path(&home.get_value(), village.as_ref(), r)
        }));
    };

    let grant = move || {
        let Some(r) = role.get_untracked() else {
            return;
        };
        trouble.set(None);
        let grant = RoleGrant {
            role: r,
            region_code: place.get_untracked(),
        };
        let keep = shop.get_untracked();
        let call = async move {
            match keep {
                Some(shop) if r == Role::Keeper => {
                    let body = NewKeeper { user_id: id };
                    session.call(&AddKeeper { id: shop.id }, &body).await?;
                    let person = session.call(&GetPerson { id }, &()).await?;
                    Ok::<_, ApiFailure>(PersonRoles {
                        id,
                        roles: person.roles,
                    })
                }
                _ => session.call(&GrantRole { id }, &grant).await,
            }
        };
        mutate(
            busy,
            call,
            move |answer: Result<PersonRoles, ApiFailure>| match answer {
                Ok(roles) => {
                    changed.run(roles);
                    confirming.try_set(false);
                    done.try_set(Some(role_name(locale.get_untracked(), r).to_owned()));
                    role.try_set(None);
                    shop.try_set(None);
                    path.try_set(Vec::new());
                }
                Err(failure) => {
                    trouble.try_set(Some(failure));
                }
            },
        );
    };

    view! {
        <section class="card grant" data-testid="grant-role">
            <h2 class="card-title">{tr(Text::RoleGrantTitle)}</h2>
            <p class="hint">{tr(Text::RoleGrantHint)}</p>
            <label class="field">
                <span class="field-label">{tr(Text::RolePick)}</span>
                <select class="input" data-testid="grant-role-pick" on:change=move |ev| {
                    pick_role(Role::parse(&event_target_value(&ev)));
                }>
                    <option value="" selected=move || role.get().is_none()>{tr(Text::PlacePickOne)}</option>
                    {roles.into_iter().map(|r| view! {
                        <option value=r.as_str() selected=move || role.get() == Some(r)>{move || role_name(locale.get(), r)}</option>
                    }).collect_view()}
                </select>
            </label>
            {move || role.get().map(|r| view! {
                <div class="field place-picker">
                    <span class="field-label">{tr(Text::PlacePick)}</span>
                    <p class="place-chosen" data-testid="place-chosen">{move || place_of(names, &place.get())}</p>
                    <PlacePicker role=r home=home.get_value() path names />
                </div>
            })}
            {move || (role.get() == Some(Role::Keeper) && place_fits()).then(|| view! {
                <ShopPicker village=place.get() current=current.get_value() shop />
            })}
            {move || done.get().map(|r| view! {
                <p class="form-notice" role="status">{format!("✓ {r}")}</p>
            })}
            {move || trouble.get().map(|failure| {
                let (text, detail) = refusal(&failure, Text::RoleGrantForbidden);
                view! { <Trouble failure text detail retry=Callback::new(move |_| grant()) /> }
            })}
            {move || if confirming.get() {
                let r = role.get().unwrap_or(Role::Volunteer);
                let at = shop.get().map_or_else(|| place_of(names, &place.get()), |s| s.name);
                let question = grant_question(locale.get(), &name.get_value(), r, &at);
                view! {
                    <Confirm yes=Text::RoleGrantYes yes_busy=Text::RoleGranting no=Text::Cancel busy testid="grant-yes"
                        on_yes=grant on_no=move || confirming.set(false)>
                        {question}
                    </Confirm>
                }
                    .into_any()
            } else {
                view! {
                    <button class="primary wide" type="button" data-testid="grant" disabled=move || !ready()
                        on:click=move |_| {
                            trouble.set(None);
                            confirming.set(true);
                        }>
                        {move || t(locale.get(), Text::RoleGrantTitle)}
                    </button>
                }
                    .into_any()
            }}
        </section>
    }
}

/// The place: one list per level from `home` down, each of the children of the place above
/// (`GET /regions/{code}`), as far as the role's deepest level.
#[component]
pub(super) fn PlacePicker(
    role: Role,
    home: RegionCode,
    path: RwSignal<Vec<RegionCode>>,
    names: RwSignal<PlaceNames>,
) -> impl IntoView {
    let stop = deepest(role);
    // The places whose children are listed: `home`, then each picked place above `stop`.
    let parents = move || {
        let mut all = vec![home.clone()];
        all.extend(path.get());
        all.into_iter()
            .enumerate()
            .filter(|(_, c)| c.level() < stop)
            .collect::<Vec<_>>()
    };
    view! {
        <For
            each=parents
            key=|(i, c)| (*i, c.clone())
            children=move |(depth, parent)| view! { <Level role depth parent path names /> }
        />
    }
}

/// One level of the picker: the children of `parent`; choosing one keeps the places above it
/// (`depth` of them) and drops the ones below.
#[component]
fn Level(
    role: Role,
    depth: usize,
    parent: RegionCode,
    path: RwSignal<Vec<RegionCode>>,
    names: RwSignal<PlaceNames>,
) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let code = parent.to_string();
    let region = LocalResource::new(move || {
        let code = code.clone();
        async move { session.call(&GetRegion { code }, &()).await }
    });
    // The children's names, for the question and the chips.
    Effect::new(move |_| {
        if let Some(Ok(r)) = region.get() {
            names.update(|n| {
                n.push((r.code.clone(), r.name.clone()));
                n.extend(r.children.iter().map(|c| (c.code.clone(), c.name.clone())));
            });
        }
    });
    // Leaving this list unpicked keeps `parent` itself: said so where the role may be held
    // there, else the list asks for a choice.
    let whole = fits(role, parent.level()).then_some(Text::PlaceWhole);
    let chosen = move || path.with(|p| p.get(depth).map(|c| c.to_string()));
    let testid = format!("place-{}", depth);
    view! {
        {move || match region.get() {
            None => view! { <span class="sk sk-place"></span> }.into_any(),
            Some(Err(failure)) => {
                let text = explain(&failure);
                view! { <Trouble failure text retry=Callback::new(move |_| region.refetch()) /> }.into_any()
            }
            Some(Ok(r)) => {
                let children = r.children.clone();
                view! {
                    <select class="input" data-testid=testid.clone() on:change=move |ev| {
                        let picked = RegionCode::parse(&event_target_value(&ev)).ok();
                        path.update(|p| {
                            p.truncate(depth);
                            p.extend(picked);
                        });
                    }>
                        <option value="" selected=move || chosen().is_none()>
                            {move || match whole {
                                Some(whole) => format!("{}{}", r.name, t(locale.get(), whole)),
                                None => t(locale.get(), Text::PlacePickOne).to_owned(),
                            }}
                        </option>
                        {children.into_iter().map(|c| {
                            let value = c.code.to_string();
                            let mine = value.clone();
                            view! {
                                <option value=value selected=move || chosen().as_deref() == Some(mine.as_str())>{c.name}</option>
                            }
                        }).collect_view()}
                    </select>
                }
                    .into_any()
            }
        }}
    }
}

/// The shops serving `village` that the current role may appoint keepers of.
#[component]
fn ShopPicker(
    village: RegionCode,
    current: RoleGrant,
    shop: RwSignal<Option<Shop>>,
) -> impl IntoView {
    let session = use_session();
    let code = village.to_string();
    let shops = LocalResource::new(move || {
        let query = ListShops {
            query: ShopsQuery {
                village_code: code.clone(),
            },
        };
        async move { session.call(&query, &()).await }
    });
    let mine = move |s: &Shop| {
        RegionCode::parse(&s.village_code).is_ok_and(|c| current.may_grant(Role::Keeper, &c))
    };
    view! {
        {move || match shops.get() {
            None => view! { <span class="sk sk-place"></span> }.into_any(),
            Some(Err(failure)) => {
                let text = explain(&failure);
                view! { <Trouble failure text retry=Callback::new(move |_| shops.refetch()) /> }.into_any()
            }
            Some(Ok(all)) => {
                let shops_offered: Vec<Shop> = all.into_iter().filter(|s| mine(s)).collect();
                if shops_offered.is_empty() {
                    return view! { <p class="form-notice error" role="alert">{tr(Text::NoShopHere)}</p> }.into_any();
                }
                let list = StoredValue::new(shops_offered.clone());
                view! {
                    <label class="field">
                        <span class="field-label">{tr(Text::ShopPick)}</span>
                        <select class="input" data-testid="grant-shop" on:change=move |ev| {
                            let id = event_target_value(&ev).parse::<i64>().ok();
                            shop.set(id.and_then(|id| list.with_value(|l| l.iter().find(|s| s.id == id).cloned())));
                        }>
                            <option value="" selected=move || shop.with(Option::is_none)>{tr(Text::PlacePickOne)}</option>
                            {shops_offered.into_iter().map(|s| {
                                let id = s.id;
                                view! {
                                    <option value=id.to_string() selected=move || shop.with(|x| x.as_ref().map(|x| x.id)) == Some(id)>{s.name}</option>
                                }
                            }).collect_view()}
                        </select>
                    </label>
                }
                    .into_any()
            }
        }}
    }
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
    fn the_picker_offers_what_the_policy_lets_grant() {
        assert_eq!(
            offered(&grant(Role::VillageAdmin, "410783101230")),
            [
                Role::Volunteer,
                Role::Keeper,
                Role::ProxyAgent,
                Role::GridWorker
            ]
        );
        assert_eq!(
            offered(&grant(Role::TownshipAdmin, "410783101")),
            [
                Role::Volunteer,
                Role::Keeper,
                Role::ProxyAgent,
                Role::GridWorker,
                Role::VillageAdmin
            ]
        );
        assert_eq!(offered(&grant(Role::CountyAdmin, "410783")).len(), 7);
        // A 代办员 is appointed over a village, picked like a volunteer's.
        assert!(fits(Role::ProxyAgent, RegionLevel::Village));
        assert!(!fits(Role::ProxyAgent, RegionLevel::Grid));
        assert!(offered(&grant(Role::GridWorker, "410783101230-001")).is_empty());
    }

    #[test]
    fn only_roles_below_inside_the_region_are_revocable() {
        let village_admin = grant(Role::VillageAdmin, "410783101230");
        assert!(revocable(
            &village_admin,
            &grant(Role::Volunteer, "410783101230")
        ));
        assert!(revocable(
            &village_admin,
            &grant(Role::GridWorker, "410783101230-001")
        ));
        assert!(!revocable(
            &village_admin,
            &grant(Role::Volunteer, "410783101229")
        ));
        assert!(!revocable(
            &village_admin,
            &grant(Role::VillageAdmin, "410783101230")
        ));
        assert!(!revocable(
            &village_admin,
            &grant(Role::Villager, "410783101230")
        ));
        let county = grant(Role::CountyAdmin, "410783");
        assert!(revocable(&county, &grant(Role::TownshipAdmin, "410783101")));
        assert!(!revocable(&county, &grant(Role::Villager, "410783101230")));
    }

    #[test]
    fn the_picker_starts_at_the_persons_village() {
        let county = RegionCode::parse("410783").unwrap();
        let township = RegionCode::parse("410783101").unwrap();
        let village = RegionCode::parse("410783101230").unwrap();
        assert!(start_path(&village, Some(&village), Role::Volunteer).is_empty());
        assert_eq!(
            start_path(&county, Some(&village), Role::GridWorker),
            [township.clone(), village.clone()]
        );
        assert_eq!(
            start_path(&county, Some(&village), Role::TownshipAdmin),
            std::slice::from_ref(&township)
        );
        assert!(start_path(&county, Some(&village), Role::CountyAdmin).is_empty());
        let elsewhere = RegionCode::parse("410783102201").unwrap();
        assert!(start_path(&township, Some(&elsewhere), Role::Volunteer).is_empty());
        assert!(start_path(&township, None, Role::Volunteer).is_empty());
    }
}
