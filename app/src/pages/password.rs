//! `/me/password` (修改密码): a staff person replaces their password — the current one, the
//! new one twice (checked here to be the same, then by the server: 8–128 characters, not the
//! current one, not the phone number). The server ends every other session and answers a new
//! one, which the app takes; then 我的.
//!
//! After a higher admin reset the password, the person lands here from any screen
//! ([`super::TopBar`]) with the reason on top, and the one-time password they were given is
//! the current one. Staff without a password (appointed from the villagers, signing in by SMS)
//! are told to ask for a reset.

use jifen_shared::ErrorCode;
use jifen_shared::api::ChangeOwnPassword;
use jifen_shared::auth::ChangePassword;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::{TopBar, explain, require_sign_in};
use crate::components::{Kind, TextField, mutate};
use crate::i18n::{Text, t, tr, use_locale};
use crate::session::use_session;

/// Where the page lives.
pub const PATH: &str = "/me/password";

/// What a refused change means to the person.
fn refusal(code: Option<ErrorCode>) -> Option<Text> {
    match code? {
        ErrorCode::InvalidCredentials => Some(Text::CurrentPasswordWrong),
        ErrorCode::InvalidInput => Some(Text::PasswordRejected),
        ErrorCode::RateLimited => Some(Text::TooManyTries),
        _ => None,
    }
}

#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    require_sign_in();
    let locale = use_locale();
    let session = use_session();
    let navigate = use_navigate();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let notice = RwSignal::new(None::<Text>);
    let busy = RwSignal::new(false);
    let must_change = move || {
        session
            .me
            .with(|me| me.as_ref().is_some_and(|me| me.must_change_password))
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if new.get_untracked() != again.get_untracked() {
            notice.set(Some(Text::PasswordsDiffer));
            return;
        }
        let body = ChangePassword {
            current_password: current.get_untracked(),
            new_password: new.get_untracked(),
        };
        let navigate = navigate.clone();
        let call = async move { session.call(&ChangeOwnPassword, &body).await };
        mutate(busy, call, move |answer| match answer {
            Ok(tokens) => {
                session.start(tokens);
                navigate("/me?changed=password", Default::default());
            }
            Err(failure) => {
                let text = refusal(failure.code()).unwrap_or_else(|| explain(&failure));
                notice.try_set(Some(text));
            }
        });
    };
    view! {
        <TopBar />
        <main class="content">
            <h1 class="region-name">{tr(Text::ChangePassword)}</h1>
            {move || must_change().then(|| view! {
                <p class="form-notice" role="status">{tr(Text::PasswordChangeRequired)}</p>
            })}
            <form class="form" on:submit=save>
                <TextField label=Text::CurrentPassword value=current placeholder=Text::PasswordPlaceholder name="current-password" kind=Kind::CurrentPassword max=128 />
                <TextField label=Text::NewPassword value=new placeholder=Text::NewPasswordHint name="new-password" kind=Kind::NewPassword max=128 />
                <TextField label=Text::NewPasswordAgain value=again placeholder=Text::NewPasswordHint name="new-password-again" kind=Kind::NewPassword max=128 />
                {move || (!must_change()).then(|| view! { <p class="hint">{tr(Text::NoPasswordYet)}</p> })}
                {move || notice.get().map(|text| view! {
                    <p class="form-notice error" role="alert">{tr(text)}</p>
                })}
                <button class="primary wide" type="submit" disabled=move || busy.get()>
                    {move || t(locale.get(), if busy.get() { Text::Saving } else { Text::ChangePassword })}
                </button>
            </form>
        </main>
    }
}
