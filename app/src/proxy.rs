//! 代办 in the app: acting for a villager without a smartphone ([`jifen_shared::proxy`]).
//!
//! A 代办员 (proxy agent) or a family delegate opens a proxy session on `/proxy`
//! ([`crate::pages::proxy`]). While it lasts the app *is* the villager's: [`Session::me`] holds
//! the villager's `Me` (`GET /me` answered as them) and the current role is their 村民 role, so
//! 首页, 挣积分, 积分超市, 服务 and 积分明细 work exactly as they do for the villager; the
//! signed-in person waits in [`Session::own`] until the session ends. Requests to the endpoints
//! that answer as the villager ([`acts_as_villager`]) carry [`ACTING_FOR_HEADER`] beside the
//! person's own token (`crate::api`); every other request goes as the person alone (the server
//! refuses the header anywhere else).
//!
//! The session is kept in `sessionStorage` (this tab only) so a reload keeps it until it
//! expires. The server's 401 `proxy_session_ended` ends it here too, and the agent is taken back
//! to `/proxy`, which says "代办已结束，请重新扫卡".
//!
//! On screen: [`ProxyBanner`] under the top bar of every screen while acting; [`ProxyDone`]
//! after each claim, reservation, order and rating made so (the receipt's number, 打印回执,
//! 继续代办); [`ProxyBy`] wherever something a proxy did is listed. [`provide_delegations`]
//! keeps the villagers the signed-in person may act for as a family delegate.

use std::cell::RefCell;

use jifen_shared::api::MyDelegations;
use jifen_shared::proxy::{Delegation, ProxyNote, ProxySession, card_no_printed};
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};

use crate::i18n::{Text, proxy_allowance, proxy_by, proxy_for, proxy_submitted, t, tr, use_locale};
use crate::session::{Session, use_session};

pub use jifen_shared::proxy::{ACTING_FOR_HEADER, acts_as_villager};

/// Where the 代办 screen lives.
pub const PATH: &str = "/proxy";

/// The receipt of `receipt_no`, printable (`/proxy/receipts/{no}`).
pub fn receipt_href(receipt_no: &str) -> String {
    format!("{PATH}/receipts/{receipt_no}")
}

/// The `sessionStorage` key of the proxy session in use.
const STORAGE_KEY: &str = "jifen.proxy";

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.session_storage().ok().flatten())
}

/// Keeps `proxy` in this tab, for a reload.
pub fn remember(proxy: &ProxySession) {
    if let (Some(storage), Ok(json)) = (session_storage(), serde_json::to_string(proxy)) {
        let _ = storage.set_item(STORAGE_KEY, &json);
    }
}

/// The proxy session kept in this tab, unless it has expired.
pub fn recalled() -> Option<ProxySession> {
    let json = session_storage()?.get_item(STORAGE_KEY).ok().flatten()?;
    let proxy: ProxySession = serde_json::from_str(&json).ok()?;
    let ends = js_sys::Date::parse(&proxy.expires_at);
    if ends.is_nan() || ends <= js_sys::Date::now() {
        forget();
        return None;
    }
    Some(proxy)
}

/// Forgets the proxy session kept in this tab.
pub fn forget() {
    if let Some(storage) = session_storage() {
        let _ = storage.remove_item(STORAGE_KEY);
    }
}

thread_local! {
    /// The receipts already counted against the session's allowance (a confirmation drawn
    /// again counts once).
    static COUNTED: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Takes what `note`'s action used (one action, `points` spent) off the allowance shown in the
/// banner, once per receipt. The server counts for real; this keeps the banner near the
/// truth until the next proxy session says it anew.
fn count(session: Session, note: &ProxyNote, points: i64) {
    let first = COUNTED.with(|seen| {
        let mut seen = seen.borrow_mut();
        let new = !seen.contains(&note.receipt_no);
        if new {
            seen.push(note.receipt_no.clone());
        }
        new
    });
    if !first {
        return;
    }
    session.proxy.update(|proxy| {
        if let Some(proxy) = proxy {
            proxy.allowance.actions_left = (proxy.allowance.actions_left - 1).max(0);
            proxy.allowance.points_left = (proxy.allowance.points_left - points.max(0)).max(0);
            remember(proxy);
        }
    });
}

/// The banner of 代办模式, under the top bar of every screen while acting: for whom, what is
/// left today, and 结束代办. When the server ended the session it takes the agent back to
/// `/proxy`.
#[component]
pub fn ProxyBanner() -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let navigate = use_navigate();
    let location = use_location();
    let to_start = navigate.clone();
    Effect::new(move |_| {
        if session.proxy_ended.get() && location.pathname.get_untracked() != PATH {
            to_start(PATH, Default::default());
        }
    });
    let end = move |_| {
        session.stop_proxy();
        navigate(PATH, Default::default());
    };
    move || {
        session.proxy.get().map(|proxy| {
            let name = proxy.person_name.clone();
            let left = proxy.allowance;
            let end = end.clone();
            view! {
                <div class="proxy-banner" role="status" data-testid="proxy-banner">
                    <span class="proxy-banner-text">
                        <strong class="proxy-banner-who">{move || proxy_for(locale.get(), &name)}</strong>
                        <span class="proxy-banner-left" data-testid="proxy-allowance">
                            {move || proxy_allowance(locale.get(), left.actions_left, left.points_left)}
                        </span>
                    </span>
                    <button class="proxy-banner-end" type="button" data-testid="proxy-end" on:click=end>
                        {tr(Text::EndProxy)}
                    </button>
                </div>
            }
        })
    }
}

/// "由 代办员 王*华 代办" (or 家属) under something a proxy did.
#[component]
pub fn ProxyBy(note: ProxyNote) -> impl IntoView {
    let locale = use_locale();
    let ProxyNote {
        receipt_no,
        agent_name,
        kind,
    } = note;
    view! {
        <span class="proxy-by" data-testid="proxy-by" data-receipt=receipt_no>
            {move || proxy_by(locale.get(), kind, &agent_name)}
        </span>
    }
}

/// [`ProxyBy`] of a note that may be absent.
pub fn proxy_line(note: Option<ProxyNote>) -> impl IntoView {
    note.map(|note| view! { <ProxyBy note /> })
}

/// The confirmation after something done for the villager: what was done (代办成功, or for a
/// claim or an order, which only waits for review or a volunteer, "已为 张桂英 提交":
/// `submitted`), the receipt's number, 打印回执 and 继续代办 (to the villager's 首页).
/// `points`: what it spent (a reservation's points), taken off the banner's allowance with the
/// action. `compact`: one short block (the QR screen, where the code must stay in view).
#[component]
pub fn ProxyDone(
    note: ProxyNote,
    #[prop(optional)] points: i64,
    #[prop(optional)] submitted: bool,
    #[prop(optional)] compact: bool,
) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    count(session, &note, points);
    let href = receipt_href(&note.receipt_no);
    let number = card_no_printed(&note.receipt_no);
    let receipt_no = note.receipt_no.clone();
    let villager = session
        .proxy
        .with_untracked(|p| p.as_ref().map(|p| p.person_name.clone()));
    let title = move || {
        let locale = locale.get();
        match (submitted, &villager) {
            (true, Some(name)) => proxy_submitted(locale, name),
            (true, None) => t(locale, Text::ProxySubmitted).to_owned(),
            (false, _) => t(locale, Text::ProxyDoneTitle).to_owned(),
        }
    };
    let (class, size) = if compact {
        ("card proxy-done compact", " small")
    } else {
        ("card proxy-done", "")
    };
    view! {
        <section class=class role="status" data-testid="proxy-done" data-receipt=receipt_no>
            <p class="proxy-done-title">"✓ "{title}</p>
            <p class="proxy-done-no">
                <span class="field-label">{tr(Text::ReceiptNo)}</span>
                " "
                <strong data-testid="proxy-receipt-no" translate="no">{number}</strong>
            </p>
            <div class="proxy-done-actions">
                <a class=format!("primary link-button{size}") href=href data-testid="proxy-print-receipt">{tr(Text::PrintReceipt)}</a>
                <a class=format!("secondary link-button{size}") href="/" data-testid="proxy-continue">{tr(Text::ContinueProxy)}</a>
            </div>
        </section>
    }
}

/// The villagers the signed-in person may act for as a family delegate (context,
/// [`provide_delegations`]): `None` until read; empty for most people.
#[derive(Clone, Copy)]
pub struct Delegations(pub RwSignal<Option<Vec<Delegation>>>);

/// Puts [`Delegations`] in context and reads them (`GET /proxy/delegations`) whenever the
/// signed-in person changes. Called once, in `App`.
pub fn provide_delegations() {
    let list = RwSignal::new(None::<Vec<Delegation>>);
    provide_context(Delegations(list));
    let session = use_session();
    let person = Memo::new(move |_| session.own_me().map(|m| m.id));
    Effect::new(move |_| {
        list.set(None);
        if person.get().is_some() {
            leptos::task::spawn_local(async move {
                // Read as nobody's delegate when it fails: the 代办 entry just stays hidden.
                let live = match session.call(&MyDelegations, &()).await {
                    Ok(all) => all.into_iter().filter(|d| d.ended_at.is_none()).collect(),
                    Err(_) => Vec::new(),
                };
                list.try_set(Some(live));
            });
        }
    });
}

/// The live delegations from context (`None` while they are read).
pub fn use_delegations() -> RwSignal<Option<Vec<Delegation>>> {
    use_context::<Delegations>()
        .expect("provide_delegations runs in App")
        .0
}

/// Whether `delegations` ([`use_delegations`]) name anyone to act for (tracked).
pub fn has_family(delegations: RwSignal<Option<Vec<Delegation>>>) -> bool {
    delegations.with(|d| d.as_ref().is_some_and(|d| !d.is_empty()))
}
