//! `/me/member-code` (我的会员码): the villager's member code (`GET /me/member-code`) as a QR
//! code, full-screen on white like a redemption's: the keeper scans it to credit recyclables.
//! The code stays the same; nothing about the person can be read from it.

use jifen_shared::api::MyMemberCode;
use jifen_shared::recycling::MemberCode;
use leptos::prelude::*;

use super::{ListSkeleton, TopBar, require_sign_in};
use crate::components::load_trouble;
use crate::i18n::{Text, t, tr, use_locale};
use crate::qr::QrImage;
use crate::session::use_session;

/// `/me/member-code`.
#[component]
pub fn MemberCodePage() -> impl IntoView {
    require_sign_in();
    let session = use_session();
    let signed_in = Memo::new(move |_| session.me.with(Option::is_some));
    move || {
        if signed_in.get() {
            view! { <MemberScreen /> }.into_any()
        } else {
            view! {
                <TopBar />
                <main class="content"><ListSkeleton /></main>
            }
            .into_any()
        }
    }
}

/// Back where the person came from (我的 or 首页), or to 首页 when opened directly.
fn leave() {
    let Some(window) = web_sys::window() else {
        return;
    };
    match window.history() {
        Ok(history) if history.length().unwrap_or(0) > 1 => {
            let _ = history.back();
        }
        _ => {
            let _ = window.location().set_href("/");
        }
    }
}

/// The code, full-screen.
#[component]
fn MemberScreen() -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let code = LocalResource::new(move || async move { session.call(&MyMemberCode, &()).await });
    let name = session
        .me
        .with_untracked(|m| m.as_ref().map(|m| m.name.clone()))
        .unwrap_or_default();
    let label = Signal::derive(move || t(locale.get(), Text::MemberCode).to_owned());
    view! {
        <div class="qr-screen" data-testid="member-screen">
            <header class="qr-head">
                <span class="qr-shop">{name}</span>
                <button class="qr-done" type="button" data-testid="qr-done" on:click=|_| leave()>
                    {tr(Text::Done)}
                </button>
            </header>
            <p class="qr-title">{tr(Text::MemberCode)}</p>
            {move || match code.get() {
                None => view! { <span class="qr-image sk-qr" aria-busy="true"></span> }.into_any(),
                Some(Err(failure)) => load_trouble(failure, code),
                Some(Ok(MemberCode { token })) => view! { <QrImage text=token label testid="member-qr" /> }.into_any(),
            }}
            <p class="qr-hint">{tr(Text::MemberCodeHint)}</p>
            <p class="qr-hint">{tr(Text::BrightenScreen)}</p>
        </div>
    }
}
