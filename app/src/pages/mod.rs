//! Screens, and the few pieces they share (top bar, skeleton, failure notice).

pub mod admin;
pub mod login;
pub mod me;
pub mod regions;

use leptos::prelude::*;

use jifen_shared::ErrorCode;

use crate::api::ApiFailure;
use crate::i18n::{Text, role_name, t, use_locale};

/// What a failed request means to the person, for the API's stable error codes (a screen
/// with a more precise sentence for a code checks it first).
pub fn explain(failure: &ApiFailure) -> Text {
    match failure {
        ApiFailure::Network | ApiFailure::Unexpected(_) => Text::NetworkProblem,
        ApiFailure::Server(body) => match body.code {
            ErrorCode::Forbidden => Text::NoPermission,
            ErrorCode::Unauthenticated | ErrorCode::InvalidToken => Text::SessionExpired,
            ErrorCode::RateLimited => Text::TooFrequent,
            ErrorCode::TooLarge => Text::FileTooLarge,
            ErrorCode::NotFound => Text::RegionNotFound,
            ErrorCode::InvalidPhone => Text::PhoneInvalid,
            ErrorCode::UnsupportedMedia => Text::UnsupportedMedia,
            ErrorCode::PhotoRequired => Text::PhotoRequired,
            ErrorCode::CapReached => Text::CapReached,
            ErrorCode::AlreadyReviewed => Text::AlreadyReviewed,
            ErrorCode::InvalidInput
            | ErrorCode::AlreadyExists
            | ErrorCode::UnsupportedMediaType
            | ErrorCode::IdempotencyConflict => Text::InputRejected,
            ErrorCode::InvalidCredentials
            | ErrorCode::InvalidCode
            | ErrorCode::NotRegistered
            | ErrorCode::WechatCodeInvalid => Text::SessionExpired,
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
/// when signed in (a link to 我的, where it is switched), 登录 or 我的, and the language switch.
#[component]
pub fn TopBar() -> impl IntoView {
    let locale = use_locale();
    let session = crate::session::use_session();
    view! {
        <header class="topbar">
            <a class="brand" href="/">
                <svg class="brand-mark" viewBox="0 0 32 32" aria-hidden="true">
                    <circle cx="16" cy="16" r="14" fill="#f6c445" />
                    <circle cx="16" cy="16" r="10" fill="none" stroke="#d99a1e" stroke-width="2" />
                </svg>
                <span>{move || t(locale.get(), Text::AppName)}</span>
            </a>
            {move || session.current.get().map(|grant| view! {
                <a class="role-chip" href="/me">{move || role_name(locale.get(), grant.role)}</a>
            })}
            <span class="topbar-actions">
            <a class="lang" href=move || if session.me.get().is_some() { "/me" } else { "/login" }>
                {move || t(locale.get(), if session.me.get().is_some() { Text::Mine } else { Text::SignIn })}
            </a>
            <button
                class="lang"
                type="button"
                on:click=move |_| locale.update(|l| *l = l.other())
            >
                {move || t(locale.get(), Text::SwitchLanguage)}
            </button>
            </span>
        </header>
    }
}

/// Grey placeholder rows while a list loads (UX.md: skeletons, never an endless spinner).
#[component]
pub fn ListSkeleton() -> impl IntoView {
    let locale = use_locale();
    view! {
        <div class="skeleton" aria-busy="true">
            <span class="visually-hidden">{move || t(locale.get(), Text::Loading)}</span>
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
    let locale = use_locale();
    let (message, can_retry) = match failure.code() {
        Some(ErrorCode::NotFound | ErrorCode::InvalidInput) => (not_found, false),
        _ => (explain(&failure), worth_retrying(&failure)),
    };
    view! {
        <div class="notice" role="alert">
            <p class="notice-text">{move || t(locale.get(), message)}</p>
            {if can_retry {
                view! {
                    <button class="primary" type="button" on:click=move |_| retry.run(())>
                        {move || t(locale.get(), Text::Retry)}
                    </button>
                }
                    .into_any()
            } else {
                view! {
                    <a class="primary" href="/">
                        {move || t(locale.get(), Text::BackHome)}
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
    let locale = use_locale();
    view! {
        <TopBar />
        <main class="content">
            <div class="notice">
                <p class="notice-text">{move || t(locale.get(), Text::PageNotFound)}</p>
                <a class="primary" href="/">{move || t(locale.get(), Text::BackHome)}</a>
            </div>
        </main>
    }
}
