//! `/login`: phone number, "获取验证码" with a resend countdown, the 6-digit code, 登录.

use std::time::Duration;

use jifen_shared::ErrorCode;
use jifen_shared::auth::{OtpSend, OtpSent, OtpVerify, Tokens};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::TopBar;
use crate::api::{self, ApiFailure};
use crate::i18n::{Text, resend_in, t, use_locale};
use crate::session::use_session;

/// What a failed send or verify means to the person.
fn explain(failure: &ApiFailure) -> Text {
    match failure.code() {
        Some(ErrorCode::InvalidPhone) => Text::PhoneInvalid,
        Some(ErrorCode::InvalidCode) => Text::CodeInvalid,
        Some(ErrorCode::NotRegistered) => Text::NotRegistered,
        Some(ErrorCode::RateLimited) => Text::TooManyCodes,
        Some(ErrorCode::Unavailable | ErrorCode::SmsUnavailable | ErrorCode::Internal) => {
            Text::ServerBusy
        }
        _ => Text::NetworkProblem,
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let navigate = use_navigate();
    let phone = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let countdown = RwSignal::new(0u32);
    let notice = RwSignal::new(None::<(Text, bool)>); // (text, is_error)
    let busy = RwSignal::new(false);

    // One tick a second while the resend button waits.
    Effect::new(move |_| {
        if countdown.get() > 0 {
            set_timeout(
                move || countdown.update(|n| *n = n.saturating_sub(1)),
                Duration::from_secs(1),
            );
        }
    });

    let send_code = move |_| {
        if countdown.get_untracked() > 0 {
            return;
        }
        let body = OtpSend {
            phone: phone.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            match api::post::<_, OtpSent>("/auth/otp/send", Some(&body)).await {
                Ok(sent) => {
                    countdown.set(sent.resend_after_s as u32);
                    notice.set(Some((Text::CodeSent, false)));
                }
                Err(failure) => notice.set(Some((explain(&failure), true))),
            }
        });
    };

    let go_to_me = navigate.clone();
    let sign_in = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let body = OtpVerify {
            phone: phone.get_untracked(),
            code: code.get_untracked(),
        };
        let navigate = go_to_me.clone();
        leptos::task::spawn_local(async move {
            match api::post::<_, Tokens>("/auth/otp/verify", Some(&body)).await {
                Ok(tokens) => {
                    session.start(tokens);
                    navigate("/me", Default::default());
                }
                Err(failure) => notice.set(Some((explain(&failure), true))),
            }
            busy.set(false);
        });
    };

    view! {
        <TopBar />
        <main class="content">
            <h1 class="region-name">{move || t(locale.get(), Text::SignIn)}</h1>
            <form class="form" on:submit=sign_in>
                <label class="field">
                    <span class="field-label">{move || t(locale.get(), Text::Phone)}</span>
                    <input
                        class="input"
                        type="tel"
                        name="phone"
                        inputmode="tel"
                        autocomplete="tel"
                        prop:placeholder=move || t(locale.get(), Text::PhonePlaceholder)
                        on:input=move |ev| phone.set(event_target_value(&ev))
                        prop:value=move || phone.get()
                    />
                </label>
                <label class="field">
                    <span class="field-label">{move || t(locale.get(), Text::Code)}</span>
                    <span class="code-row">
                        <input
                            class="input"
                            type="text"
                            name="code"
                            inputmode="numeric"
                            autocomplete="one-time-code"
                            maxlength="6"
                            prop:placeholder=move || t(locale.get(), Text::CodePlaceholder)
                            on:input=move |ev| code.set(event_target_value(&ev))
                            prop:value=move || code.get()
                        />
                        <button class="secondary" type="button" on:click=send_code disabled=move || { countdown.get() > 0 }>
                            {move || match countdown.get() {
                                0 => t(locale.get(), Text::GetCode).to_owned(),
                                n => resend_in(locale.get(), n),
                            }}
                        </button>
                    </span>
                </label>
                {move || notice.get().map(|(text, error)| view! {
                    <p class=if error { "form-notice error" } else { "form-notice" } role="status">
                        {move || t(locale.get(), text)}
                    </p>
                })}
                <button class="primary wide" type="submit" disabled=move || busy.get()>
                    {move || t(locale.get(), if busy.get() { Text::SigningIn } else { Text::SignIn })}
                </button>
            </form>
        </main>
    }
}
