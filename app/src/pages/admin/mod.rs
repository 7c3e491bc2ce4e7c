//! The 管理 screens of village, township and county admins: their index (`/admin`, the 管理
//! tab, [`AdminHome`]), the villager register import
//! (`/admin/import`) and the grids of a village with their people and grid workers
//! (`/admin/grids`), people and their passwords (`/admin/people`, `/admin/people/:id`), one
//! villager edited, their phone changed, their account closed (`/admin/people/:id/edit`),
//! service orders (`/admin/services`) and the 差评 to rectify (`/admin/rectifications`), the
//! region's overview (`/admin/overview`), the audit log (`/admin/audit`), awards and
//! deductions (`/admin/awards`) and the
//! points shops (`/admin/shops`, `/admin/shops/:id`, `/admin/low-stock`) and their monthly
//! statements (`/admin/settlements`, [`crate::pages::settlements`]); for villagers without a
//! smartphone, a villager registered by hand (`/admin/people/new`), member cards printed
//! (`/admin/cards`) and the county's limits for proxies (`/admin/assistance`). They open
//! for a current role that manages people and grids (see [`crate::session`]); the server
//! decides every request again against all of the person's roles.

pub mod assistance;
pub mod audit;
pub mod awards;
pub mod cards;
pub mod catalogue;
pub mod delegations;
pub mod grid;
pub mod grids;
pub mod import;
pub mod overview;
pub mod people;
pub mod person_edit;
pub mod person_new;
pub mod person_points;
pub mod roles;
pub mod rules;
pub mod services;
pub mod shops;

pub(crate) use overview::save;

use jifen_shared::auth::{Role, RoleGrant};
use jifen_shared::regions::RegionCode;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{ListSkeleton, TabBar, TopBar, require_sign_in};
use crate::components::notice;
use crate::i18n::{Text, tr};
use crate::session::{manages, use_session};

/// The 管理 tab's address.
pub const PATH: &str = "/admin";

/// The console's screens, grouped: what sets up points (rules, shops, recycling, services),
/// people and grids, and the daily work. Shown on the 管理 tab and under 我的; each screen
/// decides for itself what the current role may change (a village admin sees the county's
/// recycling rates read-only).
#[component]
pub fn AdminEntries() -> impl IntoView {
    use super::me::entry;
    let session = use_session();
    let county = Memo::new(move |_| {
        session
            .current
            .with(|g| g.as_ref().is_some_and(|g| g.role == Role::CountyAdmin))
    });
    view! {
        <h2 class="section-title">{tr(Text::PointsSetup)}</h2>
        <ul class="list">
            {entry(rules::PATH, Text::RuleCatalogue)}
            {entry("/admin/shops", Text::ShopsAdmin)}
            {entry("/admin/recycling", Text::RecyclingCategories)}
            {entry("/admin/service-types", Text::ServiceTypesAdmin)}
            {move || county.get().then(|| entry(assistance::PATH, Text::AssistanceTitle))}
        </ul>
        <h2 class="section-title">{tr(Text::PeopleAndGrids)}</h2>
        <ul class="list">
            {entry(people::PATH, Text::People)}
            {entry(person_new::PATH, Text::NewPerson)}
            {entry("/admin/grids", Text::ManageGrids)}
            {entry("/admin/import", Text::ImportVillagers)}
        </ul>
        <h2 class="section-title">{tr(Text::DailyWork)}</h2>
        <ul class="list">
            {entry(awards::PATH, Text::AwardsTitle)}
            {entry("/admin/services", Text::ServiceOrders)}
            {entry(services::RECTIFICATIONS_PATH, Text::Rectifications)}
            {entry("/admin/overview", Text::Overview)}
            {entry(crate::pages::settlements::ADMIN_PATH, Text::SettlementsTitle)}
            {entry(audit::PATH, Text::AuditLog)}
        </ul>
    }
}

/// `/admin`, the 管理 tab: [`AdminEntries`] for the current admin role, and the admin's own
/// 修改密码 (also under 我的).
#[component]
pub fn AdminHome() -> impl IntoView {
    view! {
        <AdminFrame tabbed=true screen=move |_| view! {
            <AdminEntries />
            <h2 class="section-title">{tr(Text::Account)}</h2>
            <ul class="list">{super::me::entry(super::password::PATH, Text::ChangePassword)}</ul>
        } />
    }
}

/// The region of the address's `?region=` (so the back button and a reload work), kept inside
/// the admin's `home` region: a code outside it, or none, is `home` (the server refuses those
/// anyway).
fn region_in_query(home: RegionCode) -> Memo<RegionCode> {
    let query = use_query_map();
    Memo::new(move |_| {
        query
            .read()
            .get("region")
            .and_then(|c| RegionCode::parse(&c).ok())
            .filter(|c| c.is_within(&home))
            .unwrap_or_else(|| home.clone())
    })
}

/// Whom an admin screen is for, right now.
#[derive(Debug, Clone, PartialEq)]
enum Gate {
    /// The silent sign-in is still running.
    Waiting,
    /// Signed in with a current role that manages people and grids.
    Staff(RoleGrant),
    /// Signed in, but acting as a role that does not manage (or holding none).
    NotStaff,
}

/// Top bar, a way back to 管理, and `screen` for the current admin role — or a skeleton while
/// signing in, or a plain "无权限" with the way to switch roles. The gate is a memo: a token
/// refresh mid-upload does not rebuild the screen (the chosen file and the report stay).
/// `tabbed`: a screen of the bottom tab bar (数据概览), shown with the bar and without the way
/// back. `back`: where the way back leads and its name, when not to 管理.
/// `back_to`: the way back worked out from the address (over `back`: the screen it came from).
/// `grid_workers`: grid workers may open it too (评分).
#[component]
pub(crate) fn AdminFrame<S, V>(
    screen: S,
    #[prop(optional)] tabbed: bool,
    #[prop(optional)] back: Option<(&'static str, Text)>,
    #[prop(optional, into)] back_to: Option<Signal<(String, Text)>>,
    #[prop(optional)] grid_workers: bool,
) -> impl IntoView
where
    S: Fn(RoleGrant) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let session = use_session();
    let locale = crate::i18n::use_locale();
    require_sign_in();
    let way_back = move || match back_to {
        Some(to) => to.get(),
        None => back.map_or((PATH.to_owned(), Text::Manage), |(href, text)| {
            (href.to_owned(), text)
        }),
    };
    let gate = Memo::new(move |_| match (session.me.get(), session.current.get()) {
        (None, _) => Gate::Waiting,
        (Some(_), Some(grant))
            if manages(grant.role) || (grid_workers && grant.role == Role::GridWorker) =>
        {
            Gate::Staff(grant)
        }
        (Some(_), _) => Gate::NotStaff,
    });
    view! {
        <TopBar />
        <main class="content" class:with-tabs=tabbed>
            <Show when=move || !tabbed>
                <nav class="crumbs">
                    <a class="crumb" href=move || way_back().0>
                        "‹ "{move || crate::i18n::t(locale.get(), way_back().1)}
                    </a>
                </nav>
            </Show>
            {move || match gate.get() {
                Gate::Waiting => view! { <ListSkeleton /> }.into_any(),
                Gate::Staff(grant) => screen(grant).into_any(),
                Gate::NotStaff => notice(Text::NotStaff, "/me", Text::SwitchRole).into_any(),
            }}
        </main>
        <Show when=move || tabbed>
            <TabBar />
        </Show>
    }
}
