//! `/` (首页). Who opens the app decides what it shows:
//! - a villager: their points as the biggest thing on screen, the few things they come to do
//!   (挣积分, 积分超市, 积分明细, 我的兑换, 我的申报, 村积分榜) as big tiles, and the bottom tab
//!   bar; in 长辈模式 the balance has a 朗读 button and the tiles go one to a row
//!   (`crate::elder`);
//! - a grid worker or village admin: their first tab, the review queue (`/review`);
//! - a township or county admin: their first tab, 数据概览 (`/admin/overview`);
//! - a points-supermarket keeper: their first tab, the counter (`/keeper`);
//! - a 代办员: their first tab, 代办 (`/proxy`); while they (or a family delegate) act for a
//!   villager, the villager's 首页 as the villager sees it (without 我的会员码, which is the
//!   villager's own phone's); a family delegate's own 首页 has the way to 为家人代办;
//! - anyone signed out (or of a role without screens yet): the region browser, which also
//!   stays at `/regions` for everybody.

use jifen_shared::api::GetBalance;
use jifen_shared::auth::Role;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;

use super::regions::HomeRegion;
use super::{ListSkeleton, TabbedScreen, TopBar};
use crate::components::{chevron, load_trouble};
use crate::elder::ReadAloud;
use crate::i18n::{Text, hello, pending_points, spoken_balance, tr, use_locale};
use crate::session::{reviews, use_session};

/// What `/` shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Start {
    /// The silent sign-in is still running.
    Waiting,
    Region,
    Villager,
    Review,
    Overview,
    Keeper,
    Proxy,
}

/// `/`: a villager's 首页, a reviewer's queue, or the region browser (see the module).
#[component]
pub fn HomePage() -> impl IntoView {
    let session = use_session();
    let start = Memo::new(move |_| {
        if !session.checked.get() {
            return Start::Waiting;
        }
        match (
            session.me.with(Option::is_some),
            session.current.get().map(|g| g.role),
        ) {
            (true, Some(Role::Villager | Role::Volunteer)) => Start::Villager,
            (true, Some(Role::CountyAdmin | Role::TownshipAdmin)) => Start::Overview,
            (true, Some(role)) if reviews(role) => Start::Review,
            (true, Some(Role::Keeper)) => Start::Keeper,
            (true, Some(Role::ProxyAgent)) => Start::Proxy,
            _ => Start::Region,
        }
    });
    let navigate = use_navigate();
    Effect::new(move |_| {
        let first = match start.get() {
            Start::Review => "/review",
            Start::Overview => "/admin/overview",
            Start::Keeper => "/keeper",
            Start::Proxy => crate::proxy::PATH,
            _ => return,
        };
        navigate(
            first,
            NavigateOptions {
                replace: true,
                ..Default::default()
            },
        );
    });
    move || match start.get() {
        Start::Waiting | Start::Review | Start::Overview | Start::Keeper | Start::Proxy => view! {
            <TopBar />
            <main class="content"><ListSkeleton /></main>
        }
        .into_any(),
        Start::Region => view! { <HomeRegion /> }.into_any(),
        Start::Villager => view! { <VillagerHome /> }.into_any(),
    }
}

/// A quick action: a big tile with an icon and two or three words.
fn tile(href: String, text: Text, testid: &'static str, icon: &'static str) -> impl IntoView {
    view! {
        <a class="tile" href=href data-testid=testid>
            <svg class="tile-icon" viewBox="0 0 24 24" aria-hidden="true">
                <path d=icon fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" />
            </svg>
            <span class="tile-label">{tr(text)}</span>
        </a>
    }
}

/// A villager's 首页.
#[component]
fn VillagerHome() -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let balance = LocalResource::new(move || async move { session.call(&GetBalance, &()).await });
    let name = move || session.me.with(|m| m.as_ref().map(|m| m.name.clone()));
    let village = session
        .me
        .with_untracked(|m| m.as_ref().and_then(|m| m.village_code.clone()));
    let acting = Memo::new(move |_| session.proxy.with(Option::is_some));
    let delegations = crate::proxy::use_delegations();
    let family = Memo::new(move |_| !acting.get() && crate::proxy::has_family(delegations));
    view! {
        <TabbedScreen>
            <h1 class="greeting">{move || name().map(|n| hello(locale.get(), &n))}</h1>
            <section class="card balance-card" aria-live="polite">
                <p class="balance-label">{tr(Text::AvailablePoints)}</p>
                {move || match balance.get() {
                    None => view! { <div class="sk sk-balance" aria-busy="true"></div> }.into_any(),
                    Some(Ok(b)) => view! {
                        <p class="balance big">
                            <span class="balance-number" data-testid="balance-value">{b.available}</span>
                            <span class="balance-unit">{tr(Text::Points)}</span>
                        </p>
                        {(b.pending != 0).then(|| view! {
                            <p class="balance-pending" data-testid="balance-pending">
                                {move || pending_points(locale.get(), b.pending)}
                            </p>
                        })}
                        <ReadAloud text=Callback::new(move |locale| spoken_balance(locale, b.available)) />
                    }
                    .into_any(),
                    Some(Err(failure)) => load_trouble(failure, balance),
                }}
            </section>
            <nav class="tiles">
                {tile("/earn".into(), Text::Earn, "action-earn", "M12 3l2.6 5.6 6 .7-4.5 4.1 1.2 6L12 16.4 6.7 19.4l1.2-6L3.4 9.3l6-.7z")}
                {tile("/shop".into(), Text::Shop, "action-shop", "M4 9h16l-1.5 11h-13z M8 9V7a4 4 0 018 0v2")}
                {tile("/points/history".into(), Text::PointsHistory, "action-history", "M4 5h16 M4 12h16 M4 19h10")}
                {tile("/redemptions".into(), Text::MyRedemptions, "action-redemptions", "M4 6h16v4a2 2 0 000 4v4H4v-4a2 2 0 000-4z M10 6v12")}
                {tile("/claims".into(), Text::MyClaims, "action-claims", "M9 4h6v3H9z M7 5H5v16h14V5h-2 M8 12h8 M8 16h5")}
                {tile("/services".into(), Text::Services, "action-services", "M7 11V7a5 5 0 0110 0v4 M5 11h14v9H5z M12 14v3")}
                {village.map(|code| tile(
                    format!("/villages/{code}/board"),
                    Text::VillageBoard,
                    "action-board",
                    "M8 21h8 M12 17v4 M7 4h10v5a5 5 0 01-10 0z M7 6H4a3 3 0 003 4 M17 6h3a3 3 0 01-3 4",
                ))}
            </nav>
            <ul class="list browse">
                {move || family.get().then(|| view! {
                    <li>
                        <a class="row" href=crate::proxy::PATH data-testid="action-family-proxy">
                            <span class="row-name">{tr(Text::MyFamilyTitle)}</span>
                            {chevron()}
                        </a>
                    </li>
                })}
                {move || (!acting.get()).then(|| view! {
                    <li>
                        <a class="row" href="/me/member-code" data-testid="action-member-code">
                            <span class="row-name">{tr(Text::MemberCode)}</span>
                            {chevron()}
                        </a>
                    </li>
                })}
                <li>
                    <a class="row" href="/regions">
                        <span class="row-name">{tr(Text::BrowseCounty)}</span>
                        {chevron()}
                    </a>
                </li>
            </ul>
        </TabbedScreen>
    }
}
