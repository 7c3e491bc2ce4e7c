//! The region browser (县 → 乡镇 → 村 → 网格): the deployment's county at `/`, any region at
//! `/regions/{code}`, its children as large tappable rows, a name filter for long lists.

use jifen_shared::api::GetRegion;
use jifen_shared::regions::{Region, RegionCode, RegionLevel, RegionSummary};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::{Failure, ListSkeleton, TopBar};
use crate::api::{self, ApiFailure};
use crate::components::chevron;
use crate::i18n::{Text, badge, children_count, t, tr, use_locale};

/// Lists longer than this get a name filter.
const FILTER_FROM: usize = 8;

/// `/`: the deployment's home region (`GET /regions`).
#[component]
pub fn HomeRegion() -> impl IntoView {
    let region =
        LocalResource::new(|| async { api::call(&jifen_shared::api::HomeRegion, &(), None).await });
    view! { <RegionScreen region not_found=Text::NotLoaded /> }
}

/// `/regions/{code}`.
#[component]
pub fn RegionPage() -> impl IntoView {
    let params = use_params_map();
    let region = LocalResource::new(move || {
        let region = GetRegion {
            code: params.read().get("code").unwrap_or_default(),
        };
        async move { api::call(&region, &(), None).await }
    });
    view! { <RegionScreen region not_found=Text::RegionNotFound /> }
}

#[component]
fn RegionScreen(
    region: LocalResource<Result<Region, ApiFailure>>,
    not_found: Text,
) -> impl IntoView {
    let retry = Callback::new(move |_| region.refetch());
    view! {
        <TopBar />
        <main class="content">
            {move || match region.get() {
                None => view! { <ListSkeleton /> }.into_any(),
                Some(Ok(r)) => view! { <RegionDetail region=r /> }.into_any(),
                Some(Err(failure)) => view! { <Failure failure not_found retry /> }.into_any(),
            }}
        </main>
    }
}

#[component]
fn RegionDetail(region: Region) -> impl IntoView {
    let locale = use_locale();
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        document.set_title(&format!("{} · 积分", region.name));
    }
    let Region {
        name,
        level,
        ancestors,
        children,
        ..
    } = region;
    // Above the county, places are context, not somewhere a villager navigates.
    let (links, context): (Vec<_>, Vec<_>) = ancestors
        .into_iter()
        .partition(|a| a.level >= RegionLevel::County);
    let context = context
        .into_iter()
        .map(|a| a.name)
        .collect::<Vec<_>>()
        .join(" · ");
    let count = children.len();
    let kind = level.child().unwrap_or(RegionLevel::Grid);
    let region_name = name.clone();
    view! {
        <nav class="crumbs" aria-label="breadcrumb">
            {(!context.is_empty()).then(|| view! { <span class="crumb-context">{context}</span> })}
            {links
                .into_iter()
                .map(|a| {
                    view! {
                        <a class="crumb" href=format!("/regions/{}", a.code)>
                            {a.name}
                        </a>
                        <span class="crumb-sep" aria-hidden="true">"›"</span>
                    }
                })
                .collect_view()}
        </nav>
        <h1 class="region-name">{name}</h1>
        <p class="region-meta">
            <span class="badge">{move || badge(locale.get(), level, &region_name)}</span>
            {move || (count > 0).then(|| children_count(locale.get(), kind, count))}
        </p>
        {if count == 0 {
            let text = if level == RegionLevel::Village { Text::NoGrids } else { Text::NothingMatches };
            view! { <p class="empty">{tr(text)}</p> }.into_any()
        } else {
            view! { <PlaceList places=children href=|code| format!("/regions/{code}") /> }.into_any()
        }}
    }
}

/// The places of a region as rows linking to `href(code)`, under a name filter when there are
/// more than [`FILTER_FROM`]; 没有匹配的 when the filter leaves none.
#[component]
pub fn PlaceList(places: Vec<RegionSummary>, href: fn(&RegionCode) -> String) -> impl IntoView {
    let locale = use_locale();
    let query = RwSignal::new(String::new());
    let count = places.len();
    let places = StoredValue::new(places);
    let visible = move || {
        let q = query.get();
        let q = q.trim();
        places.with_value(|c| {
            c.iter()
                .filter(|r| q.is_empty() || r.name.contains(q))
                .cloned()
                .collect::<Vec<RegionSummary>>()
        })
    };
    view! {
        {(count > FILTER_FROM).then(|| view! {
            <input
                class="search"
                type="search"
                enterkeyhint="search"
                prop:placeholder=move || t(locale.get(), Text::Search)
                aria-label=move || t(locale.get(), Text::Search)
                on:input=move |ev| query.set(event_target_value(&ev))
                prop:value=move || query.get()
            />
        })}
        {move || {
            let items = visible();
            if items.is_empty() {
                view! { <p class="empty">{tr(Text::NothingMatches)}</p> }.into_any()
            } else {
                view! {
                    <ul class="list">
                        {items
                            .into_iter()
                            .map(|child| {
                                let href = href(&child.code);
                                view! { <RegionRow child href /> }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }
        }}
    }
}

/// A place in a list: its name, its kind (村, 镇, 网格…) and a chevron, linking to `href`.
#[component]
pub fn RegionRow(child: RegionSummary, href: String) -> impl IntoView {
    let locale = use_locale();
    let RegionSummary { name, level, .. } = child;
    let label = name.clone();
    view! {
        <li>
            <a class="row" href=href>
                <span class="row-name">{name}</span>
                <span class="badge">{move || badge(locale.get(), level, &label)}</span>
                {chevron()}
            </a>
        </li>
    }
}
