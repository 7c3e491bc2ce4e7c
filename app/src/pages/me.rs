//! `/me` (我的): who is signed in — name, masked phone, village, grid, points —, their roles with the
//! place each is over (by name, not code), the current role to switch, the 审核 entry of a
//! reviewing role, 我的会员码 of a villager, the keeper's 扫码兑换 · 回收称重 · 今日汇总 ·
//! 本店商品, the 管理 entries of a staff role (导入村民名册, 网格管理, 人员, 服务订单,
//! 数据概览), 为村民代办 for a 代办员 (为家人代办 for one who is only a family delegate:
//! `/proxy`), the 长辈模式 switch (`crate::elder`), sign-out, and the bottom tab bar. While
//! acting for a villager (代办) it is the villager's 我的 — their name, points and village —
//! with 结束代办 in place of the roles, the member code and sign-out.

use jifen_shared::api::{GetMe, GetRegion};
use jifen_shared::auth::{Role, RoleGrant};
use jifen_shared::regions::{Region, RegionCode, RegionLevel};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::{ListSkeleton, TabBar, TopBar};
use crate::api;
use crate::components::chevron;
use crate::i18n::{Text, badge, role_name, tr, use_locale};
use crate::session::{Session, manages, reviews, use_session};

/// A place's name as a role shows it: the grid's village before a grid's name (网格 names like
/// 第一网格 repeat in every village).
fn place_name(region: &Region) -> String {
    match (region.level, region.ancestors.last()) {
        (RegionLevel::Grid, Some(village)) => format!("{} {}", village.name, region.name),
        _ => region.name.clone(),
    }
}

/// Place names by code (a person holds few roles: a list is enough).
pub(crate) type PlaceNames = Vec<(RegionCode, String)>;

/// The name of `code` among `names`.
pub(crate) fn name_of(names: &PlaceNames, code: &RegionCode) -> Option<String> {
    names
        .iter()
        .find(|(c, _)| c == code)
        .map(|(_, n)| n.clone())
}

/// The names of the places in the person's roles and of their village (`GET /regions/{code}`,
/// one code at a time). A place that does not load shows its code.
pub(crate) async fn place_names(mut codes: Vec<RegionCode>) -> PlaceNames {
    codes.sort();
    codes.dedup();
    let mut names = Vec::new();
    for code in codes {
        let region = GetRegion {
            code: code.to_string(),
        };
        if let Ok(region) = api::call(&region, &(), None).await {
            names.push((code, place_name(&region)));
        }
    }
    names
}

#[component]
pub fn MePage() -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let navigate = use_navigate();
    // Signed out (once the silent sign-in is done): to the login page — unless signing out
    // from here, which goes to the start.
    let leaving = RwSignal::new(false);
    let to_login = navigate.clone();
    Effect::new(move |_| {
        if session.checked.get() && session.me.get().is_none() && !leaving.get() {
            to_login("/login", Default::default());
        }
    });
    // Roles may have changed since sign-in (an admin appointed this person): ask again.
    Effect::new(move |_| {
        if session.checked.get() && session.access_token.get_untracked().is_some() {
            leptos::task::spawn_local(async move {
                let fresh = session.call(&GetMe, &()).await;
                if let Ok(me) = fresh
                    && session.me.get_untracked().as_ref() != Some(&me)
                {
                    session.set_me(me);
                }
            });
        }
    });
    let places = LocalResource::new(move || {
        let codes = session.me.with(|me| {
            me.iter()
                .flat_map(|m| {
                    m.village_code
                        .iter()
                        .chain(&m.grid_code)
                        .cloned()
                        .chain(m.roles.iter().map(|g| g.region_code.clone()))
                })
                .collect::<Vec<_>>()
        });
        place_names(codes)
    });
    let place = move |code: &RegionCode| places.get().and_then(|names| name_of(&names, code));
    let to_proxy = navigate.clone();
    let sign_out = move |_| {
        leaving.set(true);
        session.end();
        navigate("/", Default::default());
    };
    // Back from 修改密码 (`?changed=password`): say it worked.
    let changed = leptos_router::hooks::use_query_map()
        .with_untracked(|q| q.get("changed").is_some_and(|c| c == "password"));
    let acting = Memo::new(move |_| session.proxy.with(Option::is_some));
    let delegations = crate::proxy::use_delegations();
    // A 代办员 or a family delegate: the way to 代办.
    let proxy_entry = Memo::new(move |_| {
        !acting.get() && (session.holds(Role::ProxyAgent) || crate::proxy::has_family(delegations))
    });
    let end_proxy = move |_| {
        session.stop_proxy();
        to_proxy(crate::proxy::PATH, Default::default());
    };
    view! {
        <TopBar />
        <main class="content with-tabs">
            {changed.then(|| view! {
                <p class="form-notice" role="status">{tr(Text::PasswordChanged)}</p>
            })}
            {move || match session.me.get() {
                None => view! { <ListSkeleton /> }.into_any(),
                Some(me) => {
                    let village = me.village_code.clone();
                    let grid = me.grid_code.clone();
                    view! {
                        <section class="card me">
                            <h1 class="region-name">{me.name.clone()}</h1>
                            <p class="region-meta">{me.phone_masked.clone()}</p>
                            <p class="balance">
                                <span class="balance-number">{me.balance}</span>
                                <span class="balance-unit">{tr(Text::Points)}</span>
                            </p>
                            {move || village.as_ref().and_then(place).map(|name| view! {
                                <p class="me-line">
                                    <span class="field-label">{tr(Text::Village)}</span>
                                    <span>{name}</span>
                                </p>
                            })}
                            {move || grid.as_ref().and_then(place).map(|name| view! {
                                <p class="me-line">
                                    <span class="field-label">{move || badge(locale.get(), RegionLevel::Grid, "")}</span>
                                    <span>{name}</span>
                                </p>
                            })}
                        </section>
                        {(!acting.get_untracked()).then(|| view! {
                            <Roles roles=me.roles session places=Signal::derive(move || places.get()) />
                        })}
                    }
                        .into_any()
                }
            }}
            {move || session.current.get().filter(|g| g.role == Role::Villager && !acting.get()).map(|_| view! {
                <ul class="list member-entry">{entry("/me/member-code", Text::MemberCode)}</ul>
            })}
            {move || proxy_entry.get().then(|| {
                // Someone who is only a family delegate acts for their family (as 首页 says).
                let words = if session.holds(Role::ProxyAgent) { Text::ProxyEntry } else { Text::MyFamilyTitle };
                view! {
                    <h2 class="section-title">{tr(Text::ProxyTab)}</h2>
                    <ul class="list">{entry(crate::proxy::PATH, words)}</ul>
                }
            })}
            {move || session.current.get().filter(|g| reviews(g.role)).map(|_| view! { <WorkEntries /> })}
            {move || session.current.get().filter(|g| g.role == Role::Keeper).map(|_| view! { <KeeperEntries /> })}
            {move || session.current.get().filter(|g| manages(g.role)).map(|_| view! { <super::admin::AdminEntries /> })}
            {move || session.me.with(|me| me.as_ref().is_some_and(|me| me.roles.iter().any(|g| g.role != Role::Villager))).then(|| view! {
                <ul class="list">{entry(super::password::PATH, Text::ChangePassword)}</ul>
            })}
            <crate::elder::ElderSwitch />
            {move || if acting.get() {
                view! {
                    <button class="primary wide sign-out" type="button" data-testid="me-end-proxy" on:click=end_proxy.clone()>
                        {tr(Text::EndProxy)}
                    </button>
                }
                    .into_any()
            } else {
                view! {
                    <button class="secondary wide sign-out" type="button" on:click=sign_out.clone()>
                        {tr(Text::SignOut)}
                    </button>
                }
                    .into_any()
            }}
        </main>
        <TabBar />
    }
}

/// The person's roles, each with its place. With more than one, a choice (radio buttons) of
/// the current role.
#[component]
fn Roles(
    roles: Vec<RoleGrant>,
    session: Session,
    places: Signal<Option<PlaceNames>>,
) -> impl IntoView {
    let locale = use_locale();
    let switchable = roles.len() > 1;
    let rows = roles
        .into_iter()
        .map(|grant| {
            let role = grant.role;
            let code = grant.region_code.clone();
            let place = move || match places.get() {
                // Still loading: a grey bar the width of a name.
                None => view! { <span class="sk sk-place"></span> }.into_any(),
                Some(names) => view! {
                    <span class="role-place">
                        {name_of(&names, &code).unwrap_or_else(|| code.to_string())}
                    </span>
                }
                .into_any(),
            };
            let this = grant.clone();
            let is_current = move || session.current.get().as_ref() == Some(&this);
            if switchable {
                let chosen = grant.clone();
                let checked = is_current.clone();
                view! {
                    <li>
                        <button
                            class="row role-row"
                            type="button"
                            role="radio"
                            aria-checked=move || if checked() { "true" } else { "false" }
                            on:click=move |_| session.choose(chosen.clone())
                        >
                            <span class="role-text">
                                <span class="row-name">{move || role_name(locale.get(), role)}</span>
                                {place}
                            </span>
                            {move || is_current().then(|| view! {
                                <span class="badge">{tr(Text::CurrentRole)}</span>
                            })}
                            <span class="radio" aria-hidden="true"></span>
                        </button>
                    </li>
                }
                .into_any()
            } else {
                view! {
                    <li class="row role-row">
                        <span class="role-text">
                            <span class="row-name">{move || role_name(locale.get(), role)}</span>
                            {place}
                        </span>
                    </li>
                }
                .into_any()
            }
        })
        .collect_view();
    view! {
        <h2 class="section-title">{tr(Text::MyRoles)}</h2>
        {switchable.then(|| view! {
            <p class="hint" id="role-hint">{tr(Text::SwitchRoleHint)}</p>
        })}
        <ul
            class="list"
            role=switchable.then_some("radiogroup")
            aria-describedby=switchable.then_some("role-hint")
        >
            {rows}
        </ul>
    }
}

/// A row linking to one of the role's screens.
pub(super) fn entry(href: &'static str, text: Text) -> impl IntoView {
    view! {
        <li>
            <a class="row" href=href>
                <span class="row-name">{tr(text)}</span>
                {chevron()}
            </a>
        </li>
    }
}

/// The 工作 screens of a reviewing role (grid workers and admins): 审核.
#[component]
fn WorkEntries() -> impl IntoView {
    view! {
        <h2 class="section-title">{tr(Text::Work)}</h2>
        <ul class="list">{entry("/review", Text::ReviewClaims)}</ul>
    }
}

/// The 工作 screens of a points-supermarket keeper: 扫码兑换, 回收称重, 今日汇总, 本店商品, 结算单.
#[component]
fn KeeperEntries() -> impl IntoView {
    view! {
        <h2 class="section-title">{tr(Text::Work)}</h2>
        <ul class="list">
            {entry("/keeper", Text::ScanRedeem)}
            {entry("/keeper/recycling", Text::RecycleTitle)}
            {entry("/keeper/today", Text::TodayTitle)}
            {entry(super::recycling::GOODS_PATH, Text::KeptGoods)}
            {entry(super::settlements::KEEPER_PATH, Text::SettlementsTitle)}
        </ul>
    }
}
