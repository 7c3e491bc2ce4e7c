//! 消息 (the in-app inbox): the bell with the unread count in the top bar, and `/inbox`.
//!
//! The count (`GET /inbox/unread`) is asked for at sign-in, when the app comes back to the
//! foreground, and every [`POLL_MS`] while it is visible (no push: WeChat's browser has none).
//! Opening `/inbox` lists the messages (`GET /inbox`, paged), newest first, unread ones marked,
//! and marks them all read (`POST /inbox/read`). A message opens the screen where its
//! reader acts on it ([`link_of`]): the order, the claims, the review queue (the staff's
//! digests of claims waiting or overdue), the open rectifications (a 差评), the shop's goods
//! (low stock: the admin's shop screen, or the keeper's goods). In 长辈模式 each message has
//! 朗读 ([`crate::elder::ReadAloud`]).

use jifen_shared::api::{InboxList, InboxReadAll, InboxUnread};
use jifen_shared::services::Notification;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use super::paged::{Load, Paged, PagedList, page_query};
use super::{TabbedScreen, require_sign_in};
use crate::elder::ReadAloud;
use crate::i18n::{Text, t, tr, unread_count, use_locale};
use crate::session::use_session;
use crate::time;

/// How often the count is asked for while the app is visible: a minute.
pub const POLL_MS: i32 = 60_000;

/// The unread count, in context.
#[derive(Clone, Copy)]
pub struct UnreadCount(pub RwSignal<i64>);

/// Whether the page is hidden (another app or tab in front).
fn hidden() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.hidden())
}

/// Asks for the unread count now (nothing while signed out or hidden).
fn refresh(count: RwSignal<i64>) {
    let session = use_session();
    if session.access_token.get_untracked().is_none() || hidden() {
        return;
    }
    leptos::task::spawn_local(async move {
        let answer = session.call(&InboxUnread, &()).await;
        if let Ok(unread) = answer {
            count.try_set(unread.count);
        }
    });
}

/// Puts the unread count in context and keeps it fresh (see the module). Called once, in `App`.
pub fn provide_unread() {
    let count = RwSignal::new(0_i64);
    provide_context(UnreadCount(count));
    let session = use_session();
    // Signed in (or another person): ask at once; signed out: nothing unread.
    let signed_in = Memo::new(move |_| session.me.with(|m| m.as_ref().map(|m| m.id)));
    Effect::new(move |_| match signed_in.get() {
        Some(_) => refresh(count),
        None => count.set(0),
    });
    let owner = Owner::current();
    let run = move || {
        if let Some(owner) = &owner {
            owner.with(|| refresh(count));
        }
    };
    let Some(window) = web_sys::window() else {
        return;
    };
    // The app lives as long as the page: these callbacks are never taken back.
    let tick = Closure::<dyn FnMut()>::new(run.clone());
    let _ = window.set_interval_with_callback_and_timeout_and_arguments_0(
        tick.as_ref().unchecked_ref(),
        POLL_MS,
    );
    tick.forget();
    if let Some(document) = window.document() {
        let shown = Closure::<dyn FnMut()>::new(move || {
            if !hidden() {
                run();
            }
        });
        let _ = document
            .add_event_listener_with_callback("visibilitychange", shown.as_ref().unchecked_ref());
        shown.forget();
    }
}

/// The unread count from context.
pub fn use_unread() -> RwSignal<i64> {
    use_context::<UnreadCount>()
        .expect("provide_unread runs in App")
        .0
}

/// The bell of the top bar, with a red badge of the unread count; a link to `/inbox`.
#[component]
pub fn Bell() -> impl IntoView {
    let locale = use_locale();
    let count = use_unread();
    view! {
        <a
            class="bell"
            href="/inbox"
            data-testid="inbox-bell"
            aria-label=move || {
                let n = count.get();
                if n > 0 { format!("{} {}", t(locale.get(), Text::Inbox), unread_count(locale.get(), n)) } else { t(locale.get(), Text::Inbox).to_owned() }
            }
        >
            <svg class="bell-icon" viewBox="0 0 24 24" aria-hidden="true">
                <path d="M6 17V11a6 6 0 0112 0v6l2 2H4z M10 21h4" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" />
            </svg>
            {move || (count.get() > 0).then(|| view! {
                <span class="bell-badge" data-testid="inbox-unread">{move || { let n = count.get(); if n > 99 { "99+".to_owned() } else { n.to_string() } }}</span>
            })}
        </a>
    }
}

/// `/inbox` (消息).
#[component]
pub fn InboxPage() -> impl IntoView {
    require_sign_in();
    let session = use_session();
    let count = use_unread();
    let paged = Paged::<Notification>::new(
        |cursor| InboxList {
            query: page_query(cursor),
        },
        |n| n.id,
    );
    // Once the first page is shown (unread ones marked), all are read.
    let marked = StoredValue::new(false);
    Effect::new(move |_| {
        if paged.first.get() == Load::Idle && !marked.get_value() {
            marked.set_value(true);
            leptos::task::spawn_local(async move {
                let answer = session.call(&InboxReadAll, &()).await;
                if answer.is_ok() {
                    count.try_set(0);
                }
            });
        }
    });
    view! {
        <TabbedScreen>
            <h1 class="region-name">{tr(Text::Inbox)}</h1>
            <PagedList paged empty=Text::NoMessages class="list claims" row=|n| view! { <Message n /> } />
        </TabbedScreen>
    }
}

/// Where a message of `kind` leads: an order sent up to the village admins opens 服务订单,
/// where they dispatch it (派单); the others follow [`link_of`].
fn link_for(kind: &str, reference: &str, manages: bool) -> Option<String> {
    match kind {
        "order_escalated_admin" if manages => Some("/admin/services".to_owned()),
        _ => link_of(reference, manages),
    }
}

/// Where a message about `reference` leads its reader; `manages`: the reader is acting as an
/// admin now (a shop's goods are then the admin's shop screen, else the keeper's goods).
fn link_of(reference: &str, manages: bool) -> Option<String> {
    let (kind, id) = reference.split_once(':')?;
    if kind == "review" {
        // `review:<region code>`: the review queue, which holds the reader's regions.
        return Some("/review".to_owned());
    }
    if kind == "settlement" {
        // `settlement:<shop>:<YYYY-MM>`: the keeper's statements, on the month paid.
        let month = id.split_once(':').map_or("", |(_, m)| m);
        return Some(format!("{}?month={month}", super::settlements::KEEPER_PATH));
    }
    let id: i64 = id.parse().ok()?;
    match kind {
        "order" => Some(format!("/services/orders/{id}")),
        "claim" => Some("/claims".to_owned()),
        "rectification" => Some(super::admin::services::RECTIFICATIONS_PATH.to_owned()),
        "shop" if manages => Some(format!("/admin/shops/{id}")),
        "shop" => Some(format!("{}?shop={id}", super::recycling::GOODS_PATH)),
        _ => None,
    }
}

/// One message.
#[component]
fn Message(n: Notification) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let manages = session
        .current
        .get_untracked()
        .is_some_and(|g| crate::session::manages(g.role));
    let Notification {
        text,
        reference,
        read,
        created_at,
        kind,
        ..
    } = n;
    // 朗读 names the message by its first words (several are on the screen).
    let what: String = text.chars().take(12).collect();
    let spoken = text.clone();
    let body = view! {
        <p class="claim-note">{text}</p>
        <p class="claim-sub">{move || time::when(locale.get(), &created_at)}</p>
    };
    view! {
        <li class="claim message" class:unread=!read data-testid="inbox-item" data-kind=kind>
            {match link_for(&kind, &reference, manages) {
                Some(href) => view! { <a class="order-link" href=href>{body}</a> }.into_any(),
                None => body.into_any(),
            }}
            <ReadAloud what text=Callback::new(move |_| spoken.clone()) />
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::{link_for, link_of};

    #[test]
    fn a_message_leads_to_what_it_is_about() {
        assert_eq!(
            link_of("order:12", false).as_deref(),
            Some("/services/orders/12")
        );
        assert_eq!(link_of("claim:3", false).as_deref(), Some("/claims"));
        assert_eq!(link_of("redemption:7", false), None);
        assert_eq!(link_of("order:x", false), None);
    }

    #[test]
    fn a_staff_message_leads_to_where_they_act() {
        assert_eq!(
            link_of("review:410783101230-001", false).as_deref(),
            Some("/review")
        );
        assert_eq!(
            link_of("review:410783101230", true).as_deref(),
            Some("/review")
        );
        assert_eq!(
            link_of("rectification:4", true).as_deref(),
            Some("/admin/rectifications")
        );
        assert_eq!(
            link_of("order:9", true).as_deref(),
            Some("/services/orders/9")
        );
        assert_eq!(link_of("shop:2", true).as_deref(), Some("/admin/shops/2"));
        assert_eq!(
            link_of("settlement:2:2026-11", false).as_deref(),
            Some("/keeper/settlements?month=2026-11")
        );
        assert_eq!(
            link_for("order_escalated_admin", "order:9", true).as_deref(),
            Some("/admin/services")
        );
        assert_eq!(
            link_for("order_escalated", "order:9", true).as_deref(),
            Some("/services/orders/9")
        );
        assert_eq!(
            link_of("shop:2", false).as_deref(),
            Some("/keeper/goods?shop=2")
        );
    }
}
