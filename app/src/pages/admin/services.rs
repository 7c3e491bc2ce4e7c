//! `/admin/services` (派单 · 差评整改): the service orders of the admin's regions
//! (`GET /admin/services/orders`), an open one dispatched to a volunteer with two taps
//! ([`DispatchableOrder`], also the grid worker's 待派单 on 审核), and the open rectifications
//! (`GET /admin/rectifications?status=open`), each closed with what was done
//! (`POST /admin/rectifications/{id}/close`).
//!
//! `/admin/rectifications` (差评整改) is the rectifications alone: where a village admin told
//! of a 差评 (the inbox) lands, without scrolling past the orders.

use jifen_shared::ErrorCode;
use jifen_shared::api::{
    CloseRectificationOf, DispatchChoices, DispatchOrder, GetOrder, ListRectifications,
    RegionOrders,
};
use jifen_shared::auth::RoleGrant;
use jifen_shared::services::{
    CloseRectification, Dispatch, Order, OrderStatus, Rectification, RectificationsQuery,
};
use leptos::prelude::*;

use super::AdminFrame;
use crate::components::{TextArea, load_trouble, mutate};
use crate::i18n::{Text, dispatched_to, due_by, open_tasks, order_no, t, tr, use_locale};
use crate::pages::paged::{Paged, PagedList, page_query};
use crate::pages::services::{OrderChip, grade_text};
use crate::pages::{ListSkeleton, explain};
use crate::session::use_session;
use crate::time;

/// The longest follow-up, in characters (the server's limit).
const MAX_FOLLOW_UP_CHARS: usize = 1000;

#[component]
pub fn ServicesAdminPage() -> impl IntoView {
    view! { <AdminFrame screen=|grant| view! { <Screen grant /> } /> }
}

/// The address of the rectifications alone.
pub const RECTIFICATIONS_PATH: &str = "/admin/rectifications";

/// `/admin/rectifications` (差评整改): the open rectifications, each closed with what was done.
#[component]
pub fn RectificationsPage() -> impl IntoView {
    view! {
        <AdminFrame back=("/admin/services", Text::ServiceOrders) screen=|_| view! {
            <h1 class="region-name">{tr(Text::Rectifications)}</h1>
            <RectificationList />
        } />
    }
}

/// The orders, then the rectifications.
#[component]
fn Screen(grant: RoleGrant) -> impl IntoView {
    let _ = grant;
    let orders = Paged::<Order>::new(
        |cursor| RegionOrders {
            query: page_query(cursor),
        },
        |o| o.id,
    );
    view! {
        <h1 class="region-name">{tr(Text::ServiceOrders)}</h1>
        <PagedList paged=orders empty=Text::NoOrders class="list claims" row={admin_row as fn(Order) -> AnyView} />
        <h2 class="section-title">{tr(Text::Rectifications)}</h2>
        <RectificationList />
    }
}

fn admin_row(order: Order) -> AnyView {
    view! { <DispatchableOrder order /> }.into_any()
}

/// One order, a link to it; while it is open, 派单 in two taps: the first lists the volunteers
/// who may take it (`GET /admin/services/orders/{id}/volunteers`: name, masked phone, the
/// orders each holds now, fewest first), the second sends it to one
/// (`POST /admin/services/orders/{id}/dispatch`); the card then says to whom. `dispatched` is
/// told the order as it is once it went.
#[component]
pub fn DispatchableOrder(
    order: Order,
    #[prop(optional)] dispatched: Option<Callback<Order>>,
) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let current = RwSignal::new(order);
    let choosing = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let trouble = RwSignal::new(None::<Text>);
    let said = RwSignal::new(None::<String>);
    let id = current.with_untracked(|o| o.id);
    let people = LocalResource::new(move || async move {
        if choosing.get() {
            Some(session.call(&DispatchChoices { id }, &()).await)
        } else {
            None
        }
    });
    let dispatch = move |volunteer_id: i64| {
        if busy.get_untracked() {
            return;
        }
        trouble.set(None);
        let call = async move {
            let body = Dispatch { volunteer_id };
            session.call(&DispatchOrder { id }, &body).await
        };
        mutate(busy, call, move |result| match result {
            Ok(order) => {
                said.try_set(order.volunteer_name.clone());
                current.try_set(order.clone());
                choosing.try_set(false);
                if let Some(dispatched) = dispatched {
                    dispatched.run(order);
                }
            }
            Err(failure) => {
                let text = match failure.code() {
                    Some(ErrorCode::AlreadyClaimed) => Text::AlreadyClaimed,
                    _ => explain(&failure),
                };
                trouble.try_set(Some(text));
            }
        });
    };
    view! {
        <li class="claim" data-testid="admin-order" data-order=id.to_string()>
            {move || {
                let o = current.get();
                view! {
                    <a class="order-link" href=format!("/services/orders/{}", o.id)>
                        <div class="claim-head">
                            <span class="row-name">{o.type_name.clone()}</span>
                            <OrderChip status=o.status />
                        </div>
                        <p class="claim-note">{o.description.clone()}</p>
                        <p class="claim-sub">
                            {o.orderer_name.clone()}" · "{time::when(locale.get(), &o.created_at)}
                            {o.volunteer_name.clone().map(|n| format!(" · {n}"))}
                        </p>
                        {crate::proxy::proxy_line(o.proxy.clone())}
                    </a>
                }
            }}
            {move || said.get().map(|name| view! {
                <p class="form-notice said" role="status" data-testid="dispatch-said">{move || dispatched_to(locale.get(), &name)}</p>
            })}
            {move || trouble.get().map(|text| view! {
                <p class="form-notice error" role="alert" data-testid="dispatch-error">{tr(text)}</p>
            })}
            {move || (current.with(|o| o.status == OrderStatus::Open) && !choosing.get()).then(|| view! {
                <button class="secondary wide" type="button" data-testid="dispatch-order" on:click=move |_| choosing.set(true)>
                    {tr(Text::DispatchOrder)}
                </button>
            })}
            {move || choosing.get().then(|| view! {
                <p class="field-label">{tr(Text::ChooseVolunteer)}</p>
                {move || match people.get().flatten() {
                    None => view! { <div class="sk sk-row" aria-busy="true"></div> }.into_any(),
                    Some(Err(failure)) => load_trouble(failure, people),
                    Some(Ok(list)) if list.is_empty() => view! { <p class="empty">{tr(Text::NoVolunteers)}</p> }.into_any(),
                    Some(Ok(list)) => view! {
                        <ul class="list picker">
                            {list.into_iter().map(|v| {
                                let person = v.id;
                                let tasks = v.open_tasks;
                                let chip = if tasks == 0 { "chip approved" } else { "chip pending" };
                                view! {
                                    <li>
                                        <button class="row" type="button" data-testid="dispatch-volunteer" disabled=move || busy.get() on:click=move |_| dispatch(person)>
                                            <span class="row-text">
                                                <span class="row-name">{v.name}</span>
                                                <span class="row-sub">{v.phone}</span>
                                            </span>
                                            <span class=chip data-testid="volunteer-tasks">
                                                {move || open_tasks(locale.get(), tasks)}
                                            </span>
                                        </button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }
                    .into_any(),
                }}
                <button class="text-button" type="button" on:click=move |_| choosing.set(false)>{move || t(locale.get(), Text::Close)}</button>
            })}
        </li>
    }
}

/// The open rectifications.
#[component]
fn RectificationList() -> impl IntoView {
    let session = use_session();
    let list = LocalResource::new(move || async move {
        let open = ListRectifications {
            query: RectificationsQuery {
                status: Some("open".into()),
            },
        };
        session.call(&open, &()).await
    });
    move || match list.get() {
        None => view! { <ListSkeleton /> }.into_any(),
        Some(Err(failure)) => load_trouble(failure, list),
        Some(Ok(items)) if items.is_empty() => {
            view! { <p class="empty">{tr(Text::NoRectifications)}</p> }.into_any()
        }
        Some(Ok(items)) => view! {
            <ul class="list claims">
                {items.into_iter().map(|r| view! { <RectificationCard r /> }).collect_view()}
            </ul>
        }
        .into_any(),
    }
}

/// One rectification: its order (what was asked, who served, the 差评 and its comment), when
/// it is due, and 整改完成 with what was done.
#[component]
fn RectificationCard(r: Rectification) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let id = r.id;
    let order = r.order_id;
    let due = r.due_at.clone();
    let about =
        LocalResource::new(move || async move { session.call(&GetOrder { id: order }, &()).await });
    let follow_up = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let closed = RwSignal::new(false);
    let trouble = RwSignal::new(None::<Text>);
    let close = move |_| {
        let text = follow_up.get_untracked().trim().to_owned();
        if text.is_empty() {
            trouble.set(Some(Text::NoteRequired));
            return;
        }
        if busy.get_untracked() {
            return;
        }
        trouble.set(None);
        let call = async move {
            let body = CloseRectification { follow_up: text };
            session.call(&CloseRectificationOf { id }, &body).await
        };
        mutate(busy, call, move |result| match result {
            Ok(_) => {
                closed.try_set(true);
            }
            Err(failure) => {
                trouble.try_set(Some(explain(&failure)));
            }
        });
    };
    view! {
        <li class="claim" data-testid="rectification" data-rectification=id.to_string()>
            <div class="claim-head">
                <a class="row-name" href=format!("/services/orders/{order}")>{move || order_no(locale.get(), order)}</a>
                <span class="chip rejected">{move || due_by(locale.get(), &time::day(locale.get(), &due))}</span>
            </div>
            {move || match about.get() {
                None => view! { <div class="sk sk-row" aria-busy="true"></div> }.into_any(),
                // The link to the order is there all the same.
                Some(Err(_)) => ().into_any(),
                Some(Ok(o)) => view! {
                    <p class="claim-note" data-testid="rectification-order">{o.type_name}" · "{o.description}</p>
                    <p class="claim-sub">{o.orderer_name}{o.volunteer_name.map(|n| format!(" · {n}"))}</p>
                    {o.rating.map(|r| view! {
                        <p class="rating-line" data-testid="rectification-rating">
                            {"★".repeat(r.stars.clamp(0, 5) as usize)}" "{tr(grade_text(r.grade))}
                            {(!r.comment.is_empty()).then(|| format!(" · {}", r.comment))}
                        </p>
                    })}
                }
                .into_any(),
            }}
            {move || if closed.get() {
                view! { <p class="form-notice said" role="status">{tr(Text::RectificationClosed)}</p> }.into_any()
            } else {
                view! {
                    <label class="field">
                        <span class="field-label">{tr(Text::FollowUp)}</span>
                        <TextArea value=follow_up placeholder=Text::FollowUpPlaceholder max=MAX_FOLLOW_UP_CHARS attr:rows="2" attr:data-testid="follow-up" />
                    </label>
                    {move || trouble.get().map(|text| view! {
                        <p class="form-notice error" role="alert">{tr(text)}</p>
                    })}
                    <button class="primary wide" type="button" data-testid="close-rectification" disabled=move || busy.get() on:click=close>
                        {tr(Text::CloseRectification)}
                    </button>
                }
                .into_any()
            }}
        </li>
    }
}
