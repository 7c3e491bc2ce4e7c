//! `/login`: phone number, "获取验证码" with a resend countdown, the 6-digit code, 登录; a
//! second tab, 密码登录, for staff with a password (phone and password); and, inside WeChat's
//! browser when the server has WeChat sign-in, "微信一键登录" first. A staff person whose
//! password was reset lands on 修改密码 (`/me/password`) instead of 我的.
//!
//! `/login/wechat` is where WeChat's authorisation page sends the person back with `?code=`:
//! the code is exchanged for a session, or — the first time — for a bind token, and the person
//! confirms their phone number once with an SMS code ([`PhoneCodeForm`] in bind mode).

use std::time::Duration;

use jifen_shared::ErrorCode;
use jifen_shared::api::{
    LoginMethodsOf, OtpSendCode, OtpVerifyCode, PasswordSignIn, WechatBindPhone, WechatSignIn,
};
use jifen_shared::auth::{
    OtpSend, OtpVerify, PasswordLogin, Tokens, WechatBind, WechatLogin, WechatOutcome,
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

/// WeChat's web authorisation page (公众号网页授权, scope `snsapi_base`: no consent screen),
/// which sends the person back to `/login/wechat?code=…`.
fn wechat_authorize_url(appid: &str) -> String {
    let origin = window().location().origin().unwrap_or_default();
    let back = js_sys::encode_uri_component(&format!("{origin}/login/wechat"));
    format!(
        "https://open.weixin.qq.com/connect/oauth2/authorize?appid={appid}&redirect_uri={back}\
         &response_type=code&scope=snsapi_base&state=jifen#wechat_redirect"
    )
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
    let wechat_appid = LocalResource::new(|| async {
        if !inside_wechat() {
            return None;
        }
        api::call(&LoginMethodsOf, &(), None)
            .await
            .ok()
            .and_then(|m| m.wechat_appid)
    });
    view! {
        <TopBar />
        <main class="content">
            <h1 class="region-name">{tr(Text::SignIn)}</h1>
            {move || wechat_appid.get().flatten().map(|appid| view! {
                <a class="primary wide wechat" href=wechat_authorize_url(&appid)>
                    {tr(Text::WechatSignIn)}
                </a>
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

/// `/login/wechat?code=…`: back from WeChat's authorisation page.
#[component]
pub fn WechatCallbackPage() -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let navigate = use_navigate();
    let code = use_query_map().with_untracked(|q| q.get("code").unwrap_or_default());
    // The code is a credential for a few seconds: take it out of the address bar (and so out
    // of history and of a page shared from WeChat).
    if let Ok(history) = window().history() {
        let _ =
            history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("/login/wechat"));
    }
    // The exchange runs once; WeChat codes work once (the server answers a repeat the same).
    let outcome = LocalResource::new(move || {
        let body = WechatLogin { code: code.clone() };
        async move { api::call(&WechatSignIn, &body, None).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(WechatOutcome::Session(tokens))) = outcome.get() {
            enter(session, &navigate, tokens, true);
        }
    });
    view! {
        <TopBar />
        <main class="content">
            <h1 class="region-name">{tr(Text::WechatSignIn)}</h1>
            {move || match outcome.get() {
                None | Some(Ok(WechatOutcome::Session(_))) => view! {
                    <p class="form-notice" role="status">{tr(Text::WechatSigningIn)}</p>
                }.into_any(),
                Some(Ok(WechatOutcome::BindNeeded(bind))) => view! {
                    <p class="form-notice" role="status">{tr(Text::WechatBindHint)}</p>
                    <PhoneCodeForm bind_token=Some(bind.bind_token) />
                }.into_any(),
                Some(Err(failure)) => view! {
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
