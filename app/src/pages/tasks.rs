//! `/tasks` (接单): a volunteer's first tab. 可接的订单 are the open orders of the volunteer's
//! area (`GET /services/orders/available`), each taken with one tap (`POST …/claim`); one
//! another volunteer took first says 已被其他志愿者接单 and leaves the list. 我的任务 are the
//! orders the volunteer took (`GET /services/orders/tasks`), each opening the order to finish
//! it with a note and a photo, and showing the points earned once rated.

use jifen_shared::ErrorCode;
use jifen_shared::api::{AvailableOrders, ClaimOrder, MyTasks};
use jifen_shared::auth::Role;
use jifen_shared::services::{Order, OrderStatus};
use leptos::prelude::*;

use super::paged::{Paged, PagedList, page_query};
use super::services::{OrderChip, OrderItem, grade_text};
use super::{ListSkeleton, TabbedScreen, explain, require_sign_in};
use crate::api::ApiFailure;
use crate::components::{mutate, notice};
use crate::i18n::{Text, order_reward, reward_paid, t, tr, use_locale};
use crate::session::use_session;
use crate::time;

/// `/tasks` (接单), for the volunteer role.
#[component]
pub fn TasksPage() -> impl IntoView {
    require_sign_in();
    let session = use_session();
    let gate = Memo::new(move |_| {
        (
            session.me.with(Option::is_some),
            session.current.get().map(|g| g.role),
        )
    });
    view! {
        <TabbedScreen>
            {move || match gate.get() {
                (false, _) => view! { <ListSkeleton /> }.into_any(),
                (true, Some(Role::Volunteer)) => view! { <Lists /> }.into_any(),
                (true, _) => notice(Text::NotVolunteer, "/me", Text::SwitchRole).into_any(),
            }}
        </TabbedScreen>
    }
}

/// What the last tap on 接单 did.
#[derive(Debug, Clone, PartialEq)]
enum Said {
    Claimed,
    Trouble(Text),
}

/// 可接的订单 and 我的任务.
#[component]
fn Lists() -> impl IntoView {
    let available = Paged::<Order>::new(
        |cursor| AvailableOrders {
            query: page_query(cursor),
        },
        |o| o.id,
    );
    let tasks = Paged::<Order>::new(
        |cursor| MyTasks {
            query: page_query(cursor),
        },
        |o| o.id,
    );
    let said = RwSignal::new(None::<Said>);
    let claimed: Claimed =
        Callback::new(
            move |(id, outcome): (i64, Result<(), ApiFailure>)| match outcome {
                Ok(()) => {
                    available.remove(id);
                    tasks.reload();
                    said.set(Some(Said::Claimed));
                }
                Err(failure) => {
                    let gone = matches!(
                        failure.code(),
                        Some(
                            ErrorCode::AlreadyClaimed | ErrorCode::NotFound | ErrorCode::WrongState
                        )
                    );
                    if gone {
                        available.remove(id);
                        available.reload();
                    }
                    said.set(Some(Said::Trouble(explain(&failure))));
                }
            },
        );
    provide_context(claimed);
    view! {
        <h1 class="region-name">{tr(Text::OrdersAvailable)}</h1>
        {move || said.get().map(|s| match s {
            Said::Claimed => view! {
                <p class="form-notice said" role="status" data-testid="task-said">{tr(Text::Claimed)}</p>
            }
                .into_any(),
            Said::Trouble(text) => view! {
                <p class="form-notice error said" role="alert" data-testid="task-error">{tr(text)}</p>
            }
                .into_any(),
        })}
        <PagedList
            paged=available
            empty=Text::NoAvailableOrders
            class="list claims"
            row={available_row as fn(Order) -> AnyView}
        />
        <h2 class="section-title">{tr(Text::MyTasks)}</h2>
        <PagedList paged=tasks empty=Text::NoTasks class="list claims" row={task_row as fn(Order) -> AnyView} />
    }
}

/// Told when a tap on 接单 is answered (in context: the rows are plain `fn`s, see
/// [`super::services::order_row`]).
type Claimed = Callback<(i64, Result<(), ApiFailure>)>;

fn available_row(order: Order) -> AnyView {
    view! { <AvailableCard order /> }.into_any()
}

fn task_row(order: Order) -> AnyView {
    view! { <TaskRow order /> }.into_any()
}

/// An open order to take.
#[component]
fn AvailableCard(order: Order) -> impl IntoView {
    let claimed = use_context::<Claimed>().expect("Lists provides it");
    let locale = use_locale();
    let session = use_session();
    let busy = RwSignal::new(false);
    let Order {
        id,
        type_name,
        reward_points,
        description,
        address,
        orderer_name,
        created_at,
        proxy,
        ..
    } = order;
    let claim = move |_| {
        let call = async move { session.call(&ClaimOrder { id }, &()).await };
        mutate(busy, call, move |result| {
            claimed.run((id, result.map(|_| ())))
        });
    };
    let head = view! {
        <span class="rule-points">{move || order_reward(locale.get(), reward_points)}</span>
    }
    .into_any();
    let sub = view! {
        {orderer_name}" · "
        {move || address.clone().unwrap_or_else(|| t(locale.get(), Text::AtMyHome).to_owned())}
        " · "{move || time::when(locale.get(), &created_at)}
    }
    .into_any();
    view! {
        <OrderItem testid="available-order" id type_name description head sub proxy>
            <button class="primary wide" type="button" data-testid="claim-order" disabled=move || busy.get() on:click=claim>
                {move || t(locale.get(), if busy.get() { Text::Submitting } else { Text::ClaimOrder })}
            </button>
        </OrderItem>
    }
}

/// One order the volunteer took: its status, and the points once paid.
#[component]
fn TaskRow(order: Order) -> impl IntoView {
    let locale = use_locale();
    let Order {
        id,
        type_name,
        reward_points,
        description,
        status,
        paid,
        rating,
        created_at,
        proxy,
        ..
    } = order;
    let head = view! { <OrderChip status /> }.into_any();
    let sub = view! {
        {move || time::when(locale.get(), &created_at)}
        {rating.map(|r| view! { " · "{tr(grade_text(r.grade))} })}
    }
    .into_any();
    let more = match status {
        OrderStatus::Completed => view! {
            <p class="rule-points" data-testid="task-reward">
                {move || if paid { reward_paid(locale.get(), reward_points) } else { t(locale.get(), Text::Completed).to_owned() }}
            </p>
        }
        .into_any(),
        _ => ().into_any(),
    };
    view! { <OrderItem testid="task-item" id type_name description head sub proxy more /> }
}
