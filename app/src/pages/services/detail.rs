//! `/services/orders/{id}`: one order, its photos and timeline, who ordered or rated it for the
//! villager (代办) — and, just after a proxy rated it, the receipt —, and what the current role
//! may do with it.

use jifen_shared::ErrorCode;
use jifen_shared::api::{CancelOrder, ClaimOrder, GetOrder};
use jifen_shared::auth::Role;
use jifen_shared::proxy::ProxyNote;
use jifen_shared::services::{Order, OrderStatus};
use leptos::prelude::*;

use super::complete::CompleteForm;
use super::rate::RateForm;
use super::{OrderChip, action_trouble, grade_text};
use crate::api::ApiFailure;
use crate::components::{mutate, notice, path_id};
use crate::i18n::{
    Text, order_event, order_reward, photo_n, reward_paid, signed, stars_n, t, tr, use_locale,
};
use crate::pages::media::{MediaImage, Zoom};
use crate::pages::{ListSkeleton, TabbedScreen, require_sign_in};
use crate::proxy::{ProxyDone, proxy_line};
use crate::session::use_session;
use crate::time;

/// `/services/orders/{id}`: one order, its timeline and what the current role may do.
#[component]
pub fn OrderDetailPage() -> impl IntoView {
    require_sign_in();
    let id = path_id("id");
    let session = use_session();
    let role = Memo::new(move |_| session.current.get().map(|g| g.role));
    let back = move || match role.get() {
        Some(Role::Volunteer) => ("/tasks", Text::TasksTab),
        Some(r) if crate::session::manages(r) => ("/admin/services", Text::ServiceOrders),
        _ => ("/services/orders", Text::MyOrders),
    };
    view! {
        <TabbedScreen>
            <nav class="crumbs">
                <a class="crumb" href=move || back().0>"‹ "{move || tr(back().1)}</a>
            </nav>
            {move || match (session.me.with(Option::is_some), id.get()) {
                (false, _) => view! { <ListSkeleton /> }.into_any(),
                (true, None) => notice(Text::OrderNotFound, "/", Text::BackHome).into_any(),
                (true, Some(id)) => view! { <OrderDetail id /> }.into_any(),
            }}
        </TabbedScreen>
    }
}

/// Loads `GET /services/orders/{id}` into `into`.
fn load_order(id: i64, into: RwSignal<Option<Result<Order, ApiFailure>>>) {
    let session = use_session();
    leptos::task::spawn_local(async move {
        let result = session.call(&GetOrder { id }, &()).await;
        into.try_set(Some(result));
    });
}

/// The receipt of the rating on `order`, when a proxy gave it.
fn rating_receipt(order: &Order) -> Option<&ProxyNote> {
    order.rating.as_ref()?.proxy.as_ref()
}

/// One order; after a rating given for the villager by a proxy, its receipt above it.
#[component]
fn OrderDetail(id: i64) -> impl IntoView {
    let order = RwSignal::new(None::<Result<Order, ApiFailure>>);
    let rated = RwSignal::new(None::<ProxyNote>);
    load_order(id, order);
    let changed = Callback::new(move |o: Order| {
        let before = order.with_untracked(|was| {
            was.as_ref()
                .and_then(|was| was.as_ref().ok())
                .and_then(rating_receipt)
                .map(|n| n.receipt_no.clone())
        });
        if let Some(note) = rating_receipt(&o).filter(|n| Some(&n.receipt_no) != before.as_ref()) {
            rated.set(Some(note.clone()));
        }
        order.set(Some(Ok(o)));
    });
    let reload = Callback::new(move |_| load_order(id, order));
    view! {
        {move || rated.get().map(|note| view! { <ProxyDone note /> })}
        {move || match order.get() {
            None => view! { <ListSkeleton /> }.into_any(),
            Some(Err(failure)) => view! {
                <crate::pages::Failure failure not_found=Text::OrderNotFound retry=reload />
            }
            .into_any(),
            Some(Ok(o)) => view! { <OrderCard order=o changed reload /> }.into_any(),
        }}
    }
}

/// The order's facts, timeline, rating and actions.
#[component]
fn OrderCard(order: Order, changed: Callback<Order>, reload: Callback<()>) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let role = session.current.get_untracked().map(|g| g.role);
    let me = session.me.with_untracked(|m| m.as_ref().map(|m| m.id));
    let Order {
        id,
        type_name,
        reward_points,
        description,
        address,
        status,
        orderer_id,
        orderer_name,
        orderer_phone,
        volunteer_id,
        volunteer_name,
        photo_ids,
        completion_note,
        completion_photo_ids,
        rating,
        paid,
        rectification,
        timeline,
        proxy,
        ..
    } = order;
    let mine_to_complete =
        status == OrderStatus::Claimed && volunteer_id.is_some() && volunteer_id == me;
    // After a 差评 the village looks into it; once it has, the villager may rate once more.
    let rectified = rectification
        .as_ref()
        .filter(|r| r.status == "closed")
        .map(|r| r.follow_up.clone().unwrap_or_default());
    let rectifying = rectification.is_some_and(|r| r.status == "open");
    // "My order" is told by who ordered it, not by the current role: a volunteer orders
    // services for their own home too.
    let ordered_by_me = me == Some(orderer_id);
    let rate_again =
        ordered_by_me && rectified.is_some() && rating.as_ref().is_some_and(|r| r.round == 1);
    let actions = match (ordered_by_me, role, status) {
        (true, _, OrderStatus::Open) => {
            view! { <Act id action=OneTap::Cancel text=Text::CancelOrder primary=false changed reload /> }
                .into_any()
        }
        (true, _, OrderStatus::Completed) if rating.is_none() || rate_again => {
            view! { <RateForm id changed /> }.into_any()
        }
        (false, Some(Role::Volunteer), OrderStatus::Open) => {
            view! { <Act id action=OneTap::Claim text=Text::ClaimOrder primary=true changed reload /> }
                .into_any()
        }
        (false, Some(Role::Volunteer), OrderStatus::Claimed) if mine_to_complete => {
            view! { <CompleteForm id changed reload /> }.into_any()
        }
        _ => ().into_any(),
    };
    let place = address.clone();
    view! {
        <section class="card order-card" data-testid="order-detail" data-order=id.to_string()>
            <div class="claim-head">
                <h1 class="region-name">{type_name}</h1>
                <OrderChip status />
            </div>
            <p class="claim-note" data-testid="order-description">{description}</p>
            {(!photo_ids.is_empty()).then(|| view! { <OrderPhotos photos=photo_ids /> })}
            <p class="me-line">
                <span class="field-label">{tr(Text::Address)}</span>
                <span>{move || place.clone().unwrap_or_else(|| t(locale.get(), Text::AtMyHome).to_owned())}</span>
            </p>
            <p class="me-line">
                <span class="field-label">{tr(Text::Orderer)}</span>
                <span>{orderer_name}{orderer_phone.map(|p| format!(" {p}"))}</span>
            </p>
            {proxy_line(proxy)}
            {volunteer_name.map(|name| view! {
                <p class="me-line">
                    <span class="field-label">{tr(Text::VolunteerWord)}</span>
                    <span data-testid="order-volunteer">{name}</span>
                </p>
            })}
            {completion_note.map(|note| view! {
                <p class="me-line">
                    <span class="field-label">{tr(Text::WhatWasDone)}</span>
                    <span>{note}</span>
                </p>
            })}
            {(!completion_photo_ids.is_empty()).then(|| view! {
                <OrderPhotos photos=completion_photo_ids testid="completion-photo" />
            })}
            <p class="hint" data-testid="order-reward">
                {move || if paid { reward_paid(locale.get(), reward_points) } else { order_reward(locale.get(), reward_points) }}
            </p>
        </section>
        {rating.map(|r| {
            let grade = r.grade;
            view! {
                <section class="card" data-testid="order-rating">
                    <h2 class="section-title">{tr(Text::YourRating)}</h2>
                    <p class="stars-shown" aria-label=move || stars_n(locale.get(), r.stars)>
                        {"★".repeat(r.stars.clamp(0, 5) as usize)}
                        <span class="stars-off">{"★".repeat((5 - r.stars).clamp(0, 5) as usize)}</span>
                    </p>
                    <p class="grade" data-testid="rating-grade">{tr(grade_text(grade))}</p>
                    {(!r.comment.is_empty()).then(|| view! { <p class="claim-note">{r.comment.clone()}</p> })}
                    {r.automatic.then(|| view! { <p class="hint">{tr(Text::AutoRated)}</p> })}
                    {proxy_line(r.proxy.clone())}
                </section>
            }
        })}
        {rectifying.then(|| view! {
            <p class="form-notice" role="note" data-testid="rectification-open">{tr(Text::RectificationOpen)}</p>
        })}
        {rectified.map(|follow_up| view! {
            <div class="form-notice said" role="note" data-testid="rectified">
                <p class="notice-line">{tr(if rate_again { Text::RectifiedRateAgain } else { Text::Rectified })}</p>
                {(!follow_up.is_empty()).then(|| view! { <p class="claim-note">{follow_up}</p> })}
            </div>
        })}
        {actions}
        <h2 class="section-title">{tr(Text::Timeline)}</h2>
        <ol class="timeline" data-testid="timeline">
            {timeline
                .into_iter()
                .map(|step| {
                    let kind = step.kind.clone();
                    let note = match step.kind.as_str() {
                        "paid" => step.note.parse::<i64>().map(signed).unwrap_or(step.note.clone()),
                        "claimed" | "dispatched" => String::new(),
                        _ => step.note.clone(),
                    };
                    let at = step.at.clone();
                    view! {
                        <li class="step" data-testid="timeline-step" data-kind=step.kind.clone()>
                            <span class="step-dot" aria-hidden="true"></span>
                            <span class="step-text">
                                <span class="step-title">
                                    {move || order_event(locale.get(), &kind)}
                                    {step.actor_name.map(|n| format!(" · {n}"))}
                                </span>
                                {(!note.is_empty()).then(|| view! { <span class="step-note">{note}</span> })}
                                <span class="claim-sub">{move || time::when(locale.get(), &at)}</span>
                            </span>
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
}

/// Photos of an order as thumbnails (the villager's, or the volunteer's from the completion);
/// a tap shows one full-screen.
#[component]
fn OrderPhotos(
    photos: Vec<i64>,
    /// `order-photo` for the villager's, `completion-photo` for the volunteer's.
    #[prop(default = "order-photo")]
    testid: &'static str,
) -> impl IntoView {
    let locale = use_locale();
    let zoomed = RwSignal::new(None::<i64>);
    view! {
        <div class="thumbs" data-testid=format!("{testid}s")>
            {photos
                .into_iter()
                .enumerate()
                .map(|(i, media_id)| {
                    let alt = Signal::derive(move || photo_n(locale.get(), i + 1));
                    view! {
                        <button
                            class="thumb"
                            type="button"
                            data-testid=testid
                            aria-label=move || format!("{} · {}", alt.get(), t(locale.get(), Text::TapToZoom))
                            on:click=move |_| zoomed.set(Some(media_id))
                        >
                            <MediaImage media_id alt />
                        </button>
                    }
                })
                .collect_view()}
        </div>
        {move || zoomed.get().map(|media_id| view! {
            <Zoom media_id close=Callback::new(move |_| zoomed.set(None)) />
        })}
    }
}

/// An order action of one tap, without a body (sent as `{}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OneTap {
    /// 接单 (`POST /services/orders/{id}/claim`).
    Claim,
    /// 取消订单 (`POST /services/orders/{id}/cancel`).
    Cancel,
}

impl OneTap {
    /// The last word of its path, as the button's test hook says it.
    fn name(self) -> &'static str {
        match self {
            OneTap::Claim => "claim",
            OneTap::Cancel => "cancel",
        }
    }

    async fn run(self, session: crate::session::Session, id: i64) -> Result<Order, ApiFailure> {
        match self {
            OneTap::Claim => session.call(&ClaimOrder { id }, &()).await,
            OneTap::Cancel => session.call(&CancelOrder { id }, &()).await,
        }
    }
}

/// A one-tap action on an order ([`OneTap`]): 接单, 取消订单. A refusal is said plainly; the
/// order is read again when it changed meanwhile.
#[component]
fn Act(
    id: i64,
    action: OneTap,
    text: Text,
    primary: bool,
    changed: Callback<Order>,
    reload: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let busy = RwSignal::new(false);
    let trouble = RwSignal::new(None::<(ApiFailure, Text)>);
    let run = move || {
        if busy.get_untracked() {
            return;
        }
        trouble.set(None);
        mutate(busy, action.run(session, id), move |result| match result {
            Ok(order) => changed.run(order),
            Err(failure) => {
                let text = action_trouble(&failure);
                trouble.try_set(Some((failure, text)));
            }
        });
    };
    view! {
        {move || trouble.get().map(|(failure, text)| {
            let stale = matches!(failure.code(), Some(ErrorCode::AlreadyClaimed | ErrorCode::WrongState | ErrorCode::NotCancellable));
            view! {
                <div class="form-notice error" role="alert" data-testid="order-action-error">
                    <p class="notice-line">{tr(text)}</p>
                    {stale.then(|| view! {
                        <button class="secondary" type="button" on:click=move |_| reload.run(())>{tr(Text::Retry)}</button>
                    })}
                </div>
            }
        })}
        <button
            class=if primary { "primary wide" } else { "secondary wide" }
            type="button"
            data-testid=format!("order-{}", action.name())
            disabled=move || busy.get()
            on:click=move |_| run()
        >
            {tr(text)}
        </button>
    }
}
