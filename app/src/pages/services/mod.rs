//! 服务 (五单 and 好差评) for villagers and volunteers.
//!
//! - `/services`: the county's service types (`GET /services/types?region_code=`) as big
//!   tiles, each with the volunteer's reward, and 我的订单.
//! - `/services/new/{type id}` (点单): what is needed, where (我家 or another place), up to
//!   [`MAX_PHOTOS`](crate::pages::photos::MAX_PHOTOS) optional photos (the claim's
//!   [`PhotoPicker`](crate::pages::photos::PhotoPicker)), 提交订单
//!   (`POST /services/orders` with the draft's `Idempotency-Key`). The draft lives on the
//!   phone like a claim's ([`crate::draft`]): a reload or a retried submit never orders twice.
//! - `/services/orders` (我的订单): the villager's orders with their status.
//! - `/services/orders/{id}`: one order with its photos (a tap shows one full-screen) and its
//!   timeline on the county's clock, and what the
//!   current role may do with it: the villager cancels an open order or rates a completed one
//!   (five big stars, 好评/中评/差评 under them, a comment); a volunteer takes an open order
//!   (接单) or completes their own with a note and a photo.

mod complete;
mod detail;
mod order;
mod orders;
mod rate;
mod types;

pub use detail::OrderDetailPage;
pub use order::OrderPage;
pub use orders::{MyOrdersPage, OrderRow, order_row};
pub use rate::Stars;
pub use types::ServicesPage;

use jifen_shared::ErrorCode;
use jifen_shared::api::ListServiceTypes;
use jifen_shared::proxy::ProxyNote;
use jifen_shared::services::{Grade, OrderStatus, ServiceType, TypesQuery};
use leptos::prelude::*;

use super::explain;
use crate::api::{self, ApiFailure};
use crate::i18n::{Text, tr};

/// The longest description or completion note, in characters (the server's limit).
pub const MAX_TEXT_CHARS: usize = 1000;
/// The longest rating comment, in characters (the server's limit).
pub const MAX_COMMENT_CHARS: usize = 500;

/// The service types of the county of `village` (`GET /services/types?region_code=`, public).
fn service_types(village: String) -> LocalResource<Result<Vec<ServiceType>, ApiFailure>> {
    LocalResource::new(move || {
        let types = ListServiceTypes {
            query: TypesQuery {
                region_code: village.clone(),
            },
        };
        async move { api::call(&types, &(), None).await }
    })
}

/// An order's status as a coloured chip: 待接单, 已接单, 已完成, 已取消.
#[component]
pub fn OrderChip(status: OrderStatus) -> impl IntoView {
    let (class, text) = match status {
        OrderStatus::Open => ("chip pending", Text::OrderOpen),
        OrderStatus::Claimed => ("chip claimed", Text::OrderClaimed),
        OrderStatus::Completed => ("chip approved", Text::OrderCompleted),
        OrderStatus::Cancelled => ("chip rejected", Text::OrderCancelled),
    };
    view! {
        <span class=class data-testid="order-status" data-status=status.as_str()>{tr(text)}</span>
    }
}

/// An order in a list (我的订单, 接单, 我的任务), linking to it: its service with `head`
/// beside it (its status, or its reward), its description, `sub` under that, who ordered it
/// for the villager (`proxy`, 代办), then `more` inside the link and `children` after it (a
/// button).
#[component]
pub fn OrderItem(
    /// `order-item`, `task-item`, `available-order`: the browser journeys' handle.
    testid: &'static str,
    id: i64,
    type_name: String,
    description: String,
    head: AnyView,
    sub: AnyView,
    #[prop(default = None)] proxy: Option<ProxyNote>,
    #[prop(optional)] more: Option<AnyView>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <li class="claim" data-testid=testid data-order=id.to_string()>
            <a class="order-link" href=format!("/services/orders/{id}")>
                <div class="claim-head">
                    <span class="row-name">{type_name}</span>
                    {head}
                </div>
                <p class="claim-note">{description}</p>
                <p class="claim-sub">{sub}</p>
                {crate::proxy::proxy_line(proxy)}
                {more}
            </a>
            {children.map(|after| after())}
        </li>
    }
}

/// 好评, 中评 or 差评.
pub fn grade_text(grade: Grade) -> Text {
    match grade {
        Grade::Good => Text::RateGood,
        Grade::Neutral => Text::RateNeutral,
        Grade::Bad => Text::RateBad,
    }
}

/// What a failed order action means.
pub(super) fn action_trouble(failure: &ApiFailure) -> Text {
    match failure.code() {
        Some(ErrorCode::WrongState) => Text::OrderChanged,
        _ => explain(failure),
    }
}
