//! A villager's redemptions (兑换单).
//!
//! `/redemptions/{id}` is the QR code to show at the counter, full-screen on white: the code
//! drawn in the app from the redemption's token ([`crate::qr`]), the 8-character short code in
//! large type under it for when the camera fails, the items and points, and until when to
//! collect. While it waits it asks every few seconds whether the keeper has handed the goods
//! over, and then says 已兑换. When the points price of the reservation differs from the one
//! the card showed (an admin changed it meanwhile: the reservation's answer says so in
//! `price_changed_from`), it says so and offers 取消兑换.
//!
//! `/redemptions` (我的兑换) lists them, newest first, with their status (待兑换, 已兑换, 已取消,
//! 已过期); one still to collect can be shown again (出示兑换码) or cancelled (取消兑换, asked
//! once: the points and the stock return).

use std::cell::RefCell;

use jifen_shared::PageQuery;
use jifen_shared::api::{CancelRedemption, MyRedemptions};
use jifen_shared::shop::{Redemption, RedemptionItem, RedemptionStatus};
use leptos::prelude::*;

use super::paged::{Paged, PagedList, page_query};
use super::{ListSkeleton, TabbedScreen, TopBar, Trouble, explain, require_sign_in};
use crate::api::ApiFailure;
use crate::components::{Confirm, done_icon, mutate, notice, path_id};
use crate::i18n::{
    Text, collect_by, goods_times, grouped_code, points_text, price_changed, t, tr, use_locale,
};
use crate::qr::QrImage;
use crate::session::{Session, use_session};
use crate::time;

/// How often the QR screen asks whether the goods were handed over.
const POLL_MS: i32 = 4_000;

thread_local! {
    /// The redemption just made (the answer of `POST /redemptions`, the only one that says
    /// whether a price changed): the QR screen opens at once (once: opened again later, it is
    /// read fresh).
    static LAST: RefCell<Option<Redemption>> = const { RefCell::new(None) };
}

/// Keeps a redemption just made for its QR screen.
pub fn remember(redemption: Redemption) {
    LAST.with(|last| *last.borrow_mut() = Some(redemption));
}

fn recalled(id: i64) -> Option<Redemption> {
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        match &*last {
            Some(r) if r.id == id => last.take(),
            _ => None,
        }
    })
}

/// The lines whose price of reservation differs from the one the villager was shown:
/// (name, now, shown).
pub fn changed_prices(items: &[RedemptionItem]) -> Vec<(String, i64, i64)> {
    items
        .iter()
        .filter_map(|item| {
            let was = item.price_changed_from?;
            (was != item.unit_points).then(|| (item.name.clone(), item.unit_points, was))
        })
        .collect()
}

/// `GET /redemptions/mine` pages until redemption `id` turns up (there is no one-redemption
/// endpoint; the one shown is nearly always on the first page).
async fn find(session: Session, id: i64) -> Result<Option<Redemption>, ApiFailure> {
    let mut cursor: Option<String> = None;
    for _ in 0..10 {
        let mine = MyRedemptions {
            query: PageQuery {
                limit: Some(100),
                cursor: cursor.clone(),
            },
        };
        let mine = &mine;
        let page = session.call(mine, &()).await?;
        if let Some(found) = page.items.into_iter().find(|r| r.id == id) {
            return Ok(Some(found));
        }
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    Ok(None)
}

/// The status chip: 待兑换 / 已兑换 / 已取消 / 已过期.
#[component]
pub fn RedemptionChip(#[prop(into)] status: Signal<RedemptionStatus>) -> impl IntoView {
    let locale = use_locale();
    let class = move || match status.get() {
        RedemptionStatus::Reserved => "chip pending",
        RedemptionStatus::Fulfilled => "chip approved",
        RedemptionStatus::Cancelled | RedemptionStatus::Expired => "chip rejected",
    };
    view! {
        <span class=class data-testid="redemption-status" data-status=move || status.get().as_str()>
            {move || t(locale.get(), status_text(status.get()))}
        </span>
    }
}

/// The word for a status.
pub fn status_text(status: RedemptionStatus) -> Text {
    match status {
        RedemptionStatus::Reserved => Text::StatusReserved,
        RedemptionStatus::Fulfilled => Text::StatusFulfilled,
        RedemptionStatus::Cancelled => Text::StatusCancelled,
        RedemptionStatus::Expired => Text::StatusExpired,
    }
}

/// `/redemptions/{id}`: the QR code, full-screen.
#[component]
pub fn RedemptionPage() -> impl IntoView {
    require_sign_in();
    let session = use_session();
    let id = path_id("id");
    let signed_in = Memo::new(move |_| session.me.with(Option::is_some));
    move || match (signed_in.get(), id.get()) {
        (_, None) => not_found().into_any(),
        (false, _) => view! {
            <TopBar />
            <main class="content"><ListSkeleton /></main>
        }
        .into_any(),
        (true, Some(id)) => view! { <QrLoader id /> }.into_any(),
    }
}

fn not_found() -> impl IntoView {
    view! {
        <TopBar />
        <main class="content">
            {notice(Text::RedemptionNotFound, "/redemptions", Text::MyRedemptions)}
        </main>
    }
}

/// Finds the redemption (the one just made, or in 我的兑换), then its QR screen.
#[component]
fn QrLoader(id: i64) -> impl IntoView {
    let session = use_session();
    // The one just made is `fresh`: made for a villager by a proxy, its receipt follows.
    let found = LocalResource::new(move || async move {
        match recalled(id) {
            Some(known) => Ok(Some((known, true))),
            None => find(session, id).await.map(|r| r.map(|r| (r, false))),
        }
    });
    move || match found.get() {
        None => view! {
            <TopBar />
            <main class="content"><ListSkeleton /></main>
        }
        .into_any(),
        Some(Err(failure)) => {
            let text = explain(&failure);
            view! {
                <TopBar />
                <main class="content">
                    <Trouble failure text retry=Callback::new(move |_| found.refetch()) />
                </main>
            }
            .into_any()
        }
        Some(Ok(None)) => not_found().into_any(),
        Some(Ok(Some((redemption, fresh)))) => view! { <QrScreen redemption fresh /> }.into_any(),
    }
}

/// What a redemption takes: a line for each goods (name × quantity, points), then the points
/// in all — on the QR screen, or in the keeper's `preview` before handing the goods over.
#[component]
pub fn RedemptionLines(
    items: Vec<RedemptionItem>,
    points: i64,
    #[prop(optional)] preview: bool,
) -> impl IntoView {
    let (class, total_testid) = if preview {
        ("qr-items preview-items", "preview-points")
    } else {
        ("qr-items", "qr-points")
    };
    let item_testid = preview.then_some("preview-item");
    view! {
        <ul class=class>
            {items
                .into_iter()
                .map(|item| {
                    let line = goods_times(&item.name, item.qty);
                    view! {
                        <li data-testid=item_testid>
                            <span>{line}</span>
                            <span class="qr-item-points">{points_text(item.points)}</span>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
        <p class="qr-total">
            {tr(Text::PointsNeeded)}" "
            <strong data-testid=total_testid>{points_text(points)}</strong>
        </p>
    }
}

/// The QR screen: white, the code as large as the phone allows, the short code under it; while
/// a proxy acts for the villager, the 代办模式 banner on top, and for a redemption just made
/// (`fresh`) by a proxy its receipt.
#[component]
fn QrScreen(redemption: Redemption, fresh: bool) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let Redemption {
        id,
        shop_name,
        status,
        points,
        items,
        qr_token,
        short_code,
        expires_at,
        proxy,
        ..
    } = redemption;
    let status = RwSignal::new(status);
    // Until the keeper hands the goods over: ask now and then, and say so when done.
    if status.get_untracked() == RedemptionStatus::Reserved {
        leptos::task::spawn_local(async move {
            loop {
                time::sleep(POLL_MS).await;
                if status.try_get_untracked() != Some(RedemptionStatus::Reserved) {
                    break;
                }
                let latest = MyRedemptions {
                    query: page_query(None),
                };
                let page = session.call(&latest, &()).await;
                if let Some(now) = page
                    .ok()
                    .and_then(|p| p.items.into_iter().find(|r| r.id == id))
                    .filter(|r| r.status != RedemptionStatus::Reserved)
                {
                    status.try_set(now.status);
                }
            }
        });
    }
    let changed = changed_prices(&items);
    let price_moved = !changed.is_empty();
    let label = Signal::derive(move || t(locale.get(), Text::RedemptionCode).to_owned());
    let code = short_code.clone().unwrap_or_default();
    let code_view = grouped_code(&code);
    let collect = expires_at.clone();
    let shop = shop_name.clone();
    // Made just now by a proxy: its receipt, short and under the code (the banner is on top:
    // the QR and its code stay in view on a 640 px phone).
    let done = proxy
        .clone()
        .filter(|_| fresh)
        .map(|note| view! { <crate::proxy::ProxyDone note points compact=true /> });
    view! {
        <div class="qr-screen" data-testid="qr-screen" data-status=move || status.get().as_str()>
            <crate::proxy::ProxyBanner />
            {(!fresh).then(|| crate::proxy::proxy_line(proxy.clone()))}
            <header class="qr-head">
                <span class="qr-shop">{shop_name}</span>
                <a class="qr-done" href="/redemptions" data-testid="qr-done">{tr(Text::Done)}</a>
            </header>
            {move || match (status.get(), qr_token.clone()) {
                (RedemptionStatus::Reserved, Some(token)) => view! {
                    <p class="qr-title">{tr(Text::RedemptionCode)}</p>
                    <QrImage text=token label testid="redemption-qr" />
                    <p class="qr-code" data-testid="redemption-code" data-code=code.clone()>{code_view.clone()}</p>
                    <p class="qr-hint">{tr(Text::ShortCodeHint)}</p>
                }
                    .into_any(),
                (RedemptionStatus::Fulfilled, _) => view! {
                    <div class="qr-settled ok" role="status" data-testid="qr-collected">
                        {done_icon()}
                        <p class="qr-title">{tr(Text::CollectedTitle)}</p>
                    </div>
                }
                    .into_any(),
                (other, _) => view! {
                    <div class="qr-settled" role="status">
                        <p class="qr-title">{tr(Text::ClosedTitle)}</p>
                        <RedemptionChip status=other />
                    </div>
                }
                    .into_any(),
            }}
            {done}
            {changed
                .into_iter()
                .map(|(name, now, was)| view! {
                    <p class="form-notice error price-changed" role="alert" data-testid="price-changed">
                        {move || price_changed(locale.get(), &name, now, was)}
                    </p>
                })
                .collect_view()}
            <RedemptionLines items points />
            {move || (status.get() == RedemptionStatus::Reserved).then(|| {
                let (collect, shop) = (collect.clone(), shop.clone());
                view! {
                    <p class="qr-hint">{move || collect_by(locale.get(), &time::when(locale.get(), &collect), &shop)}</p>
                    <p class="qr-hint">{tr(Text::BrightenScreen)}</p>
                }
            })}
            {move || (price_moved && status.get() == RedemptionStatus::Reserved).then(|| view! {
                <CancelBox id on_done=Callback::new(move |r: Redemption| status.set(r.status)) />
            })}
        </div>
    }
}

/// 取消兑换, asked once; `on_done` gets the cancelled redemption.
#[component]
fn CancelBox(id: i64, on_done: Callback<Redemption>) -> impl IntoView {
    let session = use_session();
    let asking = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let trouble = RwSignal::new(None::<(ApiFailure, Text)>);
    let cancel = move || {
        if busy.get_untracked() {
            return;
        }
        trouble.set(None);
        let call = async move { session.call(&CancelRedemption { id }, &()).await };
        mutate(busy, call, move |result| match result {
            Ok(redemption) => {
                asking.try_set(false);
                on_done.run(redemption);
            }
            Err(failure) => {
                let text = explain(&failure);
                trouble.try_set(Some((failure, text)));
            }
        });
    };
    view! {
        <div class="cancel-box">
            {move || trouble.get().map(|(failure, text)| view! {
                <Trouble failure text retry=Callback::new(move |_| cancel()) />
            })}
            {move || if asking.get() {
                view! {
                    <Confirm yes=Text::CancelYes no=Text::KeepIt busy small=true testid="redemption-cancel-yes"
                        on_yes=cancel on_no=move || asking.set(false)>
                        {tr(Text::CancelQuestion)}
                    </Confirm>
                }
                    .into_any()
            } else {
                view! {
                    <button class="secondary small" type="button" data-testid="redemption-cancel" on:click=move |_| asking.set(true)>
                        {tr(Text::CancelRedemption)}
                    </button>
                }
                    .into_any()
            }}
        </div>
    }
}

/// `/redemptions` (我的兑换).
#[component]
pub fn RedemptionsPage() -> impl IntoView {
    require_sign_in();
    let paged = Paged::<Redemption>::new(
        |cursor| MyRedemptions {
            query: page_query(cursor),
        },
        |r| r.id,
    );
    view! {
        <TabbedScreen>
            <nav class="crumbs">
                <a class="crumb" href="/shop">"‹ "{tr(Text::Shop)}</a>
            </nav>
            <h1 class="region-name">{tr(Text::MyRedemptions)}</h1>
            <PagedList
                paged
                empty=Text::NoRedemptions
                class="list redemptions"
                row=|redemption| view! { <RedemptionRow redemption /> }
            />
        </TabbedScreen>
    }
}

/// One redemption: what, where, how many points, when, its status; to collect: 出示兑换码 and
/// 取消兑换.
#[component]
fn RedemptionRow(redemption: Redemption) -> impl IntoView {
    let locale = use_locale();
    let Redemption {
        id,
        shop_name,
        status,
        points,
        items,
        expires_at,
        created_at,
        proxy,
        ..
    } = redemption;
    // The row's own status: a cancel here changes it without reading the list again.
    let status = RwSignal::new(status);
    let cancelled_here = RwSignal::new(false);
    let what = items
        .iter()
        .map(|i| goods_times(&i.name, i.qty))
        .collect::<Vec<_>>()
        .join("、");
    let shop = shop_name.clone();
    view! {
        <li class="claim redemption" data-testid="redemption-item" data-redemption=id.to_string()>
            <div class="claim-head">
                <span class="row-name">{what}</span>
                <RedemptionChip status />
            </div>
            <p class="claim-sub">
                {shop_name}" · "
                <span class="redemption-points">{points_text(points)}</span>
            </p>
            <p class="claim-sub">{time::when_text(created_at)}</p>
            {crate::proxy::proxy_line(proxy)}
            {move || cancelled_here.get().then(|| view! {
                <p class="form-notice said" role="status" data-testid="redemption-cancelled">{tr(Text::CancelledBack)}</p>
            })}
            {move || (status.get() == RedemptionStatus::Reserved).then(|| {
                let (collect, shop) = (expires_at.clone(), shop.clone());
                view! {
                    <p class="claim-sub">{move || collect_by(locale.get(), &time::when(locale.get(), &collect), &shop)}</p>
                    <div class="redemption-actions">
                        <a class="primary small link-button" href=format!("/redemptions/{id}") data-testid="redemption-show">
                            {tr(Text::ShowCode)}
                        </a>
                        <CancelBox id on_done=Callback::new(move |r: Redemption| {
                            status.set(r.status);
                            cancelled_here.set(r.status == RedemptionStatus::Cancelled);
                        }) />
                    </div>
                }
            })}
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(unit_points: i64, price_changed_from: Option<i64>) -> RedemptionItem {
        RedemptionItem {
            goods_id: 1,
            name: "洗衣粉".into(),
            qty: 1,
            unit_points,
            points: unit_points,
            market_price_fen: 1290,
            price_changed_from,
        }
    }

    #[test]
    fn a_price_that_moved_is_told() {
        assert_eq!(
            changed_prices(&[item(40, Some(30)), item(10, None)]),
            [("洗衣粉".to_owned(), 40, 30)]
        );
        // Opened from 我的兑换 (the list does not say): nothing to tell.
        assert!(changed_prices(&[item(40, None)]).is_empty());
    }
}
