//! `/services/orders` (我的订单): the villager's orders with their status.

use jifen_shared::api::MyOrders;
use jifen_shared::services::Order;
use leptos::prelude::*;

use super::{OrderChip, OrderItem};
use crate::i18n::{Text, tr, use_locale};
use crate::pages::paged::{Paged, PagedList, page_query};
use crate::pages::{TabbedScreen, require_sign_in};
use crate::time;

/// `/services/orders` (我的订单).
#[component]
pub fn MyOrdersPage() -> impl IntoView {
    require_sign_in();
    let paged = Paged::<Order>::new(
        |cursor| MyOrders {
            query: page_query(cursor),
        },
        |o| o.id,
    );
    view! {
        <TabbedScreen>
            <nav class="crumbs">
                <a class="crumb" href="/services">"‹ "{tr(Text::Services)}</a>
            </nav>
            <h1 class="region-name">{tr(Text::MyOrders)}</h1>
            <PagedList paged empty=Text::NoOrders class="list claims" row={order_row as fn(Order) -> AnyView} />
        </TabbedScreen>
    }
}

/// [`OrderRow`] as the row of a [`PagedList`]: every list of orders shares one `fn` type, so the
/// list's code is in the wasm once.
pub fn order_row(order: Order) -> AnyView {
    view! { <OrderRow order /> }.into_any()
}

/// One order in a list: a link to it, with its status, when it was made and its stars.
#[component]
pub fn OrderRow(order: Order) -> impl IntoView {
    let locale = use_locale();
    let Order {
        id,
        type_name,
        description,
        status,
        created_at,
        rating,
        proxy,
        ..
    } = order;
    let head = view! { <OrderChip status /> }.into_any();
    let sub = view! {
        {move || time::when(locale.get(), &created_at)}
        {rating.map(|r| format!(" · {}", "★".repeat(r.stars.clamp(0, 5) as usize)))}
    }
    .into_any();
    view! { <OrderItem testid="order-item" id type_name description head sub proxy /> }
}
