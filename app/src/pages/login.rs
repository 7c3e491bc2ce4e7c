//! `/login`: phone number, "获取验证码" with a resend countdown, the 6-digit code, 登录; a
//! second tab, 密码登录, for staff with a password (phone and password); and, inside WeChat's
//! browser when the server has WeChat sign-in, "微信一键登录" first. A staff person whose
//! password was reset lands on 修改密码 (`/me/password`) instead of 我的.
//!
//! "微信一键登录" starts a sign-in at the server (`POST /auth/wechat/start`), keeps its
//! `state` and `verifier` in this browser and goes to the authorisation URL the server built.
//! `/login/wechat` is where WeChat's authorisation page sends the person back with `?code=` and
//! `&state=`: unless the state is the one this browser kept, the code is not sent anywhere
//! (a link carrying someone else's code does nothing here; the server checks the pair too).
//! The code is exchanged for a session, or — the first time — for a bind token: the person
//! then confirms it was they who started it, and confirms their phone number once with an SMS
//! code ([`PhoneCodeForm`] in bind mode).

use std::time::Duration;

use jifen_shared::ErrorCode;
use jifen_shared::api::{
    LoginMethodsOf, OtpSendCode, OtpVerifyCode, PasswordSignIn, WechatBindPhone, WechatSignIn,
    WechatStartSignIn,
};
use jifen_shared::auth::{
    OtpSend, OtpVerify, PasswordLogin, Tokens, WechatBind, WechatLogin, WechatOutcome,
    WechatStarted,
};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};

use super::TopBar;
use crate::api::{self, ApiFailure};
use crate::components::{Choice, Kind, TextField, mutate};
use crate::i18n::{Text, resend_in, t, tr, use_locale};
use crate::session::{Session, use_session};

/// What a failed send or verify means to the person.
fn explain(failure: &ApiFailure) -> Text {
    match failure.code() {
        Some(ErrorCode::InvalidPhone) => Text::PhoneInvalid,
        Some(ErrorCode::InvalidCode) => Text::CodeInvalid,
        Some(ErrorCode::NotRegistered) => Text::NotRegistered,
        Some(ErrorCode::RateLimited) => Text::TooManyCodes,
        Some(ErrorCode::InvalidToken | ErrorCode::WechatCodeInvalid) => Text::WechatExpired,
        Some(ErrorCode::WechatStateInvalid) => Text::WechatNotStartedHere,
        Some(ErrorCode::InvalidCredentials) => Text::WrongPassword,
        Some(ErrorCode::WechatUnavailable) => Text::WechatUnavailable,
        Some(ErrorCode::Unavailable | ErrorCode::SmsUnavailable | ErrorCode::Internal) => {
            Text::ServerBusy
        }
        _ => Text::NetworkProblem,
    }
}

/// Whether the page runs inside WeChat's built-in browser (its user agent says
/// `MicroMessenger`, per WeChat's JS-SDK documentation).
fn inside_wechat() -> bool {
    window()
        .navigator()
        .user_agent()
        .is_ok_and(|ua| ua.contains("MicroMessenger"))
}

/// Where this browser keeps the WeChat sign-in it started (`{state}.{verifier}`) until WeChat
/// sends it back: local storage, which WeChat's in-app browser keeps across the authorisation
/// page (its session storage is not always kept).
const WECHAT_SIGN_IN_KEY: &str = "jifen.wechat_sign_in";

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

/// Keeps the sign-in just started (replacing any earlier one).
fn keep_sign_in(started: &WechatStarted) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(
            WECHAT_SIGN_IN_KEY,
            &format!("{}.{}", started.state, started.verifier),
        );
    }
}

/// The kept sign-in's `(state, verifier)`. It stays kept until the server answers: WeChat may
/// deliver its redirect twice, and both page loads must send the same (the server answers
/// them alike).
fn kept_sign_in() -> Option<(String, String)> {
    let kept = storage()?.get_item(WECHAT_SIGN_IN_KEY).ok().flatten()?;
    let (state, verifier) = kept.split_once('.')?;
    Some((state.to_owned(), verifier.to_owned()))
}

/// Forgets the kept sign-in once the server answered it.
fn forget_sign_in() {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(WECHAT_SIGN_IN_KEY);
    }
}

/// "微信一键登录": starts a sign-in at the server, keeps it, and goes to WeChat's
/// authorisation page (公众号网页授权, scope `snsapi_base`: no consent screen), which sends the
/// person back to `/login/wechat?code=…&state=…`.
#[component]
fn WechatButton() -> impl IntoView {
    let locale = use_locale();
    let busy = RwSignal::new(false);
    let notice = RwSignal::new(None::<Text>);
    let start = move |_| {
        let call = async move { api::call(&WechatStartSignIn, &(), None).await };
        mutate(busy, call, move |answer| match answer {
            Ok(started) => {
                keep_sign_in(&started);
                // Busy while the page leaves: a second tap would start a second sign-in.
                busy.try_set(true);
                if window()
                    .location()
                    .set_href(&started.authorize_url)
                    .is_err()
                {
                    busy.try_set(false);
                    notice.try_set(Some(Text::WechatUnavailable));
                }
            }
            Err(failure) => {
                notice.try_set(Some(match failure.code() {
                    Some(ErrorCode::RateLimited) => Text::TooManyTries,
                    _ => explain(&failure),
                }));
            }
        });
    };
    view! {
        <button class="primary wide wechat" type="button" on:click=start disabled=move || busy.get()>
            {move || t(locale.get(), if busy.get() { Text::WechatSigningIn } else { Text::WechatSignIn })}
        </button>
        {move || notice.get().map(|text| view! {
            <p class="form-notice error" role="alert">{tr(text)}</p>
        })}
    }
}

/// Takes a new session and goes where it lands: 修改密码 when the password was reset, else
/// 我的 (replacing the sign-in page in the history where `replace`).
fn enter(
    session: Session,
    navigate: &impl Fn(&str, NavigateOptions),
    tokens: Tokens,
    replace: bool,
) {
    let to = if tokens.user.must_change_password {
        super::password::PATH
    } else {
        "/me"
    };
    session.start(tokens);
    navigate(
        to,
        NavigateOptions {
            replace,
            ..Default::default()
        },
    );
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let by_password = RwSignal::new(false);
    // The WeChat button, only inside WeChat and only when the server has WeChat sign-in.
    let wechat = LocalResource::new(|| async {
        inside_wechat()
            && api::call(&LoginMethodsOf, &(), None)
                .await
                .is_ok_and(|m| m.wechat_appid.is_some())
    });
    view! {
        <TopBar />
        <main class="content">
            <h1 class="region-name">{tr(Text::SignIn)}</h1>
            {move || wechat.get().unwrap_or(false).then(|| view! {
                <WechatButton />
                <p class="or-divider">{tr(Text::OrUsePhone)}</p>
            })}
            <div class="tabs" role="tablist">
                <Choice class="tab-button" tab=true testid="by-code" chosen=Signal::derive(move || !by_password.get()) choose=move || by_password.set(false)>
                    {tr(Text::SignInByCode)}
                </Choice>
                <Choice class="tab-button" tab=true testid="by-password" chosen=by_password choose=move || by_password.set(true)>
                    {tr(Text::SignInByPassword)}
                </Choice>
            </div>
            {move || if by_password.get() {
                view! { <PasswordForm /> }.into_any()
            } else {
                view! { <PhoneCodeForm bind_token=None /> }.into_any()
            }}
        </main>
    }
}

/// `/login/wechat?code=…&state=…`: back from WeChat's authorisation page.
#[component]
pub fn WechatCallbackPage() -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let navigate = use_navigate();
    let (code, state) = use_query_map().with_untracked(|q| {
        (
            q.get("code").unwrap_or_default(),
            q.get("state").unwrap_or_default(),
        )
    });
    // The code is a credential for a few seconds: take it out of the address bar (and so out
    // of history and of a page shared from WeChat).
    if let Ok(history) = window().history() {
        let _ =
            history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("/login/wechat"));
    }
    // Only the sign-in this browser started: another's code is never sent. The exchange runs
    // once; WeChat codes work once (the server answers a repeat the same).
    let kept = kept_sign_in().filter(|(kept, _)| *kept == state);
    let outcome = LocalResource::new(move || {
        let body = kept.clone().map(|(state, verifier)| WechatLogin {
            code: code.clone(),
            state,
            verifier,
        });
        async move {
            let body = body?;
            let answer = api::call(&WechatSignIn, &body, None).await;
            forget_sign_in();
            Some(answer)
        }
    });
    Effect::new(move |_| {
        if let Some(Some(Ok(WechatOutcome::Session(tokens)))) = outcome.get() {
            enter(session, &navigate, tokens, true);
        }
    });
    let confirmed = RwSignal::new(false);
    view! {
        <TopBar />
        <main class="content">
            <h1 class="region-name">{tr(Text::WechatSignIn)}</h1>
            {move || match outcome.get() {
                None | Some(Some(Ok(WechatOutcome::Session(_)))) => view! {
                    <p class="form-notice" role="status">{tr(Text::WechatSigningIn)}</p>
                }.into_any(),
                Some(None) => view! {
                    <p class="form-notice error" role="alert">{tr(Text::WechatNotStartedHere)}</p>
                    <a class="secondary wide link-button" href="/login">{tr(Text::BackToSignIn)}</a>
                }.into_any(),
                Some(Some(Ok(WechatOutcome::BindNeeded(_)))) if !confirmed.get() => view! {
                    <p class="form-notice" role="status">{tr(Text::WechatBindConfirm)}</p>
                    <button class="primary wide" type="button" on:click=move |_| confirmed.set(true)>
                        {tr(Text::WechatBindYes)}
                    </button>
                    <a class="secondary wide link-button" href="/login">{tr(Text::WechatBindNo)}</a>
                }.into_any(),
                Some(Some(Ok(WechatOutcome::BindNeeded(bind)))) => view! {
                    <p class="form-notice" role="status">{tr(Text::WechatBindHint)}</p>
                    <PhoneCodeForm bind_token=Some(bind.bind_token) />
                }.into_any(),
                Some(Some(Err(failure))) => view! {
                    <p class="form-notice error" role="alert">{move || t(locale.get(), explain(&failure))}</p>
                    <a class="secondary wide link-button" href="/login">{tr(Text::BackToSignIn)}</a>
                }.into_any(),
            }}
        </main>
    }
}

/// Phone number and SMS code. Without a bind token it signs in (`POST /auth/otp/verify`);
/// with one it binds the WeChat account to the person of that phone and signs in
/// (`POST /auth/wechat/bind`). Either way the person lands on 我的.
#[component]
fn PhoneCodeForm(bind_token: Option<String>) -> impl IntoView {
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
            match api::call(&OtpSendCode, &body, None).await {
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
        let (phone, code) = (phone.get_untracked(), code.get_untracked());
        let bind_token = bind_token.clone();
        let navigate = go_to_me.clone();
        let call = async move {
            match bind_token {
                None => {
                    let body = OtpVerify { phone, code };
                    api::call(&OtpVerifyCode, &body, None).await
                }
                Some(bind_token) => {
                    let body = WechatBind {
                        bind_token,
                        phone,
                        code,
                    };
                    api::call(&WechatBindPhone, &body, None).await
                }
            }
        };
        mutate(busy, call, move |answer| match answer {
            Ok(tokens) => enter(session, &navigate, tokens, false),
            Err(failure) => {
                notice.try_set(Some((explain(&failure), true)));
            }
        });
    };

    view! {
            <form class="form" on:submit=sign_in>
                <TextField label=Text::Phone value=phone placeholder=Text::PhonePlaceholder name="phone" kind=Kind::OwnPhone />
                <TextField label=Text::Code value=code placeholder=Text::CodePlaceholder name="code" kind=Kind::SmsCode max=6 row="code-row">
                    <button class="secondary" type="button" on:click=send_code disabled=move || { countdown.get() > 0 }>
                        {move || match countdown.get() {
                            0 => t(locale.get(), Text::GetCode).to_owned(),
                            n => resend_in(locale.get(), n),
                        }}
                    </button>
                </TextField>
                {move || notice.get().map(|(text, error)| view! {
                    <p class=if error { "form-notice error" } else { "form-notice" } role="status">
                        {tr(text)}
                    </p>
                })}
                <button class="primary wide" type="submit" disabled=move || busy.get()>
                    {move || t(locale.get(), if busy.get() { Text::SigningIn } else { Text::SignIn })}
                </button>
            </form>
    }
}

/// Phone number and password, for staff (`POST /auth/password`); a wrong one is told without
/// saying which of the two, and after 10 wrong ones in an hour the server makes them wait.
#[component]
fn PasswordForm() -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let navigate = use_navigate();
    let phone = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let notice = RwSignal::new(None::<Text>);
    let busy = RwSignal::new(false);
    let sign_in = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = PasswordLogin {
            phone: phone.get_untracked(),
            password: password.get_untracked(),
        };
        let navigate = navigate.clone();
        let call = async move { api::call(&PasswordSignIn, &body, None).await };
        mutate(busy, call, move |answer| match answer {
            Ok(tokens) => enter(session, &navigate, tokens, false),
            Err(failure) => {
                let text = match failure.code() {
                    Some(ErrorCode::RateLimited) => Text::TooManyTries,
                    _ => explain(&failure),
                };
                notice.try_set(Some(text));
            }
        });
    };
    view! {
        <form class="form" on:submit=sign_in>
            <TextField label=Text::Phone value=phone placeholder=Text::PhonePlaceholder name="phone" kind=Kind::OwnPhone />
            <TextField label=Text::Password value=password placeholder=Text::PasswordPlaceholder name="password" kind=Kind::CurrentPassword max=128 />
            {move || notice.get().map(|text| view! {
                <p class="form-notice error" role="alert">{tr(text)}</p>
            })}
            <button class="primary wide" type="submit" disabled=move || busy.get()>
                {move || t(locale.get(), if busy.get() { Text::SigningIn } else { Text::SignIn })}
            </button>
        </form>
    }
}
