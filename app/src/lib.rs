//! Jifen's PWA (积分): a Leptos client-side-rendered app compiled to wasm32.
//!
//! Every wire type comes from `jifen-shared`. The UI speaks Chinese first ([`i18n`]); it is
//! built for a 360×640 phone inside WeChat's browser on a weak network: big type, big targets,
//! skeletons while loading, a plain sentence and a retry button when the network fails, and a
//! tap-to-reload screen if the app itself ever crashes ([`crash`]).

pub mod api;
pub mod components;
pub mod crash;
pub mod draft;
pub mod elder;
pub mod i18n;
pub mod pages;
pub mod photo;
pub mod proxy;
pub mod qr;
pub mod scanner;
pub mod session;
pub mod time;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use wasm_bindgen::prelude::wasm_bindgen;

use i18n::{Locale, provide_locale};

/// The wasm entry point: installs the crash screen, removes the boot placeholder of
/// `index.html` and mounts the app.
#[wasm_bindgen(start)]
pub fn start() {
    crash::install();
    if let Some(boot) = document().get_element_by_id("boot") {
        boot.remove();
    }
    leptos::mount::mount_to_body(App);
}

/// The root component: locale, routes.
#[component]
pub fn App() -> impl IntoView {
    provide_locale(Locale::detect());
    elder::provide_elder_mode();
    session::provide_session();
    elder::follow_default();
    proxy::provide_delegations();
    pages::inbox::provide_unread();
    view! {
        <Router>
            <Routes fallback=pages::NotFound>
                <Route path=path!("/") view=pages::home::HomePage />
                <Route path=path!("/regions") view=pages::regions::HomeRegion />
                <Route path=path!("/regions/:code") view=pages::regions::RegionPage />
                <Route path=path!("/earn") view=pages::earn::EarnPage />
                <Route path=path!("/earn/:rule") view=pages::earn::ClaimPage />
                <Route path=path!("/claims") view=pages::claims::ClaimsPage />
                <Route path=path!("/points/history") view=pages::history::HistoryPage />
                <Route path=path!("/villages/:code/board") view=pages::board::BoardPage />
                <Route path=path!("/review") view=pages::review::ReviewPage />
                <Route path=path!("/shop") view=pages::shop::ShopPage />
                <Route path=path!("/redemptions") view=pages::redemptions::RedemptionsPage />
                <Route path=path!("/redemptions/:id") view=pages::redemptions::RedemptionPage />
                <Route path=path!("/keeper") view=pages::keeper::KeeperPage />
                <Route path=path!("/keeper/recycling") view=pages::recycling::RecyclingPage />
                <Route path=path!("/keeper/today") view=pages::recycling::TodayPage />
                <Route path=path!("/keeper/settlements") view=pages::settlements::KeeperSettlementsPage />
                <Route path=path!("/keeper/goods") view=pages::recycling::GoodsPage />
                <Route path=path!("/me/member-code") view=pages::member::MemberCodePage />
                <Route path=path!("/login") view=pages::login::LoginPage />
                <Route path=path!("/login/wechat") view=pages::login::WechatCallbackPage />
                <Route path=path!("/me") view=pages::me::MePage />
                <Route path=path!("/me/password") view=pages::password::ChangePasswordPage />
                <Route path=path!("/admin") view=pages::admin::AdminHome />
                <Route path=path!("/admin/rules") view=pages::admin::rules::RulesPage />
                <Route path=path!("/admin/rules/new") view=pages::admin::rules::NewRulePage />
                <Route path=path!("/admin/rules/:id") view=pages::admin::rules::RulePage />
                <Route path=path!("/admin/import") view=pages::admin::import::ImportPage />
                <Route path=path!("/admin/grids") view=pages::admin::grids::GridsPage />
                <Route path=path!("/admin/people") view=pages::admin::people::PeoplePage />
                <Route path=path!("/admin/people/new") view=pages::admin::person_new::NewPersonPage />
                <Route path=path!("/admin/people/:id") view=pages::admin::people::PersonPage />
                <Route path=path!("/admin/people/:id/edit") view=pages::admin::person_edit::PersonEditPage />
                // Service orders (五单), ratings (好差评) and the inbox.
                <Route path=path!("/services") view=pages::services::ServicesPage />
                <Route path=path!("/services/new/:type") view=pages::services::OrderPage />
                <Route path=path!("/services/orders") view=pages::services::MyOrdersPage />
                <Route path=path!("/services/orders/:id") view=pages::services::OrderDetailPage />
                <Route path=path!("/tasks") view=pages::tasks::TasksPage />
                <Route path=path!("/inbox") view=pages::inbox::InboxPage />
                <Route path=path!("/admin/services") view=pages::admin::services::ServicesAdminPage />
                <Route path=path!("/admin/rectifications") view=pages::admin::services::RectificationsPage />
                <Route path=path!("/admin/overview") view=pages::admin::overview::OverviewPage />
                <Route path=path!("/admin/audit") view=pages::admin::audit::AuditPage />
                <Route path=path!("/admin/settlements") view=pages::settlements::SettlementsAdminPage />
                <Route path=path!("/admin/awards") view=pages::admin::awards::AwardsPage />
                <Route path=path!("/admin/shops") view=pages::admin::shops::ShopsAdminPage />
                <Route path=path!("/admin/shops/:id") view=pages::admin::shops::ShopAdminPage />
                <Route path=path!("/admin/low-stock") view=pages::admin::shops::LowStockPage />
                <Route path=path!("/admin/recycling") view=pages::admin::catalogue::RecyclingAdminPage />
                <Route path=path!("/admin/service-types") view=pages::admin::catalogue::ServiceTypesAdminPage />
                // 代办: member cards, proxy sessions and their receipts, the county's limits.
                <Route path=path!("/admin/cards") view=pages::admin::cards::CardsPage />
                <Route path=path!("/admin/assistance") view=pages::admin::assistance::AssistancePage />
                <Route path=path!("/proxy") view=pages::proxy::ProxyPage />
                <Route path=path!("/proxy/receipts/:no") view=pages::proxy::ReceiptPage />
            </Routes>
        </Router>
    }
}
