//! `/admin/grids` (网格管理): the grids (网格) of a village, and a new one by name
//! (`POST /admin/grids`). A village admin lands on their village; a township or county admin
//! first picks the village by walking down the region tree from their own region
//! (`/admin/grids?region={code}`, so the back button and a reload work). Codes outside the
//! admin's region fall back to it (the server refuses them anyway).
//!
//! A grid of the list opens its own screen (`/admin/grids?region={grid code}`, see
//! [`super::grid`]): its people, adding villagers to it, appointing its grid workers.

use jifen_shared::ErrorCode;
use jifen_shared::api::{CreateGridIn, GetRegion};
use jifen_shared::auth::RoleGrant;
use jifen_shared::regions::{CreateGrid, Region, RegionCode, RegionLevel, RegionSummary};
use leptos::prelude::*;

use super::grid::GridPeople;
use super::{AdminFrame, region_in_query};
use crate::api;
use crate::components::{TextField, chevron, mutate};
use crate::i18n::{Text, badge, children_count, grid_created, t, tr, use_locale};
use crate::pages::regions::PlaceList;
use crate::pages::{Failure, ListSkeleton, explain};
use crate::session::use_session;

#[component]
pub fn GridsPage() -> impl IntoView {
    view! { <AdminFrame screen=|grant| view! { <GridsScreen grant /> } /> }
}

/// `/admin/grids?region=…` for this admin: the place, then its villages or its grids.
#[component]
fn GridsScreen(grant: RoleGrant) -> impl IntoView {
    let home = grant.region_code;
    let code = region_in_query(home.clone());
    let region = LocalResource::new(move || {
        let region = GetRegion {
            code: code.get().to_string(),
        };
        async move { api::call(&region, &(), None).await }
    });
    let retry = Callback::new(move |_| region.refetch());
    move || {
        let home = home.clone();
        match region.get() {
            None => view! { <ListSkeleton /> }.into_any(),
            Some(Ok(r)) if r.level == RegionLevel::Village => {
                view! { <VillageGrids region=r home /> }.into_any()
            }
            Some(Ok(r)) if r.level == RegionLevel::Grid => {
                view! { <GridPeople region=r home /> }.into_any()
            }
            Some(Ok(r)) => view! { <PlacePicker region=r home /> }.into_any(),
            Some(Err(failure)) => {
                view! { <Failure failure not_found=Text::RegionNotFound retry /> }.into_any()
            }
        }
    }
}

/// A link one level up, while still inside the admin's region.
pub(super) fn up_link(region: &Region, home: &RegionCode) -> Option<impl IntoView + use<>> {
    if &region.code == home {
        return None;
    }
    let parent = region.ancestors.last()?.clone();
    Some(view! {
        <nav class="crumbs">
            <a class="crumb" href=format!("/admin/grids?region={}", parent.code)>
                "‹ "{parent.name}
            </a>
        </nav>
    })
}

/// A township or county: pick the village (through the townships of a county).
#[component]
fn PlacePicker(region: Region, home: RegionCode) -> impl IntoView {
    let locale = use_locale();
    let up = up_link(&region, &home);
    let Region {
        name,
        level,
        children,
        ..
    } = region;
    let kind = level.child().unwrap_or(RegionLevel::Village);
    let prompt = if kind == RegionLevel::Township {
        Text::ChooseTownship
    } else {
        Text::ChooseVillage
    };
    let count = children.len();
    let label = name.clone();
    view! {
        {up}
        <h1 class="region-name">{name}</h1>
        <p class="region-meta">
            <span class="badge">{move || badge(locale.get(), level, &label)}</span>
            {move || children_count(locale.get(), kind, count)}
        </p>
        <h2 class="section-title">{tr(prompt)}</h2>
        <PlaceList places=children href=|code| format!("/admin/grids?region={code}") />
    }
}

/// A village: its grids (with their codes, which the villager CSV's `grid_code` uses), each
/// opening its people and grid workers, and a new one by name.
#[component]
fn VillageGrids(region: Region, home: RegionCode) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let up = up_link(&region, &home);
    let Region {
        code: village,
        name: village_name,
        children,
        ..
    } = region;
    let grids = RwSignal::new(children);
    let name = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    // Ok(grid name): created; Err(text): why not.
    let notice = RwSignal::new(None::<Result<String, Text>>);

    let code = village.clone();
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let wanted = name.get_untracked().trim().to_owned();
        if wanted.is_empty() {
            notice.set(Some(Err(Text::GridNameEmpty)));
            return;
        }
        notice.set(None);
        let body = CreateGrid {
            village_code: code.clone(),
            name: wanted.clone(),
        };
        let call = async move {
            let result = session.call(&CreateGridIn, &body).await;
            if let Err(failure) = &result {
                notice.try_set(Some(Err(match failure.code() {
                    Some(ErrorCode::AlreadyExists) => Text::GridNameTaken,
                    Some(ErrorCode::InvalidInput) => Text::GridNameInvalid,
                    _ => explain(failure),
                })));
                // The grid may exist after all (the answer was lost on the way back): show
                // the list as the server has it (still busy meanwhile).
                let village = GetRegion {
                    code: body.village_code.to_string(),
                };
                if let Ok(fresh) = api::call(&village, &(), None).await {
                    grids.try_set(fresh.children);
                }
            }
            result
        };
        mutate(busy, call, move |result| {
            if let Ok(created) = result {
                grids.update(|g| {
                    g.push(RegionSummary {
                        code: created.code,
                        name: wanted.clone(),
                        level: RegionLevel::Grid,
                    });
                    g.sort_by(|a, b| a.code.cmp(&b.code));
                });
                name.set(String::new());
                notice.set(Some(Ok(wanted)));
            }
        });
    };

    let label = village_name.clone();
    view! {
        {up}
        <h1 class="region-name">{village_name}</h1>
        <p class="region-meta">
            <span class="badge">{move || badge(locale.get(), RegionLevel::Village, &label)}</span>
            {move || {
                let n = grids.with(Vec::len);
                (n > 0).then(|| children_count(locale.get(), RegionLevel::Grid, n))
            }}
        </p>
        <h2 class="section-title">{tr(Text::VillageGrids)}</h2>
        {move || {
            let items = grids.get();
            if items.is_empty() {
                view! { <p class="empty">{tr(Text::NoGrids)}</p> }.into_any()
            } else {
                view! {
                    <ul class="list grids">
                        {items.into_iter().map(|grid| view! {
                            <li>
                                <a class="row" href=format!("/admin/grids?region={}", grid.code)>
                                    <span class="row-name">{grid.name}</span>
                                    <span class="row-code">{grid.code.to_string()}</span>
                                    {chevron()}
                                </a>
                            </li>
                        }).collect_view()}
                    </ul>
                }
                    .into_any()
            }
        }}
        <form class="form card new-grid" on:submit=create>
            <TextField label=Text::GridName value=name placeholder=Text::GridNamePlaceholder name="grid-name" max=20 />
            {move || notice.get().map(|result| match result {
                Ok(created) => view! {
                    <p class="form-notice" role="status">{move || grid_created(locale.get(), &created)}</p>
                }
                    .into_any(),
                Err(text) => view! {
                    <p class="form-notice error" role="alert">{tr(text)}</p>
                }
                    .into_any(),
            })}
            <button class="primary wide" type="submit" disabled=move || busy.get()>
                {move || t(locale.get(), if busy.get() { Text::Creating } else { Text::NewGrid })}
            </button>
        </form>
        <section class="card appoint-help">
            <h2 class="card-title">{tr(Text::AppointTitle)}</h2>
            <p class="hint">{tr(Text::GridsHint)}</p>
        </section>
    }
}
