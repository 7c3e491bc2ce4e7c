//! Screens, and the few pieces they share (top bar, bottom tab bar, skeleton, failure notice).

pub mod admin;
pub mod board;
pub mod claims;
pub mod correction;
pub mod earn;
pub mod history;
pub mod home;
pub mod inbox;
pub mod keeper;
pub mod login;
pub mod me;
pub mod media;
pub mod member;
pub mod paged;
pub mod password;
pub mod photos;
pub mod proxy;
pub mod recycling;
pub mod redemptions;
pub mod regions;
pub mod review;
pub mod services;
pub mod settlements;
pub mod shop;
pub mod tasks;

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use jifen_shared::ErrorCode;
use jifen_shared::auth::Role;

use crate::api::ApiFailure;
use crate::i18n::{Text, role_name, t, tr, use_locale};
use crate::session::{reviews, use_session};

/// What a failed request means to the person, for the API's stable error codes (a screen
/// with a more precise sentence for a code checks it first).
pub fn explain(failure: &ApiFailure) -> Text {
    match failure {
        ApiFailure::Network | ApiFailure::Unexpected(_) => Text::NetworkProblem,
        ApiFailure::Server(body) => match body.code {
            ErrorCode::UploadTooSlow => Text::NetworkProblem,
            ErrorCode::Forbidden => Text::NoPermission,
            ErrorCode::PasswordChangeRequired => Text::PasswordChangeRequired,
            ErrorCode::Unauthenticated | ErrorCode::InvalidToken => Text::SessionExpired,
            ErrorCode::RateLimited => Text::TooFrequent,
            ErrorCode::TooLarge => Text::FileTooLarge,
            ErrorCode::NotFound => Text::RegionNotFound,
            ErrorCode::InvalidPhone => Text::PhoneInvalid,
            ErrorCode::UnsupportedMedia => Text::UnsupportedMedia,
            ErrorCode::PhotoRequired => Text::PhotoRequired,
            ErrorCode::CapReached => Text::CapReached,
            ErrorCode::NotInGroup => Text::NotInGroup,
            ErrorCode::AlreadyReviewed => Text::AlreadyReviewed,
            ErrorCode::InsufficientPoints => Text::InsufficientPoints,
            ErrorCode::OutOfStock => Text::OutOfStock,
            ErrorCode::LimitReached => Text::LimitReached,
            ErrorCode::GoodsUnavailable => Text::GoodsUnavailable,
            ErrorCode::ShopClosed => Text::ShopClosedNow,
            ErrorCode::AlreadyFulfilled => Text::AlreadyFulfilled,
            ErrorCode::Expired => Text::RedemptionExpired,
            ErrorCode::NotCancellable => Text::NotCancellable,
            ErrorCode::AlreadyClaimed => Text::AlreadyClaimed,
            ErrorCode::AlreadyRated => Text::AlreadyRated,
            ErrorCode::UnknownGrid => Text::GridNotInVillage,
            ErrorCode::PhoneTaken => Text::PhoneTaken,
            ErrorCode::AlreadyClosed | ErrorCode::PersonClosed => Text::AccountClosed,
            ErrorCode::BalanceChanged => Text::BalanceChanged,
            ErrorCode::AlreadyCorrected => Text::AlreadyCorrected,
            ErrorCode::NotEscalated => Text::NotEscalated,
            ErrorCode::AlreadyPaid => Text::AlreadyPaid,
            ErrorCode::EarlierMonthUnpaid => Text::EarlierMonthUnpaid,
            ErrorCode::MonthNotOver => Text::MonthNotOver,
            ErrorCode::CardRevoked => Text::CardRevoked,
            ErrorCode::ProxyLimitReached => Text::ProxyLimitReached,
            ErrorCode::ProxySessionEnded => Text::ProxyEnded,
            ErrorCode::OwnProxyAction => Text::OwnProxyAction,
            ErrorCode::InvalidInput
            | ErrorCode::AlreadyExists
            | ErrorCode::UnsupportedMediaType
            | ErrorCode::IdempotencyConflict
            | ErrorCode::WrongState => Text::InputRejected,
            ErrorCode::InvalidCredentials
            | ErrorCode::InvalidCode
            | ErrorCode::NotRegistered
            | ErrorCode::WechatCodeInvalid
            | ErrorCode::WechatStateInvalid => Text::SessionExpired,
            ErrorCode::Internal
            | ErrorCode::Unavailable
            | ErrorCode::SmsUnavailable
            | ErrorCode::WechatUnavailable => Text::ServerBusy,
        },
    }
}

/// Whether trying the same request again may help (the network or the server's load), as
/// opposed to a refusal that needs something changed first.
pub fn worth_retrying(failure: &ApiFailure) -> bool {
    match failure {
        ApiFailure::Network | ApiFailure::Unexpected(_) => true,
        ApiFailure::Server(body) => matches!(
            body.code,
            ErrorCode::Internal
                | ErrorCode::Unavailable
                | ErrorCode::RateLimited
                | ErrorCode::UploadTooSlow
                | ErrorCode::SmsUnavailable
                | ErrorCode::WechatUnavailable
        ),
    }
}

/// Sends whoever is signed out (once the silent sign-in is done) to the login page.
pub fn require_sign_in() {
    let session = crate::session::use_session();
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        if session.checked.get() && session.me.get().is_none() {
            navigate("/login", Default::default());
        }
    });
}

/// The bar at the top of every screen: the app's name (a link to the start), the current role
/// when signed in (a link to 我的, where it is switched), 登录 or 我的, and the language switch;
/// while acting for a villager, the banner of 代办模式 under it instead of the role and the
/// bell ([`crate::proxy::ProxyBanner`]). A person whose password was reset is sent from any
/// screen to 修改密码 until they set their own (the server answers nothing else until then).
#[component]
pub fn TopBar() -> impl IntoView {
    let locale = use_locale();
    let session = crate::session::use_session();
    let location = use_location();
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        let must_change = session
            .me
            .with(|me| me.as_ref().is_some_and(|me| me.must_change_password));
        if must_change && location.pathname.get() != password::PATH {
            navigate(password::PATH, Default::default());
        }
    });
    let acting = Memo::new(move |_| session.proxy.with(Option::is_some));
    view! {
        // On a narrow phone with a role chosen, the coin alone stands for 积分 so the role's
        // name fits in full (村干部, 网格员, not 村…).
        <header class="topbar" class:with-role=move || session.current.with(Option::is_some) && !acting.get()>
            <a class="brand" href="/" aria-label=move || t(locale.get(), Text::AppName)>
                <svg class="brand-mark" viewBox="0 0 32 32" aria-hidden="true">
                    <circle cx="16" cy="16" r="14" fill="#f6c445" />
                    <circle cx="16" cy="16" r="10" fill="none" stroke="#d99a1e" stroke-width="2" />
                </svg>
                <span class="brand-name">{tr(Text::AppName)}</span>
            </a>
            {move || session.current.get().filter(|_| !acting.get()).map(|grant| view! {
                <a class="role-chip" href="/me">{move || role_name(locale.get(), grant.role)}</a>
            })}
            <span class="topbar-actions">
            // No bell while the password must be changed (the server answers nothing else), nor
            // while acting for a villager (the inbox is the agent's own).
            {move || (session.me.with(|me| me.as_ref().is_some_and(|me| !me.must_change_password)) && !acting.get()).then(|| view! { <inbox::Bell /> })}
            <a class="lang" href=move || if session.me.get().is_some() { "/me" } else { "/login" }>
                {move || t(locale.get(), if session.me.get().is_some() { Text::Mine } else { Text::SignIn })}
            </a>
            <button
                class="lang"
                type="button"
                on:click=move |_| locale.update(|l| *l = l.other())
            >
                {tr(Text::SwitchLanguage)}
            </button>
            </span>
        </header>
        <crate::proxy::ProxyBanner />
    }
}

/// Grey placeholder rows while a list loads (UX.md: skeletons, never an endless spinner).
#[component]
pub fn ListSkeleton() -> impl IntoView {
    view! {
        <div class="skeleton" aria-busy="true">
            <span class="visually-hidden">{tr(Text::Loading)}</span>
            <div class="sk sk-title"></div>
            <div class="sk sk-line"></div>
            {(0..6).map(|_| view! { <div class="sk sk-row"></div> }).collect_view()}
        </div>
    }
}

/// A failed load: a plain sentence; a retry button unless the thing does not exist (then a way
/// back to the start).
#[component]
pub fn Failure(
    failure: ApiFailure,
    #[prop(into)] not_found: Text,
    retry: Callback<()>,
) -> impl IntoView {
    let (message, can_retry) = match failure.code() {
        Some(ErrorCode::NotFound | ErrorCode::InvalidInput) => (not_found, false),
        _ => (explain(&failure), worth_retrying(&failure)),
    };
    view! {
        <div class="notice" role="alert">
            <p class="notice-text">{tr(message)}</p>
            {if can_retry {
                view! {
                    <button class="primary" type="button" on:click=move |_| retry.run(())>
                        {tr(Text::Retry)}
                    </button>
                }
                    .into_any()
            } else {
                view! {
                    <a class="primary" href="/">
                        {tr(Text::BackHome)}
                    </a>
                }
                    .into_any()
            }}
        </div>
    }
}

/// Any path the app does not know.
#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <TopBar />
        <main class="content">
            <div class="notice">
                <p class="notice-text">{tr(Text::PageNotFound)}</p>
                <a class="primary" href="/">{tr(Text::BackHome)}</a>
            </div>
        </main>
    }
}

/// A plain sentence for a failure inside a screen (a list, a card, a form), the server's own
/// words under it where given (`detail`: English, so shown only in English — a Chinese
/// screen says it all in Chinese), and 重试 when trying again may help.
#[component]
pub fn Trouble(
    failure: ApiFailure,
    text: Text,
    retry: Callback<()>,
    #[prop(default = None, into)] detail: Option<String>,
) -> impl IntoView {
    let can_retry = worth_retrying(&failure);
    let locale = crate::i18n::use_locale();
    view! {
        <div class="form-notice error" role="alert">
            <p class="notice-line">{tr(text)}</p>
            {move || detail.clone().filter(|_| locale.get() == crate::i18n::Locale::En).map(|d| view! { <p class="detail">{d}</p> })}
            {can_retry.then(|| view! {
                <button class="secondary" type="button" on:click=move |_| retry.run(())>
                    {tr(Text::Retry)}
                </button>
            })}
        </div>
    }
}

/// A screen of the signed-in app: the top bar, the content, and the bottom tab bar (which
/// leaves room for itself).
#[component]
pub fn TabbedScreen(children: Children) -> impl IntoView {
    view! {
        <TopBar />
        <main class="content with-tabs">{children()}</main>
        <TabBar />
    }
}

/// A tab of the bottom bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Home,
    Earn,
    Shop,
    Review,
    Scan,
    Recycle,
    Today,
    Mine,
    /// A volunteer's 接单.
    Tasks,
    /// An admin's 数据概览.
    Overview,
    /// An admin's 管理: the index of the console's screens.
    Manage,
    /// A 代办员's 代办.
    Proxy,
}

impl Tab {
    fn href(self) -> &'static str {
        match self {
            Tab::Home => "/",
            Tab::Earn => "/earn",
            Tab::Shop => "/shop",
            Tab::Review => "/review",
            Tab::Scan => "/keeper",
            Tab::Recycle => "/keeper/recycling",
            Tab::Today => "/keeper/today",
            Tab::Mine => "/me",
            Tab::Tasks => "/tasks",
            Tab::Overview => "/admin/overview",
            Tab::Manage => admin::PATH,
            Tab::Proxy => crate::proxy::PATH,
        }
    }

    /// `tab-home`, `tab-earn`, `tab-shop`, `tab-review`, `tab-scan`, `tab-recycle`,
    /// `tab-today`, `tab-me`: the browser journeys' handle.
    fn testid(self) -> &'static str {
        match self {
            Tab::Home => "tab-home",
            Tab::Earn => "tab-earn",
            Tab::Shop => "tab-shop",
            Tab::Review => "tab-review",
            Tab::Scan => "tab-scan",
            Tab::Recycle => "tab-recycle",
            Tab::Today => "tab-today",
            Tab::Mine => "tab-me",
            Tab::Tasks => "tab-tasks",
            Tab::Overview => "tab-overview",
            Tab::Manage => "tab-manage",
            Tab::Proxy => "tab-proxy",
        }
    }

    fn text(self) -> Text {
        match self {
            Tab::Home => Text::Home,
            Tab::Earn => Text::Earn,
            Tab::Shop => Text::Shop,
            Tab::Review => Text::Review,
            Tab::Scan => Text::Scan,
            Tab::Recycle => Text::Recycle,
            Tab::Today => Text::Today,
            Tab::Mine => Text::Mine,
            Tab::Tasks => Text::TasksTab,
            Tab::Overview => Text::Overview,
            Tab::Manage => Text::Manage,
            Tab::Proxy => Text::ProxyTab,
        }
    }

    fn is_at(self, path: &str) -> bool {
        match self {
            Tab::Home => path == "/",
            // 扫码 is exactly the counter, not its sibling screens.
            Tab::Scan => path == "/keeper",
            // Every console screen but the overview, which has its own tab.
            Tab::Manage => {
                (path == self.href() || path.starts_with("/admin/")) && !Tab::Overview.is_at(path)
            }
            // 我的兑换 belongs to the shop.
            Tab::Shop => ["/shop", "/redemptions"]
                .iter()
                .any(|at| path == *at || path.starts_with(&format!("{at}/"))),
            tab => path == tab.href() || path.starts_with(&format!("{}/", tab.href())),
        }
    }

    /// A small line icon (24 px, `currentColor`).
    fn icon(self) -> impl IntoView {
        let path = match self {
            Tab::Home => "M3 11l9-7 9 7 M5 10v10h5v-6h4v6h5V10",
            Tab::Earn => "M12 3l2.6 5.6 6 .7-4.5 4.1 1.2 6L12 16.4 6.7 19.4l1.2-6L3.4 9.3l6-.7z",
            Tab::Shop => "M4 9h16l-1.5 11h-13z M8 9V7a4 4 0 018 0v2",
            Tab::Review => "M9 4h6v3H9z M7 5H5v16h14V5h-2 M8.5 14l2.5 2.5 5-5",
            Tab::Scan => "M4 8V4h4 M16 4h4v4 M20 16v4h-4 M8 20H4v-4 M4 12h16",
            Tab::Recycle => {
                "M7 7l3-4 3 4 M10 3v8 M4 14l-1 4h5 M3 18l4-6 M20 14l1 4h-5 M21 18l-4-6 M9 20h6"
            }
            Tab::Today => "M5 20V10 M10 20V4 M15 20v-7 M20 20V8",
            Tab::Mine => "M12 12a4 4 0 100-8 4 4 0 000 8z M4 21c0-4 3.6-6.5 8-6.5s8 2.5 8 6.5",
            Tab::Tasks => "M4 7h16v12H4z M9 7V4h6v3 M4 12h16",
            Tab::Overview => "M4 20h16 M6 16v-5 M11 16V6 M16 16v-8",
            Tab::Manage => "M4 6h16 M4 12h16 M4 18h16 M8 4v4 M16 10v4 M10 16v4",
            Tab::Proxy => "M3 6h18v12H3z M7 10h5 M7 14h3 M15 9h3v3h-3z",
        };
        view! {
            <svg class="tab-icon" viewBox="0 0 24 24" aria-hidden="true">
                <path d=path fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" />
            </svg>
        }
    }
}

/// The tabs of the current role (UX.md, "Layout"): a villager's 首页 · 挣积分 · 积分超市 · 我的
/// (also while a proxy acts for one: the role is then the villager's); a keeper's 扫码 · 回收 ·
/// 今日 · 我的; a 代办员's 代办 · 我的; a grid worker's 审核 · 我的; a village admin's 审核 ·
/// 管理 · 数据概览 · 我的; township and county admins, who need reports more than a queue,
/// 数据概览 · 管理 · 审核 · 我的. Only screens that exist; nothing while signed out.
fn tabs_for(signed_in: bool, role: Option<Role>) -> Vec<Tab> {
    match (signed_in, role) {
        (false, _) => Vec::new(),
        (true, Some(Role::Villager)) => vec![Tab::Home, Tab::Earn, Tab::Shop, Tab::Mine],
        (true, Some(Role::Keeper)) => vec![Tab::Scan, Tab::Recycle, Tab::Today, Tab::Mine],
        (true, Some(Role::Volunteer)) => vec![Tab::Tasks, Tab::Home, Tab::Mine],
        (true, Some(Role::ProxyAgent)) => vec![Tab::Proxy, Tab::Mine],
        (true, Some(Role::CountyAdmin | Role::TownshipAdmin)) => {
            vec![Tab::Overview, Tab::Manage, Tab::Review, Tab::Mine]
        }
        (true, Some(Role::VillageAdmin)) => {
            vec![Tab::Review, Tab::Manage, Tab::Overview, Tab::Mine]
        }
        (true, Some(role)) if reviews(role) => vec![Tab::Review, Tab::Mine],
        (true, _) => vec![Tab::Home, Tab::Mine],
    }
}

/// The bottom tab bar, within thumb reach, for the current role.
#[component]
pub fn TabBar() -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let location = use_location();
    let tabs = Memo::new(move |_| {
        tabs_for(
            session.me.with(Option::is_some),
            session.current.get().map(|g| g.role),
        )
    });
    move || {
        let tabs = tabs.get();
        (!tabs.is_empty()).then(|| {
            view! {
                <nav class="tabbar" aria-label=move || t(locale.get(), Text::AppName)>
                    {tabs
                        .into_iter()
                        .map(|tab| {
                            let current = move || location.pathname.with(|p| tab.is_at(p));
                            view! {
                                <a
                                    class="tab"
                                    href=tab.href()
                                    data-testid=tab.testid()
                                    aria-current=move || current().then_some("page")
                                >
                                    {tab.icon()}
                                    <span class="tab-label">{tr(tab.text())}</span>
                                </a>
                            }
                        })
                        .collect_view()}
                </nav>
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_gets_its_own_tabs() {
        assert!(tabs_for(false, None).is_empty());
        assert_eq!(
            tabs_for(true, Some(Role::Villager)),
            [Tab::Home, Tab::Earn, Tab::Shop, Tab::Mine]
        );
        assert_eq!(tabs_for(true, Some(Role::GridWorker))[0], Tab::Review);
        assert_eq!(
            tabs_for(true, Some(Role::CountyAdmin)),
            [Tab::Overview, Tab::Manage, Tab::Review, Tab::Mine]
        );
        assert_eq!(
            tabs_for(true, Some(Role::VillageAdmin)),
            [Tab::Review, Tab::Manage, Tab::Overview, Tab::Mine]
        );
        assert!(Tab::Overview.is_at("/admin/overview"));
        assert!(!Tab::Manage.is_at("/admin/overview"));
        assert!(Tab::Manage.is_at("/admin"));
        assert!(Tab::Manage.is_at("/admin/rules"));
        assert_eq!(
            tabs_for(true, Some(Role::Keeper)),
            [Tab::Scan, Tab::Recycle, Tab::Today, Tab::Mine]
        );
        assert!(Tab::Scan.is_at("/keeper") && !Tab::Scan.is_at("/keeper/today"));
        assert!(Tab::Today.is_at("/keeper/today"));
        assert!(Tab::Shop.is_at("/shop") && Tab::Shop.is_at("/redemptions/7"));
        assert!(!Tab::Shop.is_at("/shopping"));
        assert_eq!(tabs_for(true, Some(Role::Volunteer))[0], Tab::Tasks);
        assert_eq!(
            tabs_for(true, Some(Role::ProxyAgent)),
            [Tab::Proxy, Tab::Mine]
        );
        assert!(Tab::Proxy.is_at("/proxy") && Tab::Proxy.is_at("/proxy/receipts/DB7K2M9QXA"));
        assert!(Tab::Earn.is_at("/earn/12"));
        assert!(!Tab::Earn.is_at("/earnings"));
        assert!(Tab::Home.is_at("/") && !Tab::Home.is_at("/me"));
    }
}
